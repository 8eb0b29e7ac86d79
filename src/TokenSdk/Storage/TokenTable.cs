using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TokenSdk.Storage;

/// <summary>
/// An open-addressing hash table of tokens by client id, built for millions of entries: one array slot per entry
/// (no node objects), lock-free reads and writes serialized by the table's own lock.
/// </summary>
/// <remarks>
/// A slot holds <see langword="null"/> (never used), a live <see cref="StoredToken"/>, or the client id string of a
/// deleted token: a tombstone that keeps the id from ever coming back and keeps probe chains intact. Readers see
/// either the slot's old or new value; a reader working on an array replaced by a resize sees the table as it was
/// when its lookup started. The load (live plus deleted) stays at or under 3/4, so every probe ends at a null slot.
/// <para>
/// Writers also keep the number of live tokens per organization, which the <c>tokensdk.tokens.live</c> metric reports
/// for every table registered with <see cref="Diagnostics.LiveTokenTables"/> (a new table is, unless created with
/// <c>reported: false</c>); readers never touch those counts.
/// </para>
/// </remarks>
internal sealed class TokenTable
{
    private const int MinimumCapacity = 16;

    private static readonly ulong s_key0 = RandomKey();
    private static readonly ulong s_key1 = RandomKey();
    private static readonly ulong s_key2 = RandomKey();
    private static readonly ulong s_key3 = RandomKey();
    private static readonly ulong s_key4 = RandomKey();
    private static readonly ulong s_key5 = RandomKey();

    private readonly Lock _writeLock = new();

    // Live tokens per organization id, under the write lock. An organization whose last token is deleted keeps its
    // entry (at zero) so the metric reports 0 rather than dropping the series; organizations are few.
    private readonly Dictionary<string, int> _liveByOrganization = new(StringComparer.Ordinal);
    private object?[] _slots = new object?[MinimumCapacity];
    private int _live;
    private int _used;

    /// <summary>Creates an empty table.</summary>
    /// <param name="reported">
    /// Whether the <c>tokensdk.tokens.live</c> metric counts this table from the start; a table being filled to replace
    /// another is registered once it does (see <see cref="Diagnostics.LiveTokenTables"/>).
    /// </param>
    public TokenTable(bool reported = true)
    {
        if (reported)
        {
            Diagnostics.LiveTokenTables.Register(this);
        }
    }

    /// <summary>Gets the number of live tokens.</summary>
    public int Count => Volatile.Read(ref _live);

    /// <summary>Finds a live token; lock-free.</summary>
    public bool TryGet(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token)
    {
        object?[] slots = Volatile.Read(ref _slots);
        int mask = slots.Length - 1;
        for (int i = Hash(clientId) & mask; ; i = (i + 1) & mask)
        {
            object? entry = slots[i];
            if (entry is null)
            {
                break;
            }

            if (entry is StoredToken live)
            {
                if (clientId.SequenceEqual(live.ClientId))
                {
                    token = live;
                    return true;
                }
            }
            else if (clientId.SequenceEqual((string)entry))
            {
                break;
            }
        }

        token = null;
        return false;
    }

    /// <summary>
    /// Finds a client id whether live or deleted: <see langword="true"/> when the table knows it, with
    /// <paramref name="token"/> set for a live one and <see langword="null"/> for a deleted one.
    /// </summary>
    public bool TryGetEntry(string clientId, out StoredToken? token)
    {
        object?[] slots = Volatile.Read(ref _slots);
        object? entry = slots[Probe(slots, clientId)];
        token = entry as StoredToken;
        return entry is not null;
    }

    /// <summary>Adds a token unless its client id is live or was deleted.</summary>
    public bool TryAdd(StoredToken token) => TryInsert(token.ClientId, token);

    /// <summary>Remembers a client id as deleted without ever having held it (a deletion read from a log); <see langword="false"/> when known.</summary>
    public bool TryAddTombstone(string clientId) => TryInsert(clientId, clientId);

    private bool TryInsert(string clientId, object entry)
    {
        lock (_writeLock)
        {
            if ((_used + 1) * 4L > _slots.Length * 3L)
            {
                Resize();
            }

            int index = Probe(_slots, clientId);
            if (_slots[index] is not null)
            {
                return false;
            }

            Volatile.Write(ref _slots[index], entry);
            _used++;
            if (entry is StoredToken token)
            {
                Volatile.Write(ref _live, _live + 1);
                CountLive(token.OrganizationId, 1);
            }

            return true;
        }
    }

