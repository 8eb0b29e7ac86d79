namespace TokenSdk.Verification;

/// <summary>The outcome of verifying a presented token or client id and secret.</summary>
public enum VerificationStatus
{
    /// <summary>The credential is genuine, live and unexpired; the result carries its role and permissions.</summary>
    Valid = 0,

    /// <summary>The input is not a token of any accepted format (or its checksum is wrong); nothing was looked up.</summary>
    Malformed = 1,

    /// <summary>No live token has this client id: it never existed or was deleted.</summary>
    UnknownClient = 2,

    /// <summary>The client id exists but the secret or token hash does not match (or its pepper is no longer configured).</summary>
    Mismatch = 3,

    /// <summary>The credential matches but the token's expiry date has passed.</summary>
    Expired = 4,

    /// <summary>The credential matches but its role no longer exists in the role catalog.</summary>
    RoleNotFound = 5,
}
