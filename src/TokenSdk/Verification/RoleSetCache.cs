using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Verification;

/// <summary>
/// The verifier's <see cref="RoleSet"/> per distinct combination of roles held by tokens. Each use checks that the
/// catalog still returns the same role instances (a role from a role source may change), so an edited role applies at
/// once; an unchanged combination costs one dictionary lookup and one catalog lookup per role, and allocates nothing.
/// </summary>
internal sealed class RoleSetCache
{
    /// <summary>The most combinations kept; beyond it, a combination is resolved afresh on each use.</summary>
    public const int MaximumCount = 4096;

    // The last set used in each slot, found by the very string instance of the stored form: a store keeps one instance
    // per distinct value for all its records, so a hit costs a reference comparison instead of hashing the string.
    private const int RecentSlots = 16;

    private readonly ConcurrentDictionary<string, RoleSet> _sets = new(StringComparer.Ordinal);
    private readonly Recent?[] _recent = new Recent?[RecentSlots];

    /// <summary>Resolves the stored form of several role ids; when a role is missing, returns its id.</summary>
    public bool TryResolve(string storedRoleIds, IRoleCatalog catalog, [NotNullWhen(true)] out RoleSet? set, out string? missingRoleId)
    {
        int slot = (storedRoleIds.Length ^ storedRoleIds[^1]) & (RecentSlots - 1);
        Recent? recent = Volatile.Read(ref _recent[slot]);
        if (recent is not null && ReferenceEquals(recent.Key, storedRoleIds) && (recent.Fixed || IsCurrent(recent.Set, catalog)))
        {
            set = recent.Set;
            missingRoleId = null;
            return true;
        }

        if (_sets.TryGetValue(storedRoleIds, out RoleSet? known))
        {
            bool current = true;
            for (int i = 0; i < known.RoleIds.Length; i++)
            {
                if (!catalog.TryGetRole(known.RoleIds[i], out Role? role))
                {
                    set = null;
                    missingRoleId = known.RoleIds[i];
                    return false;
                }

                current &= ReferenceEquals(role, known.Members[i]);
            }

            if (current)
            {
                Remember(slot, known, storedRoleIds, catalog);
                set = known;
                missingRoleId = null;
                return true;
            }
        }

        string[] ids = TokenRoleIds.Split(storedRoleIds);
        var roles = new Role[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if (!catalog.TryGetRole(ids[i], out Role? role))
            {
                set = null;
                missingRoleId = ids[i];
                return false;
            }

            roles[i] = role;

            // Checked again on every use by the role's own id instance, which a RoleCatalog answers by reference from
            // its cache (a split-off copy could find the cache full and cost a case-insensitive hash each time).
            ids[i] = role.Id;
        }

        set = new RoleSet(storedRoleIds, ids, roles);
        if (known is not null || _sets.Count < MaximumCount)
        {
            _sets[storedRoleIds] = set;
        }

        Remember(slot, set, storedRoleIds, catalog);
        missingRoleId = null;
        return true;
    }

    // Every role of the set is still the instance the catalog returns (a role from a role source may have changed).
    private static bool IsCurrent(RoleSet set, IRoleCatalog catalog)
    {
        for (int i = 0; i < set.RoleIds.Length; i++)
        {
            if (!catalog.TryGetRole(set.RoleIds[i], out Role? role) || !ReferenceEquals(role, set.Members[i]))
            {
                return false;
            }
        }

        return true;
    }

    // A slot keeps the first combination that takes it (a colliding one goes through the dictionary, never allocating on
    // each use); it is renewed for the same combination under another string instance (a store reloaded) or resolved
    // to other roles. Each renewal allocates one small entry, once.
    private void Remember(int slot, RoleSet set, string storedRoleIds, IRoleCatalog catalog)
    {
        Recent? current = Volatile.Read(ref _recent[slot]);
        if (current is null
            || (string.Equals(current.Key, storedRoleIds, StringComparison.Ordinal)
                && !(ReferenceEquals(current.Key, storedRoleIds) && ReferenceEquals(current.Set, set))))
        {
            // A set of roles that never change (default and configured ones) needs no re-check on each use.
            bool isFixed = catalog is RoleCatalog fixedCatalog && (fixedCatalog.HasFixedRoles || Array.TrueForAll(set.Members, fixedCatalog.IsFixed));
            Volatile.Write(ref _recent[slot], new Recent(storedRoleIds, set, isFixed));
        }
    }

    private sealed record Recent(string Key, RoleSet Set, bool Fixed);
}
