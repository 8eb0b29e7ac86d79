namespace TokenSdk.Verification;

/// <summary>The outcome of verifying a presented token or client id and secret.</summary>
/// <remarks>
/// The zero value is <see cref="None"/>, not <see cref="Valid"/>: a <see langword="default"/>
/// <see cref="TokenVerificationResult"/> (a field never assigned, a result a custom verifier forgot to fill in)
/// is never mistaken for a success.
/// </remarks>
public enum VerificationStatus
{
    /// <summary>Nothing was verified: the value of a <see langword="default"/> result. Never a success.</summary>
    None = 0,

    /// <summary>The credential is genuine, live and unexpired; the result carries its role and permissions.</summary>
    Valid = 1,

    /// <summary>The input is not a token of any accepted format (or its checksum is wrong); nothing was looked up.</summary>
    Malformed = 2,

    /// <summary>No live token has this client id: it never existed or was deleted.</summary>
    UnknownClient = 3,

    /// <summary>The client id exists but the secret or token hash does not match (or its pepper is no longer configured).</summary>
    Mismatch = 4,

    /// <summary>The credential matches but the token's expiry date has passed.</summary>
    Expired = 5,

    /// <summary>The credential matches but its role no longer exists in the role catalog.</summary>
    RoleNotFound = 6,
}
