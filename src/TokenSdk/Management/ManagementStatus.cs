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

    /// <summary>The change conflicts with another role: its name is taken in the organization or by a read-only role. Nothing changed.</summary>
    Conflict = 7,

    /// <summary>The role has changed since the version the caller expected. Nothing changed; read it again and retry.</summary>
    PreconditionFailed = 8,

    /// <summary>Tokens hold the role (<see cref="ManagementResult.TokenCount"/>), so it was not deleted.</summary>
    RoleInUse = 9,

    /// <summary>The role is a default role or configured by the host, and cannot be changed or deleted.</summary>
    RoleReadOnly = 10,
}
