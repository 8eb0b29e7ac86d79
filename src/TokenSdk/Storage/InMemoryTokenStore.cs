using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Storage;

/// <summary>
/// A thread-safe store in process memory: the embedded default for samples, tests and single-instance services
/// whose tokens may vanish on restart. Lookups are lock-free and allocation-free (<see cref="ITokenLookup"/>).
/// </summary>
/// <remarks>
/// Deleted client ids are remembered (the id string and one table slot) so they can never be added again.
/// Organization, role and verifier key are kept once per distinct combination, not once per token: a stored token
/// costs under 200 bytes (see benchmarks/RESULTS.md). The store may keep an equal copy of an added record
/// (sharing those fields), so <see cref="FindAsync"/> can return a record equal to, not the same as, the one added.
/// </remarks>
public sealed class InMemoryTokenStore : ITokenStore, ITokenLookup, ITokenUsageStore
{
    private readonly TokenTable _tokens = new();
    private readonly SharedTokenFieldsPool _shared = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastUsed = new(StringComparer.Ordinal);

    /// <summary>Creates an empty store.</summary>
    public InMemoryTokenStore()
    {
    }

    /// <summary>Gets the number of live (not deleted) tokens.</summary>
    public int Count => _tokens.Count;

    /// <inheritdoc/>
    public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_tokens.TryAdd(_shared.Share(token)));
    }

    /// <inheritdoc/>
    public ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        return new(_tokens.TryGet(clientId, out StoredToken? token) ? token : null);
    }

    /// <inheritdoc/>
    public bool TryFind(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token) => _tokens.TryGet(clientId, out token);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();

        IReadOnlyList<StoredToken> result = StorePaging.SelectPage(_tokens.EnumerateLive(), query);
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();

        // An earlier expiry already set stays: expiry only ever moves closer.
        bool updated = _tokens.TryUpdate(
            clientId,
            expiresAt,
            static (current, expiresAt) => current.ExpiresAt is { } existing && existing <= expiresAt ? current : current.WithExpiresAt(expiresAt));
        return Task.FromResult(updated);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        bool deleted = _tokens.TryDelete(clientId);
        _lastUsed.TryRemove(clientId, out _);
        return Task.FromResult(deleted);
    }

    /// <inheritdoc/>
    public Task RecordUsageAsync(IReadOnlyCollection<TokenUsage> usages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usages);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (TokenUsage usage in usages)
        {
            if (usage.ClientId is not null && _tokens.TryGet(usage.ClientId, out _))
            {
                long ticks = usage.LastUsedAt.UtcTicks;
                _lastUsed.AddOrUpdate(usage.ClientId, ticks, (_, known) => Math.Max(known, ticks));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastUsedAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (string clientId in clientIds)
        {
            if (clientId is not null && _lastUsed.TryGetValue(clientId, out long ticks))
            {
                found[clientId] = new DateTimeOffset(ticks, TimeSpan.Zero);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(found);
    }
}
