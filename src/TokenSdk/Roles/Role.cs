using System.Collections.Frozen;

namespace TokenSdk.Roles;

/// <summary>
/// A named set of permissions, optionally limited to some resources. A token is generated for one or more roles.
/// </summary>
/// <remarks>
/// Roles are immutable. A token records only its role's <see cref="Id"/>, and verification resolves the role from
/// the <see cref="IRoleCatalog"/> each time, so a changed custom role applies at once to every token holding it.
/// </remarks>
public sealed class Role
{
    /// <summary>Creates a custom role.</summary>
    /// <param name="id">
    /// The stable id tokens refer to: 1 to 64 ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, starting with a
    /// letter or digit.
    /// </param>
    /// <param name="name">The display name, unique among roles (compared case-insensitively); 1 to 100 characters.</param>
    /// <param name="permissions">The permissions the role grants; well-formed names (see <see cref="Roles.Permissions.IsWellFormed"/>).</param>
    /// <param name="description">An optional description shown beside the permissions.</param>
    /// <param name="resources">
    /// The resources the permissions apply to. <see langword="null"/> or empty means every resource of the token's organization.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/>, <paramref name="name"/> or <paramref name="permissions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is malformed; the message says which and why.</exception>
    public Role(string id, string name, IEnumerable<string> permissions, string? description = null, IEnumerable<ResourceScope>? resources = null)
        : this(id, name, permissions, description, resources, isDefault: false)
    {
    }

    internal Role(string id, string name, IEnumerable<string> permissions, string? description, IEnumerable<ResourceScope>? resources, bool isDefault)
        : this(id, name, permissions, description, resources, isDefault, organizationId: null, version: 0, updatedAt: null, updatedBy: null)
    {
    }

    /// <summary>A role created at run time, kept in a role store and belonging to one organization.</summary>
    internal Role(
        string id,
        string name,
        IEnumerable<string> permissions,
        string? description,
        IEnumerable<ResourceScope>? resources,
        bool isDefault,
        string? organizationId,
        long version,
        DateTimeOffset? updatedAt,
        string? updatedBy)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(permissions);

        if (!Identifiers.IsValid(id))
        {
            throw new ArgumentException($"Role id '{id}' is invalid: use {Identifiers.Rule}.", nameof(id));
        }

        if (!IsValidName(name))
        {
            throw new ArgumentException($"The name of role '{id}' is invalid: use 1 to 100 characters without control characters or surrounding whitespace.", nameof(name));
        }

        if (description is { Length: > 1000 })
        {
            throw new ArgumentException($"The description of role '{id}' is longer than 1000 characters.", nameof(description));
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? permission in permissions)
        {
            if (permission is null)
            {
                throw new ArgumentException($"Role '{id}' has a null permission.", nameof(permissions));
            }

            if (!Roles.Permissions.IsWellFormed(permission))
            {
                throw new ArgumentException($"Role '{id}' names a malformed permission '{permission}': use lowercase letters, digits, '-', '.' or ':'.", nameof(permissions));
            }

            set.Add(permission);
        }

        List<ResourceScope> scopes = [];
        if (resources is not null)
        {
            foreach (ResourceScope? scope in resources)
            {
                if (scope is null)
                {
                    throw new ArgumentException($"Role '{id}' has a null resource.", nameof(resources));
                }

                if (!scopes.Contains(scope))
                {
                    scopes.Add(scope);
                }
            }
        }

        Id = id;
        Name = name;
        Description = description ?? string.Empty;
        Permissions = set.ToFrozenSet(StringComparer.Ordinal);
        Resources = scopes.AsReadOnly();
        IsDefault = isDefault;
        OrganizationId = organizationId;
        Version = version;
        UpdatedAt = updatedAt;
        UpdatedBy = updatedBy;
        AsList = Array.AsReadOnly([this]);
    }

    /// <summary>Gets the stable id that tokens refer to.</summary>
    public string Id { get; }

    /// <summary>Gets the display name.</summary>
    public string Name { get; }

    /// <summary>Gets the description, or an empty string.</summary>
    public string Description { get; }

    /// <summary>Gets the permissions the role grants.</summary>
    public IReadOnlySet<string> Permissions { get; }

    /// <summary>Gets the resources the permissions apply to; empty means every resource of the token's organization.</summary>
    public IReadOnlyList<ResourceScope> Resources { get; }

    /// <summary>Gets whether this is one of the built-in <see cref="DefaultRoles"/> (as opposed to a custom role).</summary>
    public bool IsDefault { get; }

    /// <summary>
    /// Gets the organization a role created at run time belongs to (only that organization's tokens can hold it), or
    /// <see langword="null"/> for a default role or a role configured by the host, which every organization can use.
    /// </summary>
    public string? OrganizationId { get; }

    /// <summary>
    /// Gets whether the role was created at run time (through <see cref="Management.IRoleManager"/>, the management API
    /// or the CLI) and can be changed or deleted. Default roles and roles configured by the host are read-only.
    /// </summary>
    public bool IsEditable => OrganizationId is not null;

    /// <summary>Gets the change count of a role created at run time (1 when created, one more on each update); 0 for a read-only role.</summary>
    public long Version { get; }

    /// <summary>Gets when a role created at run time was last changed; <see langword="null"/> for a read-only role.</summary>
    public DateTimeOffset? UpdatedAt { get; }

    /// <summary>Gets who last changed a role created at run time (a user or client id); <see langword="null"/> for a read-only role.</summary>
    public string? UpdatedBy { get; }

    /// <summary>Returns whether tokens and callers of <paramref name="organizationId"/> can hold this role: it has no organization, or is that organization's own.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <returns><see langword="true"/> when the organization can use the role.</returns>
    public bool IsUsableIn(string organizationId) =>
        OrganizationId is null || string.Equals(OrganizationId, organizationId, StringComparison.Ordinal);

    /// <summary>Gets this role as a read-only list of one, made once, so that a result can hand it out without allocating.</summary>
    internal IReadOnlyList<Role> AsList { get; }

    /// <summary>Returns whether the role grants <paramref name="permission"/> on at least some resource.</summary>
    /// <param name="permission">The permission name.</param>
    /// <returns><see langword="true"/> when the role holds the permission.</returns>
    public bool HasPermission(string permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        return Permissions.Contains(permission);
    }

    /// <summary>
    /// Returns whether the role grants <paramref name="permission"/> on <paramref name="resource"/>: the role holds the
    /// permission and has no resource limits, or one of its <see cref="Resources"/> covers the resource.
    /// </summary>
    /// <param name="permission">The permission name.</param>
    /// <param name="resource">The resource being accessed.</param>
    /// <returns><see langword="true"/> when the access is allowed.</returns>
    /// <remarks>
    /// This check does not know the token's organization; <see cref="Verification.TokenVerificationResult.Allows(string, ResourceScope)"/>
    /// also requires the resource to belong to the token's organization.
    /// </remarks>
    public bool Allows(string permission, ResourceScope resource)
    {
        ArgumentNullException.ThrowIfNull(permission);
        ArgumentNullException.ThrowIfNull(resource);
        if (!Permissions.Contains(permission))
        {
            return false;
        }

        if (Resources.Count == 0)
        {
            return true;
        }

        foreach (ResourceScope scope in Resources)
        {
            if (scope.Covers(resource))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the role's name and id, for example <c>Database Administrator (database-administrator)</c>.</summary>
    /// <returns>The name and id.</returns>
    public override string ToString() => $"{Name} ({Id})";

    internal static bool IsValidName(string? name) => Identifiers.IsValidRoleName(name);
}
