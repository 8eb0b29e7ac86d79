using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TokenSdk.Roles;

/// <summary>
/// Remembers which role an id string instance resolved to, so that a catalog answers the lookups of verification by
/// comparing references instead of hashing and comparing the id. A record generated for a role holds that role's own
/// id instance, and a store keeps one instance of each role id for all the records that hold it, so a few entries
/// serve every token.
/// </summary>
/// <remarks>
/// Lock-free open addressing. Starts with every role under its own id instance, and takes other instances until it
/// is half full (at least four slots per role). Entries are added, never replaced or removed, each allocated once, so
/// lookups never thrash and never allocate once the ids in use are known; an instance that comes after the cache is
/// full is simply not cached. Only for roles that stay the same for the catalog's lifetime.
/// </remarks>
internal sealed class RoleLookupCache
{
    private const int MinimumCapacity = 64;

    private readonly Entry?[] _entries;
    private readonly int _shift;
    private readonly int _maximumCount;
    private int _count;

    /// <summary>Creates a cache holding each of <paramref name="roles"/> under its own id instance.</summary>
    public RoleLookupCache(IReadOnlyCollection<Role> roles)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinimumCapacity, roles.Count * 4));
        _entries = new Entry?[capacity];
        _shift = 32 - BitOperations.Log2((uint)capacity);
        _maximumCount = capacity / 2;
        foreach (Role role in roles)
        {
            Add(role.Id, role);
        }
    }

    /// <summary>Finds the role cached for this very instance of <paramref name="id"/>.</summary>
    public bool TryGet(string id, [NotNullWhen(true)] out Role? role)
    {
        Entry?[] entries = _entries;
        int mask = entries.Length - 1;
        ref Entry? first = ref MemoryMarshal.GetArrayDataReference(entries);

        // The cache is never more than half full, so every probe ends at an empty slot; i is always within the array.
        for (int i = Slot(id); Volatile.Read(ref Unsafe.Add(ref first, i)) is { } entry; i = (i + 1) & mask)
        {
            if (ReferenceEquals(entry.Id, id))
            {
                role = entry.Role;
                return true;
            }
        }

        role = null;
        return false;
    }

    /// <summary>Caches <paramref name="role"/> for this instance of <paramref name="id"/>, unless the cache is full.</summary>
    public void Add(string id, Role role)
    {
        if (Volatile.Read(ref _count) >= _maximumCount)
        {
            return;
        }

        int mask = _entries.Length - 1;
        for (int i = Slot(id); ; i = (i + 1) & mask)
        {
            Entry? current = Volatile.Read(ref _entries[i]) ?? Interlocked.CompareExchange(ref _entries[i], new Entry(id, role), null);
            if (current is null)
            {
                // A few racing adds may pass the limit together: still far from a full table.
                Interlocked.Increment(ref _count);
                return;
            }

            if (ReferenceEquals(current.Id, id))
            {
                return;
            }
        }
    }

    // No pass over the string, and the same for every instance of an id: its length and its last two characters,
    // read as one 32-bit value. Ids that share them (team-a-reader, team-b-reader) take neighbouring slots.
    private int Slot(string id)
    {
        uint last = id.Length > 1
            ? Unsafe.ReadUnaligned<uint>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(id.AsSpan()), id.Length - 2)))
            : (uint)id.Length;
        return (int)((((uint)id.Length * 0x9E3779B9u) ^ (last * 0x85EBCA77u)) >> _shift);
    }

    private sealed record Entry(string Id, Role Role);
}
