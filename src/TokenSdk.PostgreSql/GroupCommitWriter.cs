using System.Collections.Concurrent;
using System.Data;
using Npgsql;
using NpgsqlTypes;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>
/// Writes adds, deletes and expiry changes with group commit: whoever gets the gate writes everything this node has
/// queued so far in one transaction (one round trip for all its statements, one commit), then completes each caller with
/// its own result. A node thus holds one connection for writing however many callers write at once, and concurrent
/// writes share a commit instead of queuing on the writers' lock one commit each.
/// </summary>
internal sealed class GroupCommitWriter
{
    private const int MaxBatch = 1_000;

    private readonly PostgreSqlTokenStore _store;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<PendingWrite> _queue = new();

    public GroupCommitWriter(PostgreSqlTokenStore store) => _store = store;

    /// <summary>Queues a write and completes once its transaction committed, with whether it changed the store.</summary>
    public async Task<bool> SubmitAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        _queue.Enqueue(write);

        // Let writes that callers start together queue up before the first of them commits.
        await Task.Yield();
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!write.Completion.Task.IsCompleted)
            {
                await CommitQueuedAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        return await write.Completion.Task.ConfigureAwait(false);
    }

    private async Task CommitQueuedAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingWrite>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out PendingWrite? next))
        {
            batch.Add(next);
        }

        bool[] changed;
        try
        {
            changed = await CommitAsync(batch, batch.Count == 1 ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every queued caller must learn the outcome; the exception is handed to each of them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Exception failure = PostgreSqlTokenStore.IsDatabaseFailure(ex) ? _store.Unavailable(batch[0].Operation, ex) : ex;
            foreach (PendingWrite write in batch)
            {
                write.Completion.TrySetException(failure);
            }

            return;
        }

        // The writing node holds its own writes at once; the feed brings the same changes later, which changes nothing then.
        InMemoryTokenStore replica = _store.Replica;
        for (int i = 0; i < batch.Count; i++)
        {
            PendingWrite write = batch[i];
            if (changed[i])
            {
                switch (write.Kind)
                {
                    case ChangeKind.Add:
                        await replica.TryAddAsync(TokenRows.AsStored(write.Token!), CancellationToken.None).ConfigureAwait(false);
                        break;
                    case ChangeKind.Delete:
                        await replica.DeleteAsync(write.ClientId, CancellationToken.None).ConfigureAwait(false);
                        break;
                    default:
                        await replica.SetExpiryAsync(write.ClientId, TokenRows.Truncate(write.ExpiresAt), CancellationToken.None).ConfigureAwait(false);
                        break;
                }
            }

            if (write.RefusedRole is { } deletedRole)
            {
                write.Completion.TrySetException(new RoleDeletedException(deletedRole));
                continue;
            }

            write.Completion.TrySetResult(write.Kind == ChangeKind.Expiry ? write.Live : changed[i]);
        }
    }

    /// <summary>
    /// One transaction: the role check of the adds, the writers' lock, then each write's statement, in order, in one round
    /// trip.
    /// </summary>
    /// <remarks>
    /// <para>The role check (<see cref="StoreSql.LockRoles"/>) share-locks the stored roles the batch's tokens hold,
    /// before the writers' lock: a role deletion takes its row lock before the writers' lock too, and nothing waits for
    /// a row lock while holding the writers' lock, so the two never deadlock. Each add then inserts nothing when one of
    /// its token's roles is deleted, and its caller gets a <see cref="RoleDeletedException"/>; the rest of the batch goes
    /// on.</para>
    /// <para>The check runs for every batch that adds, even when this node's replica knows none of the batch's role ids
    /// as a stored role: the replica may not hold yet a role created on another node moments ago, and a caller of
    /// <see cref="ITokenStore.TryAddAsync"/> need not have read the role through this node (another node, or the
    /// database, told it), so a filter on the replica would let a token holding a role deleted meanwhile through. It is
    /// one statement per batch, in the same round trip, an index probe per distinct role id: a role that is not stored
    /// (a default or configured one) matches no row and locks nothing.</para>
    /// </remarks>
    private async Task<bool[]> CommitAsync(List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        StoreSql sql = _store.Statements;
        await using NpgsqlConnection connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Read committed, whatever the database's default: each statement reads what committed before it started.
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await using var commands = new NpgsqlBatch(connection, transaction) { Timeout = (int)_store.Options.CommandTimeout.TotalSeconds };
        var roleKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (PendingWrite write in batch)
        {
            if (write.Kind == ChangeKind.Add)
            {
                write.RoleKeys = [.. write.Token!.RoleIds.Select(RoleRows.IdKey)];
                roleKeys.UnionWith(write.RoleKeys.OfType<string>());
            }
        }

        bool lockRoles = roleKeys.Count > 0;
        if (lockRoles)
        {
            var check = new NpgsqlBatchCommand(sql.LockRoles);
            check.Parameters.AddWithValue("role_keys", NpgsqlDbType.Array | NpgsqlDbType.Text, roleKeys.ToArray());
            commands.BatchCommands.Add(check);
        }

        commands.BatchCommands.Add(new NpgsqlBatchCommand(sql.WriteLock));
        foreach (PendingWrite write in batch)
        {
            var command = new NpgsqlBatchCommand(write.Kind switch
            {
                ChangeKind.Add => sql.Add,
                ChangeKind.Delete => sql.Delete,
                _ => sql.SetExpiry,
            });
            if (write.Kind == ChangeKind.Add)
            {
                TokenRows.AddParameters(command.Parameters, write.Token!);
                command.Parameters.AddWithValue("role_keys", NpgsqlDbType.Array | NpgsqlDbType.Text, write.RoleKeys!);
            }
            else
            {
                command.Parameters.AddWithValue("client_id", write.ClientId);
            }

            if (write.Kind == ChangeKind.Expiry)
            {
                command.Parameters.AddWithValue("expires_at", NpgsqlDbType.TimestampTz, write.ExpiresAt.ToUniversalTime());
            }

            command.Parameters.AddWithValue("channel", sql.Channel);
            commands.BatchCommands.Add(command);
        }

        bool[] changed = new bool[batch.Count];
        await using (NpgsqlDataReader reader = await commands.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (lockRoles)
            {
                // Past the role check's rows, to the writers' lock.
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            for (int i = 0; i < batch.Count; i++)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                bool row = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                PendingWrite write = batch[i];
                switch (write.Kind)
                {
                    case ChangeKind.Expiry:
                        write.Live = reader.GetInt32(0) > 0;
                        changed[i] = !reader.IsDBNull(1);
                        break;
                    case ChangeKind.Add:
                        changed[i] = !reader.IsDBNull(0);
                        write.RefusedRole = reader.IsDBNull(2) ? null : write.Token!.RoleIds[(int)reader.GetInt64(2) - 1];
                        break;
                    default:
                        changed[i] = row;
                        break;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }
}

/// <summary>What a change-feed row records.</summary>
internal enum ChangeKind : short
{
    Add = 1,
    Delete = 2,
    Expiry = 3,

    /// <summary>A role was added or updated (schema version 4).</summary>
    RolePut = 4,

    /// <summary>A role was deleted (schema version 4).</summary>
    RoleDelete = 5,
}

/// <summary>One write waiting for the next commit.</summary>
internal sealed class PendingWrite(ChangeKind kind, string clientId, StoredToken? token, DateTimeOffset expiresAt, string operation)
{
    public ChangeKind Kind { get; } = kind;

    public string ClientId { get; } = clientId;

    public StoredToken? Token { get; } = token;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>Gets what the write does, for messages ("add a token").</summary>
    public string Operation { get; } = operation;

    /// <summary>Gets or sets, for an expiry change, whether the token was live.</summary>
    public bool Live { get; set; }

    /// <summary>Gets or sets, for an add, the token's role ids as the database compares them (<see cref="RoleRows.IdKey"/>).</summary>
    public string?[]? RoleKeys { get; set; }

    /// <summary>Gets or sets, for an add refused, the token's role id that names a deleted role.</summary>
    public string? RefusedRole { get; set; }

    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
