using System.Data;
using Npgsql;
using TokenSdk.PostgreSql.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>
/// Keeps one node's replica current: loads it by streaming, then applies the changes after its last sequence number
/// whenever a notification arrives on a dedicated <c>LISTEN</c> connection, and every refresh interval in any case
/// (notifications are lost while a connection is down). Reconnects with back-off and catches up before it reports the
/// store healthy again; fails closed when the replica grows older than the configured maximum.
/// </summary>
internal sealed class ChangeFeed : IAsyncDisposable
{
    private const int Batch = 10_000;

    private readonly PostgreSqlTokenStore _store;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _catchUpGate = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private long _lastSequence;
    private long _currentSince;
    private volatile string? _problem;
    private volatile bool _failedClosed;

    public ChangeFeed(PostgreSqlTokenStore store)
    {
        _store = store;
        _currentSince = store.Time.GetTimestamp();
    }

    /// <summary>Gets the sequence number of the last change applied.</summary>
    public long LastSequence => Interlocked.Read(ref _lastSequence);

    /// <summary>Gets how long ago the replica was last known to hold every committed change.</summary>
    public TimeSpan ReplicaAge => _store.Time.GetElapsedTime(Interlocked.Read(ref _currentSince));

    /// <summary>Gets why the feed cannot follow the database now, or <see langword="null"/> while it can.</summary>
    public string? Problem => _problem;

    /// <summary>Gets whether the node rejects every token because its replica is older than the configured maximum.</summary>
    public bool FailedClosed => _failedClosed;

    /// <summary>Loads the replica from the live rows and the feed's position, in one consistent snapshot.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        StoreSql sql = _store.Statements;
        long started = _store.Time.GetTimestamp();
        var replica = new InMemoryTokenStore();
        await using NpgsqlConnection connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        long sequence;
        await using (NpgsqlCommand last = _store.Command(sql.LastSequence, connection, transaction))
        {
            sequence = (long)(await last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        // Streamed row by row: a million tokens never sit in one result set in memory.
        await using (NpgsqlCommand load = _store.Command(sql.LoadLive, connection, transaction))
        await using (NpgsqlDataReader reader = await load.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await replica.TryAddAsync(TokenRows.Read(reader, 0, out _), CancellationToken.None).ConfigureAwait(false);
            }
        }

        // Every role row, tombstones too: the replica remembers deleted ids, so a late write never brings one back.
        List<RoleRow> roles = [];
        await using (NpgsqlCommand load = _store.Command(sql.LoadRoles, connection, transaction))
        await using (NpgsqlDataReader reader = await load.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                roles.Add(ReadRole(reader, 0));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _store.Replica = replica;
        _store.LoadRoles(roles);
        Interlocked.Exchange(ref _lastSequence, sequence);
        Interlocked.Exchange(ref _currentSince, started);
        Log.ReplicaLoaded(_store.Logger, _store.Description, replica.Count, sequence, _store.Time.GetElapsedTime(started));
    }

    /// <summary>Starts following the feed in the background.</summary>
    public void Start() => _loop = Task.Run(() => FollowAsync(_stopping.Token));

    /// <summary>Applies every change committed after the last one applied.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _catchUpGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long started = _store.Time.GetTimestamp();
            await using NpgsqlConnection connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            while (await ApplyBatchAsync(connection, cancellationToken).ConfigureAwait(false) == Batch)
            {
            }

            Interlocked.Exchange(ref _currentSince, started);
        }
        catch (Exception ex) when (PostgreSqlTokenStore.IsDatabaseFailure(ex))
        {
            throw _store.Unavailable("read the change feed", ex);
        }
        finally
        {
            _catchUpGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stopping.Dispose();
    }

    private async Task<int> ApplyBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = _store.Command(_store.Statements.ChangesAfter, connection, null);
        command.Parameters.AddWithValue("after", Interlocked.Read(ref _lastSequence));
        command.Parameters.AddWithValue("limit", Batch);
        int count = 0;
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long prunedThrough = reader.GetInt64(0);
            if (prunedThrough > Interlocked.Read(ref _lastSequence))
            {
                // Changes this node had not read were pruned: the feed cannot bring them any more; the tokens can.
                await reader.DisposeAsync().ConfigureAwait(false);
                Log.ReplicaReloading(_store.Logger, _store.Description, LastSequence, prunedThrough);
                await LoadAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }

            if (reader.IsDBNull(1))
            {
                break;
            }

