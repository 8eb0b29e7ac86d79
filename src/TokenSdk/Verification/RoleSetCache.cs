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

    private readonly ConcurrentDictionary<string, RoleSet> _sets = new(StringComparer.Ordinal);

    /// <summary>Resolves the stored form of several role ids; when a role is missing, returns its id.</summary>
    public bool TryResolve(string storedRoleIds, IRoleCatalog catalog, [NotNullWhen(true)] out RoleSet? set, out string? missingRoleId)
    {
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
        }

        set = new RoleSet(storedRoleIds, ids, roles);
        if (known is not null || _sets.Count < MaximumCount)
        {
            _sets[storedRoleIds] = set;
        }

        missingRoleId = null;
        return true;
    }
}
