using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using TokenSdk.Storage;

namespace TokenSdk.Roles;

/// <summary>
/// The default <see cref="IRoleCatalog"/>: the <see cref="DefaultRoles"/>, validated custom roles, and optional
/// dynamic <see cref="IRoleSource"/>s, and the roles created at run time in an <see cref="IRoleStore"/>. Thread-safe; lookups by id do not allocate. Ids and names compare
/// case-insensitively.
/// </summary>
/// <remarks>
/// The Organization Administrator holds every permission of the organization: with permissions declared by the host
/// (<c>customPermissions</c>), the catalog's Organization Administrator holds those too. It is then a role of this
/// catalog, with the id, name and description of <see cref="DefaultRoles.OrganizationAdministrator"/>, which itself
/// stays as it is.
/// </remarks>
public sealed class RoleCatalog : IRoleCatalog
{
    private readonly FrozenDictionary<string, Role> _byId;
    private readonly FrozenDictionary<string, Role> _byName;
    private readonly Role[] _staticRoles;
    private readonly IRoleSource[] _sources;
    private readonly StoredRoles? _stored;

    // Default and configured roles never change for the catalog's lifetime, so verification may find them by the
    // instance of the record's role id; roles of sources may change and are asked for every time.
    private readonly RoleLookupCache _fixedRoles;

    /// <summary>Creates a catalog of the default roles only.</summary>
    public RoleCatalog()
        : this(customRoles: null)
    {
    }

    /// <summary>Creates a catalog of the default roles and the given custom roles.</summary>
    /// <param name="customRoles">Custom roles; validated here.</param>
    /// <param name="customPermissions">
    /// Permissions the host declares in addition to <see cref="Permissions.All"/>; the catalog's Organization
    /// Administrator holds them too.
    /// </param>
    /// <param name="sources">Dynamic role sources, consulted in order after the static roles.</param>
    /// <param name="roleStore">
    /// The store of roles created at run time (the token store, when it keeps roles); its roles belong to one
    /// organization each, and can never take the id or name of a default or custom role.
    /// </param>
    /// <exception cref="ArgumentException">
    /// A custom role names an unknown permission, repeats an id or name, or clashes with a default role; the message
    /// lists every problem.
    /// </exception>
    public RoleCatalog(IEnumerable<Role>? customRoles, IEnumerable<string>? customPermissions = null, IEnumerable<IRoleSource>? sources = null, IRoleStore? roleStore = null)
    {
        Role[] custom = customRoles?.ToArray() ?? [];
        string[] declared = customPermissions?.ToArray() ?? [];
        IReadOnlyList<string> errors = Validate(custom, declared);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid custom roles: " + string.Join(" ", errors), nameof(customRoles));
        }

