using System.Diagnostics.Metrics;
using TokenSdk.Storage;

namespace TokenSdk.Diagnostics;

/// <summary>
/// The token tables of this process that the <c>tokensdk.tokens.live</c> metric reports: the tables of in-memory stores,
/// of file stores and of the PostgreSQL store's replica. Held by weak reference, so a store dropped without disposal
/// stops being counted once collected; a store that replaces its table (a file store reloading after another process
/// compacted the log) unregisters the old one. The tables are the process's: the instrument of every <c>TokenSdk</c>
/// meter (one per <see cref="IMeterFactory"/>, see <see cref="TokenSdkMetrics"/>) reports all of them.
/// </summary>
internal static class LiveTokenTables
{
    private static readonly Lock s_lock = new();
    private static readonly List<WeakReference<TokenTable>> s_tables = [];

    public static void Register(TokenTable table)
    {
        lock (s_lock)
        {
            Prune(null);
            s_tables.Add(new WeakReference<TokenTable>(table));
        }
    }

    public static void Unregister(TokenTable table)
    {
        lock (s_lock)
        {
            Prune(table);
        }
    }

    /// <summary>The live tokens per organization, summed over every registered table: one measurement per organization.</summary>
    public static IEnumerable<Measurement<long>> Observe()
    {
        List<TokenTable> tables;
        lock (s_lock)
        {
            tables = new List<TokenTable>(s_tables.Count);
            foreach (WeakReference<TokenTable> reference in s_tables)
            {
                if (reference.TryGetTarget(out TokenTable? table))
                {
                    tables.Add(table);
                }
            }
        }

        // Outside the registry's lock: each table takes its own write lock to read its counts.
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (TokenTable table in tables)
        {
            table.AddLiveCountsTo(totals);
        }

        var measurements = new Measurement<long>[totals.Count];
        int i = 0;
        foreach (KeyValuePair<string, long> organization in totals)
        {
            measurements[i++] = new Measurement<long>(organization.Value, new KeyValuePair<string, object?>(TokenSdkMetrics.OrganizationTag, organization.Key));
        }

        return measurements;
    }

    // Under the lock: drops collected tables, and the one given.
    private static void Prune(TokenTable? removed) =>
        s_tables.RemoveAll(reference => !reference.TryGetTarget(out TokenTable? table) || ReferenceEquals(table, removed));
}
