using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using TokenSdk.PostgreSql.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>
/// A token store on PostgreSQL for several nodes: the database is the source of truth; each node keeps an in-memory
/// replica that verification reads synchronously and without allocating, kept current by the change feed.
/// </summary>
/// <remarks>
/// <para><b>Writes.</b> An add, a delete or an expiry change returns only after its transaction committed. Each
/// transaction writes the token rows and a change-feed row per change (with an increasing sequence number) and notifies
/// the other nodes; writers serialize on a transaction-scoped advisory lock, so sequence numbers become visible in
/// order. Writes a node's callers start together share one transaction and one commit (group commit). A deleted row
/// stays as a tombstone: a deleted client id never comes back, on any node.</para>
/// <para><b>Revocation.</b> Every node listens for notifications (<c>LISTEN</c>) and reads the changes after its last
/// sequence number when one arrives, and every <see cref="PostgreSqlTokenStoreOptions.RefreshInterval"/> in any case:
/// a deletion committed on one node is rejected on every connected node within about 100 ms, and within the refresh
/// interval plus one second when notifications are lost. After a reconnection the node catches up from its last
/// sequence number before it reports healthy again.</para>
/// <para><b>Outages.</b> While the database cannot be reached, verification keeps answering from the replica (health
/// Degraded, with the replica's age) unless <see cref="PostgreSqlTokenStoreOptions.MaxReplicaAge"/> is set and passed,
/// when the node fails closed; writes throw <see cref="TokenStoreException"/> and change nothing.</para>
/// <para>Reads for management (<see cref="FindAsync"/>, <see cref="ListAsync"/>) are answered from the replica too.
/// Times (creation, expiry) are kept to the microsecond, as PostgreSQL keeps them, on every node alike.</para>
/// <para><b>Roles.</b> As an <see cref="IRoleStore"/>, the store keeps run-time roles in <c>roles</c> (schema version
/// 4), beside the tokens: <see cref="Roles"/> is read from memory, and brought up to date by the same change feed as
/// token deletions, in the same sequence; writes are checked against the database (compare-and-set on the version, ids
/// unique for ever, names unique per organization). A role's deletion and an add of a token holding it exclude each other
/// on every node through the role's row lock: see <see cref="DeleteRoleAsync"/>.</para>
/// <para><b>Last used.</b> As an <see cref="ITokenUsageStore"/>, the store keeps last-used times in a table of their
/// own (<c>token_usage</c>, schema version 3), shared by every node: a batch is one statement, keeps the later time per
/// token, skips deleted and unknown client ids, locks no token row, and writes nothing to the change feed (a usage
/// write is not a token change and wakes no other node). They are read from the database, not the replica.</para>
/// </remarks>
public sealed class PostgreSqlTokenStore : ITokenStore, ITokenLookup, ITokenUsageStore, IRoleStore, ITokenStoreHealth, IAsyncDisposable, IDisposable
{
    // Deleted, in the highest versions applied: a deletion is for good.
    private const long DeletedVersion = long.MaxValue;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlTokenStoreOptions _options;
    private readonly StoreSql _sql;
    private readonly string _description;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeFeed _feed;
    private readonly GroupCommitWriter _writer;
    private readonly RoleWriter _roleWriter;

    // The replica's roles: the snapshot verification reads, and the highest version of every role id applied (deleted
    // ones too), so that a version is applied only over an older one, whichever of the feed and the writer brings it first.
    private readonly Lock _roleLock = new();
    private Dictionary<string, long> _roleVersions = new(StringComparer.OrdinalIgnoreCase);
    private volatile StoredRoleSnapshot _roles = StoredRoleSnapshot.Empty;
    private volatile InMemoryTokenStore _replica;
    private int _disposed;

