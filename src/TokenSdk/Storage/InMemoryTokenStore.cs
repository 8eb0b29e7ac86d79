using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Storage;

/// <summary>
/// A thread-safe store in process memory: the embedded default for samples, tests and single-instance services
/// whose tokens may vanish on restart. Lookups are lock-free and allocation-free (<see cref="ITokenLookup"/>).
/// </summary>
/// <remarks>Deleted client ids are remembered (a few bytes each) so they can never be added again.</remarks>
public sealed class InMemoryTokenStore : ITokenStore, ITokenLookup
{
    // A null value is a tombstone: the client id was deleted and may not come back.
    private readonly ConcurrentDictionary<string, StoredToken?> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredToken?>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private int _count;

    /// <summary>Creates an empty store.</summary>
    public InMemoryTokenStore()
    {
        _spanLookup = _tokens.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the number of live (not deleted) tokens.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc/>
    public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_tokens.TryAdd(token.ClientId, token))
        {
            return Task.FromResult(false);
        }

        Interlocked.Increment(ref _count);
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        return new(_tokens.TryGetValue(clientId, out StoredToken? token) ? token : null);
    }

    /// <inheritdoc/>
    public bool TryFind(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token)
    {
        if (_spanLookup.TryGetValue(clientId, out token) && token is not null)
        {
            return true;
        }

        token = null;
        return false;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();

        IReadOnlyList<StoredToken> result = StorePaging.SelectPage(_tokens, query);
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        while (_tokens.TryGetValue(clientId, out StoredToken? current) && current is not null)
        {
            if (current.ExpiresAt is { } existing && existing <= expiresAt)
            {
                return Task.FromResult(true);
            }

            if (_tokens.TryUpdate(clientId, current.WithExpiresAt(expiresAt), current))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        while (_tokens.TryGetValue(clientId, out StoredToken? current) && current is not null)
        {
            if (_tokens.TryUpdate(clientId, null, current))
            {
                Interlocked.Decrement(ref _count);
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }
}
