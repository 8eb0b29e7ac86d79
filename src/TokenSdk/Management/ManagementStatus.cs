namespace TokenSdk.Management;

/// <summary>The outcome of a management operation.</summary>
public enum ManagementStatus
{
    /// <summary>The operation succeeded.</summary>
    Succeeded = 0,

    /// <summary>The caller lacks a permission the operation needs (<see cref="ManagementResult.MissingPermission"/>). Nothing changed.</summary>
    PermissionDenied = 1,

    /// <summary>The token's role would grant the caller more than it holds (privilege escalation). Nothing changed.</summary>
    EscalationDenied = 2,

    /// <summary>No such token in the caller's organization (tokens of other organizations are reported this way too).</summary>
    NotFound = 3,

    /// <summary>The role named is not in the role catalog.</summary>
    RoleNotFound = 4,

    /// <summary>The request is malformed (reason missing, expiry not allowed, grace period too long, ...). Nothing changed.</summary>
    InvalidRequest = 5,

    /// <summary>The deletion policy refused: deleting it would leave the organization without a token that can manage tokens.</summary>
    LockoutPrevented = 6,
}
