namespace TokenSdk.Storage;

/// <summary>Keyset paging over an in-memory map of client ids to records (null values are tombstones).</summary>
internal static class StorePaging
{
    /// <summary>Returns the page of <paramref name="query"/>: the smallest client ids after the cursor, in ordinal order.</summary>
    public static IReadOnlyList<StoredToken> SelectPage(IEnumerable<KeyValuePair<string, StoredToken?>> entries, TokenListQuery query) =>
        SelectPage(entries.Select(static entry => entry.Value), query);

    /// <summary>Returns the page of <paramref name="query"/> from a sequence of records, where <see langword="null"/> marks a deleted one.</summary>
    public static IReadOnlyList<StoredToken> SelectPage(IEnumerable<StoredToken?> entries, TokenListQuery query)
    {
        // Keep only the page: a max-heap of the 'Limit' smallest client ids seen so far.
        var page = new PriorityQueue<StoredToken, string>(query.Limit + 1, Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a)));
        foreach (StoredToken? entry in entries)
        {
            if (entry is { } token && query.Matches(token))
            {
                page.Enqueue(token, token.ClientId);
                if (page.Count > query.Limit)
                {
                    page.Dequeue();
                }
            }
        }

        var result = new StoredToken[page.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            result[i] = page.Dequeue();
        }

        return result;
    }

    /// <summary>Every live record of <paramref name="store"/> (of one organization, or all), read page by page.</summary>
    public static async IAsyncEnumerable<StoredToken> EnumerateAllAsync(
        ITokenStore store, string? organizationId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            IReadOnlyList<StoredToken> page = await store.ListAsync(
                new TokenListQuery { OrganizationId = organizationId, AfterClientId = after, Limit = TokenListQuery.MaxLimit },
                cancellationToken).ConfigureAwait(false);
            foreach (StoredToken token in page)
            {
                yield return token;
            }

            if (page.Count < TokenListQuery.MaxLimit)
            {
                yield break;
            }

            after = page[^1].ClientId;
        }
    }
}
