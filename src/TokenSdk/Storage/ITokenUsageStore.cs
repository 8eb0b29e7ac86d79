namespace TokenSdk.Storage;

/// <summary>
/// A store that keeps when each token was last used, written behind verification in batches by the
/// <see cref="Usage.TokenUsageTracker"/>. Optional: with a store that does not implement it, last-used times live only
/// in the memory of the process that verified the token.
/// </summary>
/// <remarks>
/// Last-used times are kept apart from the token records, at the tracker's resolution (one minute by default): a
/// token verified 10,000 times in a minute costs one write. A crash loses at most the last interval's times, never a
/// token. A time for a client id the store does not hold (deleted meanwhile) is ignored.
/// </remarks>
public interface ITokenUsageStore
{
    /// <summary>Records last-used times; a time earlier than the one already stored for a token leaves it unchanged.</summary>
    /// <param name="usages">The tokens used and when, at most one entry per client id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the times are stored.</returns>
    /// <exception cref="TokenStoreException">The store cannot be written.</exception>
    Task RecordUsageAsync(IReadOnlyCollection<TokenUsage> usages, CancellationToken cancellationToken = default);

    /// <summary>Reads the last-used times of tokens; a token never used (or unknown) is absent from the result.</summary>
    /// <param name="clientIds">The client ids.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The last-used time of each token that has one, by client id.</returns>
    /// <exception cref="TokenStoreException">The store cannot be read.</exception>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastUsedAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default);
}

/// <summary>When a token was last used, at the tracker's resolution.</summary>
/// <param name="ClientId">The token's client id.</param>
/// <param name="LastUsedAt">When it was last used, in UTC.</param>
public readonly record struct TokenUsage(string ClientId, DateTimeOffset LastUsedAt);
