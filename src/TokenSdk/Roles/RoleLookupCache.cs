using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Roles;

/// <summary>
/// Remembers which role an id string instance resolved to, so that a catalog answers the lookups of verification by
/// comparing references instead of hashing and comparing the id. A record generated for a role holds that role's own
/// id instance, and a store keeps one instance of each role id for all the records that hold it, so a few entries
/// serve every token.
/// </summary>
/// <remarks>
/// Lock-free. Starts with every role under its own id instance. Entries are added, never replaced or removed: at most
/// <see cref="Capacity"/> of them, each allocated once, so lookups never thrash and never allocate once the ids in use
/// are known. An id instance that finds no free slot is simply not cached. Only for roles that stay the same for the
/// catalog's lifetime.
/// </remarks>
internal sealed class RoleLookupCache
{
    private const int CapacityBits = 6;
    private const int Capacity = 1 << CapacityBits;
    private const int MaxProbes = 4;

    private readonly Entry?[] _entries = new Entry?[Capacity];

    /// <summary>Creates a cache holding each of <paramref name="roles"/> under its own id instance (as far as slots allow).</summary>
    public RoleLookupCache(IEnumerable<Role> roles)
    {
        foreach (Role role in roles)
        {
            Add(role.Id, role);
        }
    }

    /// <summary>Finds the role cached for this very instance of <paramref name="id"/>.</summary>
    public bool TryGet(string id, [NotNullWhen(true)] out Role? role)
    {
        int first = Slot(id);
        for (int probe = 0; probe < MaxProbes; probe++)
        {
            Entry? entry = Volatile.Read(ref _entries[(first + probe) & (Capacity - 1)]);
            if (entry is null)
            {
                break;
            }

            if (ReferenceEquals(entry.Id, id))
            {
                role = entry.Role;
                return true;
            }
        }

        role = null;
        return false;
    }

    /// <summary>Caches <paramref name="role"/> for this instance of <paramref name="id"/>, if a slot is free.</summary>
    public void Add(string id, Role role)
    {
        int first = Slot(id);
        for (int probe = 0; probe < MaxProbes; probe++)
        {
            ref Entry? slot = ref _entries[(first + probe) & (Capacity - 1)];
            Entry? current = Volatile.Read(ref slot);
            if (current is null)
            {
                current = Interlocked.CompareExchange(ref slot, new Entry(id, role), null);
                if (current is null)
                {
                    return;
                }
            }

            if (ReferenceEquals(current.Id, id))
            {
                return;
            }
        }
    }

    // No pass over the string, and the same for every instance of an id: its length and two of its characters.
    private static int Slot(string id)
    {
        uint mix = (uint)id.Length;
        if (id.Length > 0)
        {
            mix = (mix * 31) + id[^1] + ((uint)id[id.Length / 2] << 16);
        }

        return (int)((mix * 0x9E3779B9u) >> (32 - CapacityBits));
    }

    private sealed record Entry(string Id, Role Role);
}