    private PostgreSqlTokenStore(
        NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlTokenStoreOptions options, TimeProvider? timeProvider, ILogger? logger)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options;
        _sql = new StoreSql(options.Schema);
        _description = PostgreSqlTokenStoreOptions.Describe(dataSource.ConnectionString) + " schema=" + options.Schema;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _replica = new InMemoryTokenStore();
        _feed = new ChangeFeed(this);
        _writer = new GroupCommitWriter(this);
        _roleWriter = new RoleWriter(this);
    }

    /// <summary>Gets the number of live tokens in this node's replica.</summary>
    public int Count => _replica.Count;

    /// <summary>Gets the sequence number of the last change this node's replica holds.</summary>
    public long LastSequence => _feed.LastSequence;

    /// <summary>Gets a description of the database (host, port, database, user and schema; never a password).</summary>
    public string Description => _description;

    /// <summary>
    /// Opens the store: connects (retrying for <see cref="PostgreSqlTokenStoreOptions.StartupRetryTimeout"/>), checks
    /// or creates the schema, loads the replica by streaming, and starts following the change feed.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="dataSource">
    /// A data source the host owns (not disposed with the store); <see langword="null"/> to create one from
    /// <see cref="PostgreSqlTokenStoreOptions.ConnectionString"/>.
    /// </param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open store; dispose it to stop following the feed.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message names the setting).</exception>
    /// <exception cref="TokenStoreException">The database cannot be reached or used, or its schema is missing, older or newer.</exception>
    public static Task<PostgreSqlTokenStore> OpenAsync(
        PostgreSqlTokenStoreOptions options,
        NpgsqlDataSource? dataSource = null,
        TimeProvider? timeProvider = null,
        ILogger<PostgreSqlTokenStore>? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options, hasDataSource: dataSource is not null);
        bool owns = dataSource is null;
        dataSource ??= NpgsqlDataSource.Create(options.ConnectionString!);
        return OpenAsync(dataSource, owns, options, timeProvider, logger, cancellationToken);
    }

    /// <inheritdoc/>
    public bool TryFind(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token)
    {
        if (_feed.FailedClosed)
        {
            token = null;
            return false;
        }

        return _replica.TryFind(clientId, out token);
    }

    /// <inheritdoc/>
    public ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        return new(TryFind(clientId, out StoredToken? token) ? token : null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _replica.ListAsync(query, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A text field holds a NUL character, which PostgreSQL text cannot hold.</exception>
    public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        ThrowIfNul(token.OrganizationId, token.RoleId, token.CreatedBy, token.Description);
        return SubmitAsync(new PendingWrite(ChangeKind.Add, token.ClientId, token, default, "add a token"), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return IsClientId(clientId)
            ? SubmitAsync(new PendingWrite(ChangeKind.Delete, clientId, null, default, "delete a token"), cancellationToken)
            : Task.FromResult(false);
    }

    /// <inheritdoc/>
    public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return IsClientId(clientId)
            ? SubmitAsync(new PendingWrite(ChangeKind.Expiry, clientId, null, expiresAt, "change a token's expiry"), cancellationToken)
            : Task.FromResult(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// This node's replica of the roles: what the change feed brought (within the same bound as token deletions) and
    /// what was written through this instance. A role row that is not a valid role (written by a newer release, say) is
    /// left out: it resolves to no role.
    /// </remarks>
    public StoredRoleSnapshot Roles => _roles;

    /// <inheritdoc/>
    /// <remarks>
    /// One transaction: the row is inserted unless its id (case-insensitive, deleted roles' included) or its name in the
    /// organization (case-insensitive, among live roles) is taken, which unique indexes decide; then a change-feed row.
    /// Times are kept to the microsecond: the role returned, and held in <see cref="Roles"/>, is the one stored.
    /// </remarks>
    public Task<RoleStoreResult> AddRoleAsync(StoredRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (role.Version != 1)
        {
            throw new ArgumentException($"A new role's version is 1, not {role.Version}.", nameof(role));
        }

        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        return _roleWriter.AddAsync(role, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Compare-and-set in the database: one <c>UPDATE</c> of the live row of that id and organization whose version is one
    /// less, so that of concurrent updates of one version, on any nodes, exactly one applies.
    /// </remarks>
    public Task<RoleStoreResult> UpdateRoleAsync(StoredRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        return _roleWriter.UpdateAsync(role, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <para>One transaction, at read committed: the role's row is marked deleted first, which takes its row lock; then a
    /// statement of its own (so a snapshot of its own, taken after the lock) counts the tokens not deleted, expired ones
    /// included, that hold the role; when there are any, the transaction rolls back and the result is
    /// <see cref="RoleStoreStatus.InUse"/>.</para>
    /// <para>An add of a token holding a stored role share-locks the role's row in its own transaction and inserts
    /// nothing when the row is deleted (<see cref="TryAddAsync"/> throws <see cref="RoleDeletedException"/>). So, on any
    /// nodes: an add that locked the row first commits before the deletion counts, and is counted; a deletion that locked
    /// the row first makes the add wait, which then reads the row as the deletion left it: deleted when it committed, not
    /// when it rolled back.</para>
    /// </remarks>
    public Task<RoleStoreResult> DeleteRoleAsync(string organizationId, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        ArgumentNullException.ThrowIfNull(roleId);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        // PostgreSQL text cannot hold NUL: no stored role or organization id holds one.
        return organizationId.Contains('\0', StringComparison.Ordinal) || roleId.Contains('\0', StringComparison.Ordinal)
            ? Task.FromResult(RoleStoreResult.NotFound)
            : _roleWriter.DeleteAsync(organizationId, roleId, expectedVersion, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One statement for the batch, outside the writers' lock and the change feed. Times are kept to the microsecond;
    /// a client id that is not a live token's (deleted, unknown, or not a client id at all) is skipped.
    /// </remarks>
    public async Task RecordUsageAsync(IReadOnlyCollection<TokenUsage> usages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usages);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var clientIds = new List<string>(usages.Count);
        var times = new List<DateTime>(usages.Count);
        foreach (TokenUsage usage in usages)
        {
            if (usage.ClientId is not null && IsClientId(usage.ClientId))
            {
                clientIds.Add(usage.ClientId);
                times.Add(TokenRows.Truncate(usage.LastUsedAt).UtcDateTime);
            }
        }

        if (clientIds.Count == 0)
        {
            return;
        }

        try
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlCommand command = Command(_sql.RecordUsage, connection, null);
            command.Parameters.AddWithValue("client_ids", NpgsqlDbType.Array | NpgsqlDbType.Text, clientIds.ToArray());
            command.Parameters.AddWithValue("last_used", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, times.ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            throw Unavailable("record when tokens were last used", ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Read from the database (every node's writes), not from this node's replica.</remarks>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastUsedAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        string[] ids = [.. clientIds.Where(id => id is not null && IsClientId(id)).Distinct(StringComparer.Ordinal)];
        var lastUsed = new Dictionary<string, DateTimeOffset>(ids.Length, StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return lastUsed;
        }

        try
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlCommand command = Command(_sql.ReadUsage, connection, null);
            command.Parameters.AddWithValue("client_ids", NpgsqlDbType.Array | NpgsqlDbType.Text, ids);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lastUsed[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            }
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            throw new TokenStoreException($"The PostgreSQL token store ({_description}) could not read when tokens were last used: {Explain(ex)}", ex);
        }

        return lastUsed;
    }

    /// <summary>Reads the change feed at once (normally done on a notification or every refresh interval).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when this node's replica holds every committed change.</returns>
    /// <exception cref="TokenStoreException">The database cannot be reached.</exception>
    public Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _feed.CatchUpAsync(cancellationToken);
    }

    /// <summary>
    /// Reports Healthy while the database answers and the replica is current; Degraded with the replica's age while it
    /// does not (verification continues from the replica); Unhealthy once the node failed closed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The store's state.</returns>
    public async ValueTask<TokenStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        TimeSpan age = _feed.ReplicaAge;
        if (_feed.FailedClosed)
        {
            return TokenStoreHealth.FailedClosed($"The PostgreSQL token store ({_description}) failed closed: its replica was last current {age} ago, beyond MaxReplicaAge.", age);
        }

        string? problem = _feed.Problem;
        if (problem is null)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
                await using NpgsqlCommand probe = Command(_sql.Probe, connection, null);
                await probe.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDatabaseFailure(ex) || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problem = ex.Message;
            }
        }

        return problem is null
            ? TokenStoreHealth.Healthy
            : TokenStoreHealth.Degraded($"The PostgreSQL token store ({_description}) cannot be used: {problem}", age);
    }

    /// <summary>Stops following the change feed (and disposes the data source when the store created it).</summary>
    /// <returns>A task that completes when the feed has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _feed.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops following the change feed; see <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal PostgreSqlTokenStoreOptions Options => _options;

    internal StoreSql Statements => _sql;

    internal NpgsqlDataSource DataSource => _dataSource;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    internal InMemoryTokenStore Replica
    {
        get => _replica;
        set => _replica = value;
    }

    /// <summary>
    /// Applies a role row to the replica's roles: a version over an older one only, a deletion for good; the snapshot is
    /// replaced only when it changes.
    /// </summary>
    internal void ApplyRole(RoleRow row)
    {
        lock (_roleLock)
        {
            long version = row.Deleted ? DeletedVersion : row.Version;
            if (_roleVersions.TryGetValue(row.Id, out long applied) && applied >= version)
            {
                return;
            }

            _roleVersions[row.Id] = version;
            if (!row.Deleted && row.Role is not null)
            {
                _roles = _roles.With(row.Role);
            }
            else if (_roles.TryGet(row.Id, out _))
            {
                _roles = _roles.Without(row.Id);
            }
        }
    }

    /// <summary>
    /// Replaces the replica's roles by every role row of a load; a role this node applied in a later version than the
    /// load read (a write of its own, committed after the load's snapshot) keeps that version.
    /// </summary>
    internal void LoadRoles(IReadOnlyList<RoleRow> rows)
    {
        lock (_roleLock)
        {
            var versions = new Dictionary<string, long>(rows.Count, StringComparer.OrdinalIgnoreCase);
            var live = new Dictionary<string, StoredRole>(StringComparer.OrdinalIgnoreCase);
            foreach (RoleRow row in rows)
            {
                versions[row.Id] = row.Deleted ? DeletedVersion : row.Version;
                if (!row.Deleted && row.Role is not null)
                {
                    live[row.Id] = row.Role;
                }
            }

            foreach ((string id, long applied) in _roleVersions)
            {
                if (!versions.TryGetValue(id, out long loaded) || loaded < applied)
                {
                    versions[id] = applied;
                    live.Remove(id);
                    if (applied != DeletedVersion && _roles.TryGet(id, out StoredRole? newer))
                    {
                        live[id] = newer;
                    }
                }
            }

            _roleVersions = versions;
            _roles = new StoredRoleSnapshot(live.Values);
        }
    }

    internal NpgsqlCommand Command(string text, NpgsqlConnection connection, NpgsqlTransaction? transaction) =>
        new(text, connection, transaction) { CommandTimeout = (int)_options.CommandTimeout.TotalSeconds };

    internal static bool IsDatabaseFailure(Exception ex) =>
        ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException || (ex is IOException && ex is not TokenStoreException);

    internal TokenStoreException Unavailable(string operation, Exception ex) =>
        new($"The PostgreSQL token store ({_description}) could not {operation}: {Explain(ex)} Nothing was changed.", ex);

    /// <summary>What an exception means, with what to fix for the common causes.</summary>
    internal static string Explain(Exception ex) => ex switch
    {
        PostgresException { SqlState: "28P01" or "28000" } pg => $"{pg.MessageText}. Check the user name and password of the connection string.",
        PostgresException { SqlState: "3D000" } pg => $"{pg.MessageText}. Check the Database of the connection string.",
        PostgresException { SqlState: "42501" } pg => $"{pg.MessageText}. Grant the service's role the privileges listed in docs/storage.md (PostgreSQL, least privileges).",
        PostgresException { SqlState: "42P01" or "3F000" } pg => $"{pg.MessageText}. Run 'tokensdk db migrate' (or PostgreSqlSchema.MigrateAsync).",
        PostgresException pg => $"{pg.MessageText} ({pg.SqlState}).",
        _ => ex.Message,
    };

    private static async Task<PostgreSqlTokenStore> OpenAsync(
        NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlTokenStoreOptions options, TimeProvider? timeProvider, ILogger? logger, CancellationToken cancellationToken)
    {
        var store = new PostgreSqlTokenStore(dataSource, ownsDataSource, options, timeProvider, logger);
        try
        {
            await store.StartAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void ThrowIfInvalid(PostgreSqlTokenStoreOptions options, bool hasDataSource)
    {
        string[] errors = options.Validate(hasDataSource).ToArray();
        if (errors.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        TimeSpan delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
                await _feed.LoadAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (IsDatabaseFailure(ex) && ex is not PostgresException { SqlState: "28P01" or "28000" or "3D000" or "42501" })
            {
                TimeSpan elapsed = _time.GetElapsedTime(started);
                if (elapsed + delay > _options.StartupRetryTimeout)
                {
                    string retried = _options.StartupRetryTimeout > TimeSpan.Zero ? $" (retried for {elapsed:g})" : "";
                    throw new TokenStoreException($"Cannot open the PostgreSQL token store ({_description}){retried}: {Explain(ex)}", ex);
                }

                Log.StartupRetry(_logger, _description, delay, Explain(ex));
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
            catch (Exception ex) when (IsDatabaseFailure(ex))
            {
                throw new TokenStoreException($"Cannot open the PostgreSQL token store ({_description}): {Explain(ex)}", ex);
            }
        }

        _feed.Start();
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateSchemaAtStart)
        {
            int before = await PostgreSqlSchema.MigrateCoreAsync(_dataSource, _sql, cancellationToken).ConfigureAwait(false);
            if (before < PostgreSqlSchema.CurrentVersion)
            {
                Log.SchemaMigrated(_logger, _description, before, PostgreSqlSchema.CurrentVersion);
            }

            return;
        }

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        int version = await PostgreSqlSchema.ReadVersionAsync(connection, null, _sql, cancellationToken).ConfigureAwait(false);
        if (version == 0)
        {
            throw new TokenStoreException(
                $"The PostgreSQL database ({_description}) has no TokenSdk schema '{_options.Schema}'. Create it with 'tokensdk db migrate' or PostgreSqlSchema.MigrateAsync " +
                "(or, for development, set CreateSchemaAtStart).");
        }

        if (version < PostgreSqlSchema.CurrentVersion)
        {
            throw new TokenStoreException(
                $"The TokenSdk schema '{_options.Schema}' ({_description}) is at version {version}; this TokenSdk needs version {PostgreSqlSchema.CurrentVersion}. " +
                "Run 'tokensdk db migrate' (or PostgreSqlSchema.MigrateAsync).");
        }

        if (version > PostgreSqlSchema.CurrentVersion)
        {
            throw PostgreSqlSchema.Newer(_options.Schema, version);
        }
    }

    private Task<bool> SubmitAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        return _writer.SubmitAsync(write, cancellationToken);
    }

    // A client id is 24 ASCII letters; anything else was never stored (and may be a token pasted by mistake).
    private static bool IsClientId(string value) => value.Length == 24 && value.All(char.IsAsciiLetter);

    private static void ThrowIfNul(params string?[] values)
    {
        if (values.Any(v => v is not null && v.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A text field of the token holds a NUL character, which PostgreSQL text cannot hold.", "token");
        }
    }
}
