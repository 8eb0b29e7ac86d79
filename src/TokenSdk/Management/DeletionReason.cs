namespace TokenSdk.Management;

/// <summary>Why a token is deleted; recorded in the audit trail. A reason is required.</summary>
public enum DeletionReason
{
    /// <summary>No reason given; refused by the default deletion policy.</summary>
    Unspecified = 0,

    /// <summary>The token leaked or may have leaked.</summary>
    Compromised = 1,

    /// <summary>The application no longer needs it.</summary>
    NoLongerNeeded = 2,

    /// <summary>The application needs another role (roles cannot be edited: delete and create).</summary>
    RoleChange = 3,

    /// <summary>Replaced by a rotation (set by TokenSdk).</summary>
    Rotated = 4,

    /// <summary>Its expiry date passed (set by TokenSdk).</summary>
    Expired = 5,

    /// <summary>Any other reason.</summary>
    Other = 6,
}
