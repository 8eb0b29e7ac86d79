using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using TokenSdk.Storage;

namespace TokenSdk.Roles;

/// <summary>
/// The catalog's view of the roles created at run time, kept in an <see cref="IRoleStore"/>: each stored role as a
/// <see cref="Role"/> of its organization, rebuilt only when the store's snapshot changes (a reference comparison on
/// every lookup), reusing the <see cref="Role"/> of every stored role that did not change, so caches keyed by role
/// instances stay valid. Lookups do not allocate.
/// </summary>
/// <remarks>
/// A stored role whose id or name is taken by a read-only role, whose permission is malformed, or whose resource does
/// not parse resolves to no role: tokens holding it fail verification (fail closed) rather than get a role other
/// than the one stored. The management layer never writes such a role; only a damaged or foreign store can hold one.
/// </remarks>
internal sealed class StoredRoles
{
    private readonly IRoleStore _store;
    private readonly FrozenSet<string> _reservedIds;
    private readonly FrozenSet<string> _reservedNames;
    private volatile View _view;

    public StoredRoles(IRoleStore store, IEnumerable<Role> readOnlyRoles)
    {
        _store = store;
        Role[] reserved = [.. readOnlyRoles];
        _reservedIds = reserved.Select(r => r.Id).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _reservedNames = reserved.Select(r => r.Name).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _view = Build(StoredRoleSnapshot.Empty, null);
    }

    /// <summary>Gets the roles of every organization, as of the store's current snapshot.</summary>
    public IReadOnlyList<Role> All => Current().Roles;

    /// <summary>Finds a stored role by id: by the id string's instance first (no hashing), then by value.</summary>
    public bool TryGetRole(string id, [NotNullWhen(true)] out Role? role)
    {
        View view = Current();
        if (view.ByInstance.TryGet(id, out role))
        {
            return true;
        }

        if (view.ById.TryGetValue(id, out role))
        {
            view.ByInstance.Add(id, role);
            return true;
        }

        return false;
    }

    private View Current()
    {
        View view = _view;
        StoredRoleSnapshot snapshot = _store.Roles;
        if (ReferenceEquals(view.Snapshot, snapshot))
        {
            return view;
        }

        // Racing threads may each build a view of the same snapshot: equal views, and the last one stays.
        view = Build(snapshot, view);
        _view = view;
        return view;
    }

    private View Build(StoredRoleSnapshot snapshot, View? previous)
    {
        List<Role> roles = new(snapshot.Count);
        Dictionary<StoredRole, Role> byStored = new(ReferenceEqualityComparer.Instance);
        foreach (StoredRole stored in snapshot)
        {
            Role? role = previous is not null && previous.ByStored.TryGetValue(stored, out Role? unchanged) ? unchanged : ToRole(stored);
            if (role is not null)
            {
                roles.Add(role);
                byStored[stored] = role;
            }
        }

        Role[] all = [.. roles];
        return new View(snapshot, all, all.ToFrozenDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase), byStored, new RoleLookupCache(all));
    }

    private Role? ToRole(StoredRole stored)
    {
        if (_reservedIds.Contains(stored.Id) || _reservedNames.Contains(stored.Name))
        {
            return null;
        }

        var scopes = new List<ResourceScope>(stored.Resources.Count);
        foreach (string resource in stored.Resources)
        {
            if (!ResourceScope.TryParse(resource, out ResourceScope? scope))
            {
                return null;
            }

            scopes.Add(scope);
        }

        try
        {
            return new Role(stored.Id, stored.Name, stored.Permissions, stored.Description, scopes, isDefault: false, stored.OrganizationId, stored.Version, stored.UpdatedAt, stored.UpdatedBy);
        }
        catch (ArgumentException)
        {
            // A malformed permission: the role resolves to nothing, and its tokens fail closed.
            return null;
        }
    }

    private sealed record View(
        StoredRoleSnapshot Snapshot,
        Role[] Roles,
        FrozenDictionary<string, Role> ById,
        Dictionary<StoredRole, Role> ByStored,
        RoleLookupCache ByInstance);
}
