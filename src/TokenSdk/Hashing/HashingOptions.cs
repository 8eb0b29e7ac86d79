namespace TokenSdk.Hashing;

/// <summary>How new verifiers are computed, and the peppers that existing keyed verifiers need.</summary>
public sealed class HashingOptions
{
    /// <summary>Gets or sets the algorithm for verifiers of newly generated tokens.</summary>
    /// <value>The default value is <see cref="VerifierAlgorithm.Sha256"/>.</value>
    /// <remarks>Existing verifiers keep the algorithm they were made with, so this can change at any time.</remarks>
    public VerifierAlgorithm Algorithm { get; set; } = VerifierAlgorithm.Sha256;

    /// <summary>Gets or sets the key id of the pepper used for new <see cref="VerifierAlgorithm.HmacSha256"/> verifiers.</summary>
    /// <value>The default value is <see langword="null"/>; required when <see cref="Algorithm"/> is <see cref="VerifierAlgorithm.HmacSha256"/>.</value>
    public string? CurrentKeyId { get; set; }

    /// <summary>
    /// Gets the peppers, current and retired. Keep a retired pepper here as long as tokens made with it should verify.
    /// </summary>
    public IList<PepperOptions> Peppers { get; } = [];
}
