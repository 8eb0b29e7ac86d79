namespace TokenSdk.Storage;

/// <summary>Options of the <see cref="FileTokenStore"/>.</summary>
public sealed class FileTokenStoreOptions
{
    /// <summary>Gets or sets the store directory. Created (owner-only on Unix) when missing.</summary>
    /// <value>The default value is <see langword="null"/>, which fails validation.</value>
    public string? Directory { get; set; }

    /// <summary>
    /// Gets or sets how often the store looks for changes made by other processes. A token added or deleted by another
    /// process is seen here within this interval plus the time to read the change (milliseconds).
    /// </summary>
    /// <value>The default value is 500 milliseconds, which keeps the bound under one second.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets how long a write waits for another process's lock before failing.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether the log is compacted automatically once dead records outnumber live ones.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AutoCompact { get; set; } = true;

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            yield return "FileTokenStoreOptions.Directory is required: the directory where the store keeps its files.";
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(10) || RefreshInterval > TimeSpan.FromMinutes(10))
        {
            yield return $"FileTokenStoreOptions.RefreshInterval must lie between 10 milliseconds and 10 minutes (it is {RefreshInterval}).";
        }

        if (LockTimeout <= TimeSpan.Zero)
        {
            yield return $"FileTokenStoreOptions.LockTimeout must be positive (it is {LockTimeout}).";
        }
    }
}