    /// <summary>Replaces a live token with what <paramref name="update"/> returns for it; <see langword="false"/> when it is not live.</summary>
    public bool TryUpdate<TState>(string clientId, TState state, Func<StoredToken, TState, StoredToken> update)
    {
        lock (_writeLock)
        {
            int index = Probe(_slots, clientId);
            if (_slots[index] is not StoredToken current)
            {
                return false;
            }

            StoredToken replacement = update(current, state);
            if (!ReferenceEquals(replacement, current))
            {
                Volatile.Write(ref _slots[index], replacement);
                if (!string.Equals(replacement.OrganizationId, current.OrganizationId, StringComparison.Ordinal))
                {
                    CountLive(current.OrganizationId, -1);
                    CountLive(replacement.OrganizationId, 1);
                }
            }

            return true;
        }
    }

    /// <summary>Deletes a live token, leaving a tombstone; <see langword="false"/> when it is not live.</summary>
    public bool TryDelete(string clientId)
    {
        lock (_writeLock)
        {
            int index = Probe(_slots, clientId);
            if (_slots[index] is not StoredToken current)
            {
                return false;
            }

            Volatile.Write(ref _slots[index], current.ClientId);
            Volatile.Write(ref _live, _live - 1);
            CountLive(current.OrganizationId, -1);
            return true;
        }
    }

    /// <summary>Adds this table's live tokens per organization to <paramref name="totals"/>; briefly takes the write lock.</summary>
    public void AddLiveCountsTo(Dictionary<string, long> totals)
    {
        lock (_writeLock)
        {
            foreach (KeyValuePair<string, int> organization in _liveByOrganization)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(totals, organization.Key, out _) += organization.Value;
            }
        }
    }

    // Under the write lock. No allocation once the organization has an entry.
    private void CountLive(string organizationId, int change) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_liveByOrganization, organizationId, out _) += change;

    /// <summary>Enumerates the live tokens without locking: a token added or deleted meanwhile may or may not be seen.</summary>
    public IEnumerable<StoredToken> EnumerateLive()
    {
        object?[] slots = Volatile.Read(ref _slots);
        foreach (object? entry in slots)
        {
            if (entry is StoredToken token)
            {
                yield return token;
            }
        }
    }

    /// <summary>Enumerates every entry without locking: live tokens with their record, deleted ones with <see langword="null"/>.</summary>
    public IEnumerable<KeyValuePair<string, StoredToken?>> EnumerateEntries()
    {
        object?[] slots = Volatile.Read(ref _slots);
        foreach (object? entry in slots)
        {
            if (entry is StoredToken token)
            {
                yield return new(token.ClientId, token);
            }
            else if (entry is string deleted)
            {
                yield return new(deleted, null);
            }
        }
    }

    // Keyed with random values per process, so no one can choose client ids that collide. A client id (24 characters,
    // 48 bytes) takes NH, the universal hash of UMAC: three independent 64x64-bit products of the words plus keys,
    // summed and mixed. A few nanoseconds, where the general randomized string hash (Marvin) takes about 25.
    // Anything of another length (never a valid client id) takes Marvin.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Hash(ReadOnlySpan<char> clientId)
    {
        if (clientId.Length != Credentials.CredentialGenerator.ClientIdLength)
        {
            return string.GetHashCode(clientId);
        }

        ref byte words = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(clientId));
        ulong high = Math.BigMul(Word(ref words, 0) + s_key0, Word(ref words, 1) + s_key1, out ulong low)
            + Math.BigMul(Word(ref words, 2) + s_key2, Word(ref words, 3) + s_key3, out ulong low1)
            + Math.BigMul(Word(ref words, 4) + s_key4, Word(ref words, 5) + s_key5, out ulong low2);
        ulong hash = high ^ (low + low1 + low2);

        // The finalizer of MurmurHash3: every input bit reaches the low bits that pick the slot.
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        return (int)hash;

        static ulong Word(ref byte words, int index) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref words, index * sizeof(ulong)));
    }

    // The slot holding the client id (live or deleted), or the null slot where it would go.
    private static int Probe(object?[] slots, string clientId)
    {
        int mask = slots.Length - 1;
        int i = Hash(clientId) & mask;
        while (slots[i] is { } entry && !string.Equals(entry as string ?? ((StoredToken)entry).ClientId, clientId, StringComparison.Ordinal))
        {
            i = (i + 1) & mask;
        }

        return i;
    }

    private void Resize()
    {
        object?[] old = _slots;
        var slots = new object?[checked(old.Length * 2)];
        foreach (object? entry in old)
        {
            if (entry is not null)
            {
                slots[Probe(slots, entry as string ?? ((StoredToken)entry).ClientId)] = entry;
            }
        }

        // Readers pick up the new array whole; the old one is never written again.
        Volatile.Write(ref _slots, slots);
    }

    private static ulong RandomKey()
    {
        Span<byte> key = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(key);
        return BitConverter.ToUInt64(key);
    }
}
