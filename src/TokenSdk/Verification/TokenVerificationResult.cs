using System.Collections.Frozen;
using TokenSdk.Roles;

namespace TokenSdk.Verification;

/// <summary>
/// The result of a verification: a status and, when valid, who the caller is (client id, organization) and what it
/// may do (roles, permissions). A struct, so verification allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// A <see langword="default"/> result has the status <see cref="VerificationStatus.None"/> and is not valid: only the
/// verifier makes a valid result, and always with its roles.
/// </para>
/// <para>
/// A token may hold several roles. Its permissions are the union of theirs, and each role keeps its own resource
/// scopes: <see cref="Allows"/> is <see langword="true"/> when one of the roles holds the permission and covers the
/// resource.
/// </para>
/// </remarks>
public readonly struct TokenVerificationResult
{
    private static readonly IReadOnlySet<string> s_noPermissions = FrozenSet<string>.Empty;
    private static readonly IReadOnlyList<Role> s_noRoles = Array.AsReadOnly(Array.Empty<Role>());

    // The record found (if any) rather than copies of its values, and the one role (a Role) or the several (a RoleSet)
    // in one field: the struct stays three words, cheap to return.
    private readonly Storage.StoredToken? _record;
    private readonly object? _grant;

    private TokenVerificationResult(VerificationStatus status, Storage.StoredToken? record, object? grant)
    {
        Status = status;
        _record = record;
        _grant = grant;
    }

    /// <summary>Gets the outcome.</summary>
    public VerificationStatus Status { get; }

    /// <summary>Gets whether the credential is valid (<see cref="VerificationStatus.Valid"/>).</summary>
    public bool IsValid => Status == VerificationStatus.Valid;

    /// <summary>Gets the client id when a token record was found; otherwise <see langword="null"/>.</summary>
    public string? ClientId => _record?.ClientId;

    /// <summary>Gets the organization of the token when a record was found; otherwise <see langword="null"/>.</summary>
    public string? OrganizationId => _record?.OrganizationId;

    /// <summary>Gets the token's roles (one or more, in the order given at generation) when valid; otherwise an empty list.</summary>
    public IReadOnlyList<Role> Roles => _grant switch
    {
        Role role => role.AsList,
        RoleSet set => set.Roles,
        _ => s_noRoles,
    };

    /// <summary>Gets the token's permissions (the union of its roles') when valid; otherwise an empty set.</summary>
    public IReadOnlySet<string> Permissions => _grant switch
    {
        Role role => role.Permissions,
        RoleSet set => set.Permissions,
        _ => s_noPermissions,
    };

    /// <summary>Gets when the token expires, if it has an expiry date and a record was found.</summary>
    public DateTimeOffset? ExpiresAt => _record?.ExpiresAt;

    /// <summary>Returns whether the token is valid and one of its roles grants <paramref name="permission"/> (on some resource).</summary>
    /// <param name="permission">The permission name.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool HasPermission(string permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        return Permissions.Contains(permission);
    }

    /// <summary>
    /// Returns whether the token is valid, <paramref name="resource"/> belongs to the token's organization, and one of
    /// the token's roles grants <paramref name="permission"/> on it (that role's resource limits and <c>*</c> wildcards honoured).
    /// </summary>
    /// <param name="permission">The permission name.</param>
    /// <param name="resource">The resource being accessed, naming a concrete organization.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool Allows(string permission, ResourceScope resource)
    {
        ArgumentNullException.ThrowIfNull(permission);
        ArgumentNullException.ThrowIfNull(resource);
        if (_grant is null || !string.Equals(resource.Organization, OrganizationId, StringComparison.Ordinal))
        {
            return false;
        }

        return _grant is Role role ? role.Allows(permission, resource) : ((RoleSet)_grant).Allows(permission, resource);
    }

    /// <summary>Returns the status and, when known, the client id and roles.</summary>
    /// <returns>A description; never a secret.</returns>
    public override string ToString() => _grant switch
    {
        Role role => $"{Status} (client {ClientId}, organization {OrganizationId}, role {role.Name})",
        RoleSet set => $"{Status} (client {ClientId}, organization {OrganizationId}, roles {set.Names})",
        _ => ClientId is null ? Status.ToString() : $"{Status} (client {ClientId})",
    };

    internal static TokenVerificationResult Failed(VerificationStatus status) => new(status, null, null);

    internal static TokenVerificationResult Failed(VerificationStatus status, Storage.StoredToken record) => new(status, record, null);

    internal static TokenVerificationResult Valid(Storage.StoredToken record, Role role) => new(VerificationStatus.Valid, record, role);

    internal static TokenVerificationResult Valid(Storage.StoredToken record, RoleSet roles) => new(VerificationStatus.Valid, record, roles);
}
