using System.Collections.Frozen;
using TokenSdk.Roles;

namespace TokenSdk.Verification;

/// <summary>
/// The result of a verification: a status and, when valid, who the caller is (client id, organization) and what it
/// may do (role, permissions). A struct, so verification allocates nothing.
/// </summary>
/// <remarks>
/// A <see langword="default"/> result has the status <see cref="VerificationStatus.None"/> and is not valid: only the
/// verifier makes a valid result, and always with its role.
/// </remarks>
public readonly struct TokenVerificationResult
{
    private static readonly IReadOnlySet<string> s_noPermissions = FrozenSet<string>.Empty;

    // The record found (if any) rather than copies of its values: the struct stays three words, cheap to return.
    private readonly Storage.StoredToken? _record;

    private TokenVerificationResult(VerificationStatus status, Storage.StoredToken? record, Role? role)
    {
        Status = status;
        _record = record;
        Role = role;
    }

    /// <summary>Gets the outcome.</summary>
    public VerificationStatus Status { get; }

    /// <summary>Gets whether the credential is valid (<see cref="VerificationStatus.Valid"/>).</summary>
    public bool IsValid => Status == VerificationStatus.Valid;

    /// <summary>Gets the client id when a token record was found; otherwise <see langword="null"/>.</summary>
    public string? ClientId => _record?.ClientId;

    /// <summary>Gets the organization of the token when a record was found; otherwise <see langword="null"/>.</summary>
    public string? OrganizationId => _record?.OrganizationId;

    /// <summary>Gets the token's role when valid; otherwise <see langword="null"/>.</summary>
    public Role? Role { get; }

    /// <summary>Gets the token's permissions when valid; otherwise an empty set.</summary>
    public IReadOnlySet<string> Permissions => IsValid ? Role!.Permissions : s_noPermissions;

    /// <summary>Gets when the token expires, if it has an expiry date and a record was found.</summary>
    public DateTimeOffset? ExpiresAt => _record?.ExpiresAt;

    /// <summary>Returns whether the token is valid and its role grants <paramref name="permission"/> (on some resource).</summary>
    /// <param name="permission">The permission name.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool HasPermission(string permission) => IsValid && Role!.HasPermission(permission);

    /// <summary>
    /// Returns whether the token is valid, <paramref name="resource"/> belongs to the token's organization, and the
    /// role grants <paramref name="permission"/> on it (resource limits and <c>*</c> wildcards honoured).
    /// </summary>
    /// <param name="permission">The permission name.</param>
    /// <param name="resource">The resource being accessed, naming a concrete organization.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool Allows(string permission, ResourceScope resource)
    {
        ArgumentNullException.ThrowIfNull(permission);
        ArgumentNullException.ThrowIfNull(resource);
        return IsValid
            && string.Equals(resource.Organization, OrganizationId, StringComparison.Ordinal)
            && Role!.Allows(permission, resource);
    }

    /// <summary>Returns the status and, when known, the client id and role.</summary>
    /// <returns>A description; never a secret.</returns>
    public override string ToString() => IsValid
        ? $"{Status} (client {ClientId}, organization {OrganizationId}, role {Role!.Name})"
        : ClientId is null ? Status.ToString() : $"{Status} (client {ClientId})";

    internal static TokenVerificationResult Failed(VerificationStatus status) => new(status, null, null);

    internal static TokenVerificationResult Failed(VerificationStatus status, Storage.StoredToken record) => new(status, record, null);

    internal static TokenVerificationResult Valid(Storage.StoredToken record, Role role) => new(VerificationStatus.Valid, record, role);
}
