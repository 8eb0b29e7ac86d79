namespace TokenSdk.Management;

/// <summary>Thrown by <see cref="ManagementResult.ThrowIfFailed"/> for callers who prefer exceptions to results.</summary>
public sealed class TokenManagementException : Exception
{
    /// <summary>Creates the exception from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenManagementException(ManagementResult result)
        : base(result?.Message ?? "The token management operation failed.")
    {
        ArgumentNullException.ThrowIfNull(result);
        Status = result.Status;
        MissingPermission = result.MissingPermission;
    }

    /// <summary>Gets the outcome.</summary>
    public ManagementStatus Status { get; }

    /// <summary>Gets the permission the caller lacks, if that is the problem.</summary>
    public string? MissingPermission { get; }
}