        Role administrator = OrganizationAdministrator(declared);
        _staticRoles = [.. DefaultRoles.All.Select(r => ReferenceEquals(r, DefaultRoles.OrganizationAdministrator) ? administrator : r), .. custom];
        _byId = _staticRoles.ToFrozenDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);
        _byName = _staticRoles.ToFrozenDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _fixedRoles = new RoleLookupCache(_staticRoles);
        _sources = sources?.ToArray() ?? [];
        _stored = roleStore is null ? null : new StoredRoles(roleStore, _staticRoles);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Role> GetRoles()
    {
        if (_sources.Length == 0 && _stored is null)
        {
            return _staticRoles;
        }

        var roles = new List<Role>(_staticRoles);
        if (_stored is not null)
        {
            roles.AddRange(_stored.All);
        }

        if (_sources.Length == 0)
        {
            return roles;
        }

        var ids = new HashSet<string>(_byId.Keys, StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(_byName.Keys, StringComparer.OrdinalIgnoreCase);
        ids.UnionWith(roles.Select(r => r.Id));
        foreach (IRoleSource source in _sources)
        {
            foreach (Role role in source.GetRoles())
            {
                // First come, first served: a source role never shadows an earlier role's id or name.
                if (role is not null && !ids.Contains(role.Id) && !names.Contains(role.Name))
                {
                    ids.Add(role.Id);
                    names.Add(role.Name);
                    roles.Add(role);
                }
            }
        }

        return roles;
    }

    /// <summary>Gets whether the catalog's roles never change (no role source, no role store): a role resolved once stays right.</summary>
    internal bool HasFixedRoles => _sources.Length == 0 && _stored is null;

    /// <summary>Returns whether <paramref name="role"/> is one of this catalog's default or configured roles, which never change.</summary>
    internal bool IsFixed(Role role) => _byId.TryGetValue(role.Id, out Role? fixedRole) && ReferenceEquals(fixedRole, role);

    /// <inheritdoc/>
    public IReadOnlyList<Role> GetRoles(string organizationId)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        IReadOnlyList<Role> all = GetRoles();
        return ReferenceEquals(all, _staticRoles) ? all : [.. all.Where(r => r.IsUsableIn(organizationId))];
    }

    /// <inheritdoc/>
    public Role? FindRole(string idOrName, string organizationId)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        ArgumentNullException.ThrowIfNull(organizationId);
        if ((_byId.TryGetValue(idOrName, out Role? role) || TryGetDynamicRole(idOrName, out role)) && role.IsUsableIn(organizationId))
        {
            return role;
        }

        if (_byName.TryGetValue(idOrName, out role))
        {
            return role;
        }

        foreach (Role candidate in GetRoles(organizationId))
        {
            if (string.Equals(candidate.Name, idOrName, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool TryGetRole(string id, [NotNullWhen(true)] out Role? role)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_fixedRoles.TryGet(id, out role))
        {
            return true;
        }

        // Stored roles never take a default or configured role's id, so they may be asked first: by the id's instance.
        if (_stored is not null && _stored.TryGetRole(id, out role))
        {
            return true;
        }

        if (_byId.TryGetValue(id, out role))
        {
            _fixedRoles.Add(id, role);
            return true;
        }

        return TryGetSourceRole(id, out role);
    }

    /// <inheritdoc/>
    public Role? FindRole(string idOrName)
    {
        ArgumentNullException.ThrowIfNull(idOrName);

        // Not through TryGetRole: what a user types must not take the cache's slots, which are for stored role ids.
        if (_byId.TryGetValue(idOrName, out Role? role) || TryGetDynamicRole(idOrName, out role) || _byName.TryGetValue(idOrName, out role))
        {
            return role;
        }

        foreach (Role candidate in GetRoles())
        {
            if (string.Equals(candidate.Name, idOrName, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    private bool TryGetDynamicRole(string id, [NotNullWhen(true)] out Role? role) =>
        (_stored is not null && _stored.TryGetRole(id, out role)) || TryGetSourceRole(id, out role);

    private bool TryGetSourceRole(string id, [NotNullWhen(true)] out Role? role)
    {
        foreach (IRoleSource source in _sources)
        {
            if (source.TryGetRole(id, out role) && role is not null
                && string.Equals(role.Id, id, StringComparison.OrdinalIgnoreCase) && !_byName.ContainsKey(role.Name))
            {
                return true;
            }
        }

        role = null;
        return false;
    }

    // The Organization Administrator holds every permission of the organization, the host's declared ones included.
    // The shared default role is never changed: a catalog with declared permissions gets its own copy.
    private static Role OrganizationAdministrator(IReadOnlyCollection<string> declared)
    {
        Role administrator = DefaultRoles.OrganizationAdministrator;
        return declared.All(administrator.HasPermission)
            ? administrator
            : new Role(administrator.Id, administrator.Name, [.. administrator.Permissions, .. declared], administrator.Description, resources: null, isDefault: true);
    }

    /// <summary>Checks custom roles against the default roles, each other and the known permissions.</summary>
    internal static IReadOnlyList<string> Validate(IReadOnlyList<Role> customRoles, IEnumerable<string> customPermissions)
    {
        List<string> errors = [];
        var known = new HashSet<string>(Permissions.All, StringComparer.Ordinal);
        foreach (string permission in customPermissions)
        {
            if (!Permissions.IsWellFormed(permission))
            {
                errors.Add($"Custom permission '{permission}' is malformed: use 1 to 64 lowercase letters, digits, '-', '.' or ':', starting with a letter.");
            }
            else
            {
                known.Add(permission);
            }
        }

        var defaultIdsByName = DefaultRoles.All.ToDictionary(r => r.Name, r => r.Id, StringComparer.OrdinalIgnoreCase);
        var defaultNamesById = DefaultRoles.All.ToDictionary(r => r.Id, r => r.Name, StringComparer.OrdinalIgnoreCase);
        var customIdsById = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var customIdsByName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Role role in customRoles)
        {
            if (role is null)
            {
                errors.Add("A custom role is null.");
                continue;
            }

            if (role.IsDefault)
            {
                errors.Add($"Role '{role.Id}' is a default role; register only custom roles.");
                continue;
            }

            foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
            {
                if (!known.Contains(permission))
                {
                    errors.Add($"Custom role '{role.Id}' names unknown permission '{permission}'; use a name from TokenSdk.Roles.Permissions or declare it in TokenSdkOptions.CustomPermissions.");
                }
            }

            if (defaultNamesById.TryGetValue(role.Id, out string? defaultName))
            {
                errors.Add($"Custom role id '{role.Id}' clashes with the default role '{defaultName}'; choose another id.");
            }
            else if (!customIdsById.TryAdd(role.Id, role.Id))
            {
                string other = customIdsById[role.Id];
                errors.Add(string.Equals(other, role.Id, StringComparison.Ordinal)
                    ? $"Custom role id '{role.Id}' is used twice; role ids must be unique."
                    : $"Custom role ids '{other}' and '{role.Id}' differ only in case; role ids must be unique (case-insensitive).");
            }

            if (defaultIdsByName.TryGetValue(role.Name, out string? defaultId))
            {
                errors.Add($"Custom role name '{role.Name}' clashes with the default role '{defaultId}'; choose another name.");
            }
            else if (customIdsByName.TryGetValue(role.Name, out string? otherId))
            {
                errors.Add($"Custom role name '{role.Name}' is used by roles '{otherId}' and '{role.Id}'; role names must be unique (case-insensitive).");
            }
            else
            {
                customIdsByName.Add(role.Name, role.Id);
            }
        }

        return errors;
    }
}
