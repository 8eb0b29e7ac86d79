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
/// Run-time roles (<see cref="IRoleStore"/>) live beside the tokens; a change is seen by the next verification.
/// </remarks>
public sealed class InMemoryTokenStore : ITokenStore, ITokenLookup, ITokenUsageStore, IRoleStore
{
    private readonly TokenTable _tokens = new();
    private readonly SharedTokenFieldsPool _shared = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastUsed = new(StringComparer.Ordinal);

    // Role writes, and adds of tokens holding a run-time role, take this lock, so a role is never deleted while a token
    // holding it is being added. Tokens of default or configured roles never take it.
    private readonly Lock _roleLock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _storedRoleIds = new(StringComparer.OrdinalIgnoreCase);
    private volatile StoredRoleSnapshot _roles = StoredRoleSnapshot.Empty;

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
        if (_storedRoleIds.IsEmpty || !HoldsStoredRole(token))
        {
            return Task.FromResult(_tokens.TryAdd(_shared.Share(token)));
        }

        lock (_roleLock)
        {
            if (RoleWriteRules.FindDeletedRole(token, WasDeleted) is { } deleted)
            {
                return Task.FromException<bool>(new RoleDeletedException(deleted));
            }

            return Task.FromResult(_tokens.TryAdd(_shared.Share(token)));
        }
    }

    /// <inheritdoc/>
    public StoredRoleSnapshot Roles => _roles;

    /// <inheritdoc/>
    public Task<RoleStoreResult> AddRoleAsync(StoredRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_roleLock)
        {
            if (RoleWriteRules.CheckAdd(_roles, WasDeleted, role) is { } refused)
            {
                return Task.FromResult(refused);
            }

            _storedRoleIds[role.Id] = false;
            _roles = _roles.With(role);
            return Task.FromResult(RoleStoreResult.Success(role));
        }
    }

    /// <inheritdoc/>
    public Task<RoleStoreResult> UpdateRoleAsync(StoredRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_roleLock)
        {
            if (RoleWriteRules.CheckUpdate(_roles, role) is { } refused)
            {
                return Task.FromResult(refused);
            }

            // The id keeps the spelling it was created with, whatever case the update gave it.
            _roles.TryGet(role.Id, out StoredRole? current);
            StoredRole stored = role.WithId(current!.Id);
            _roles = _roles.With(stored);
            return Task.FromResult(RoleStoreResult.Success(stored));
        }
    }

    /// <inheritdoc/>
    public Task<RoleStoreResult> DeleteRoleAsync(string organizationId, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        ArgumentNullException.ThrowIfNull(roleId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_roleLock)
        {
            RoleStoreResult result = RoleWriteRules.CheckDelete(
                _roles, organizationId, roleId, expectedVersion, role => RoleWriteRules.CountHolders(_tokens.EnumerateLive(), role.Id), out StoredRole? deleted);
            if (deleted is not null)
            {
                _storedRoleIds[deleted.Id] = true;
                _roles = _roles.Without(deleted.Id);
            }

            return Task.FromResult(result);
        }
    }

    private bool WasDeleted(string roleId) => _storedRoleIds.TryGetValue(roleId, out bool deleted) && deleted;

    private bool HoldsStoredRole(StoredToken token)
    {
        foreach (string id in token.RoleIds)
        {
            if (_storedRoleIds.ContainsKey(id))
            {
                return true;
            }
        }

        return false;
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
