namespace TokenSdk.Usage;

/// <summary>How last-used times are tracked (<see cref="TokenSdkOptions.Usage"/>, configuration section <c>TokenSdk:Usage</c>).</summary>
public sealed class TokenUsageOptions
{
    /// <summary>The default resolution: one minute.</summary>
    public static readonly TimeSpan DefaultResolution = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets whether verification records when each token was last used.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the resolution of last-used times, which is also how often they are written to the store: a
    /// token verified any number of times within one period costs one write. 1 second to 1 day.
    /// </summary>
    /// <value>The default value is <see cref="DefaultResolution"/> (one minute).</value>
    public TimeSpan Resolution { get; set; } = DefaultResolution;
}