            long sequence = reader.GetInt64(1);
            var kind = (ChangeKind)reader.GetInt16(2);
            if (kind is ChangeKind.Add or ChangeKind.Delete or ChangeKind.Expiry)
            {
                StoredToken token = TokenRows.Read(reader, 3, out bool deleted);
                InMemoryTokenStore replica = _store.Replica;

                // The row is the token as it is now: an add whose token was deleted since is applied as the deletion, so a
                // node catching up never shows a deleted token, even for a moment.
                if (deleted || kind == ChangeKind.Delete)
                {
                    await replica.DeleteAsync(token.ClientId, CancellationToken.None).ConfigureAwait(false);
                }
                else if (kind == ChangeKind.Add)
                {
                    await replica.TryAddAsync(token, CancellationToken.None).ConfigureAwait(false);
                }
                else if (token.ExpiresAt is { } expiresAt)
                {
                    await replica.SetExpiryAsync(token.ClientId, expiresAt, CancellationToken.None).ConfigureAwait(false);
                }
            }
            else if (kind is ChangeKind.RolePut or ChangeKind.RoleDelete)
            {
                // The row is the role as it is now, likewise: a version is applied only over an older one, a deletion for good.
                RoleRow role = ReadRole(reader, 3 + StoreSql.TokenColumnCount);
                _store.ApplyRole(kind == ChangeKind.RoleDelete ? role with { Deleted = true } : role);
            }

            Interlocked.Exchange(ref _lastSequence, sequence);
            count++;
        }

        return count;
    }

    /// <summary>Reads a role row, logging one that is not a valid role (it resolves to no role).</summary>
    private RoleRow ReadRole(NpgsqlDataReader reader, int first)
    {
        (string id, long version, bool deleted, StoredRole? role, string? problem) = RoleRows.Read(reader, first);
        if (problem is not null && !deleted)
        {
            Log.RoleUnreadable(_store.Logger, _store.Description, id, version, problem);
        }

        return new RoleRow(id, version, deleted, role);
    }

    /// <summary>The background loop: listen, catch up on each notification and each refresh interval, reconnect on failure.</summary>
    private async Task FollowAsync(CancellationToken stopping)
    {
        TimeSpan interval = _store.Options.RefreshInterval;
        TimeSpan backoff = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested)
        {
            NpgsqlConnection? listener = null;
            try
            {
                if (_store.Options.Listen)
                {
                    listener = await _store.DataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                    await using NpgsqlCommand listen = _store.Command(_store.Statements.Listen, listener, null);
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                // Listening before catching up: a change committed in between is either read now or notified next.
                await CatchUpAsync(stopping).ConfigureAwait(false);
                Recovered();
                backoff = TimeSpan.FromMilliseconds(100);
                while (!stopping.IsCancellationRequested)
                {
                    if (listener is null)
                    {
                        await Task.Delay(interval, _store.Time, stopping).ConfigureAwait(false);
                    }
                    else
                    {
                        await listener.WaitAsync(interval, stopping).ConfigureAwait(false);
                    }

                    await CatchUpAsync(stopping).ConfigureAwait(false);
                    UpdateFailClosed();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop has no caller: it records the problem (health, log once) and reconnects.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Failed(ex);
            }
            finally
            {
                if (listener is not null)
                {
                    await listener.DisposeAsync().ConfigureAwait(false);
                }
            }

            UpdateFailClosed();
            try
            {
                await Task.Delay(backoff < interval ? backoff : interval, _store.Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, interval.Ticks));
        }
    }

    private void Failed(Exception ex)
    {
        string problem = ex is TokenStoreException ? ex.Message : PostgreSqlTokenStore.Explain(ex);
        if (_problem is null)
        {
            Log.FeedLost(_store.Logger, ex, _store.Description, problem);
        }

        _problem = problem;
    }

    private void Recovered()
    {
        if (_problem is not null)
        {
            _problem = null;
            Log.FeedRecovered(_store.Logger, _store.Description, LastSequence);
        }

        UpdateFailClosed();
    }

    private void UpdateFailClosed()
    {
        bool failClosed = _store.Options.MaxReplicaAge is { } maximum && ReplicaAge > maximum;
        if (failClosed != _failedClosed)
        {
            _failedClosed = failClosed;
            if (failClosed)
            {
                Log.FailedClosed(_store.Logger, _store.Description, ReplicaAge);
            }
            else
            {
                Log.ReopenedAfterFailClosed(_store.Logger, _store.Description);
            }
        }
    }
}
