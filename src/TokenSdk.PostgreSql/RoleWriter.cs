using System.Data;
using Npgsql;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>
/// Writes roles: each write is one transaction at read committed, checked by the database (unique indexes, a
/// compare-and-set <c>UPDATE</c>, the count of the tokens holding a role), with a change-feed row and a notification, so
/// every node applies it in sequence with token changes. Then this node's replica holds it before the call returns.
/// </summary>
/// <remarks>
/// Lock order, as for token writes: a role write takes its row's lock (or its index entries') before the writers' lock,
/// and takes no row lock after it, so role and token writers never wait on each other in a cycle. When a write is refused,
/// the reason is read back from the table in a later statement; if that reason vanished in between (the holder of a
/// name was renamed, say), the write is tried again.
/// </remarks>
internal sealed class RoleWriter(PostgreSqlTokenStore store)
{
    private const int Attempts = 5;
    private const string NameIndex = "roles_live_name";

    private StoreSql Sql => store.Statements;

    public async Task<RoleStoreResult> AddAsync(StoredRole role, CancellationToken cancellationToken)
    {
        StoredRole stored = RoleRows.AsStored(role);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                await using NpgsqlConnection connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                bool inserted;
                await using (NpgsqlCommand insert = store.Command(Sql.AddRole, connection, transaction))
                {
                    RoleRows.AddParameters(insert.Parameters, stored);
                    inserted = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
                }

                if (inserted)
                {
                    await CommitChangeAsync(connection, transaction, stored.Id, ChangeKind.RolePut, cancellationToken).ConfigureAwait(false);
                    store.ApplyRole(new RoleRow(stored.Id, stored.Version, false, stored));
                    return RoleStoreResult.Success(stored);
                }

                // A unique index refused the row (after any writer of the same id or name committed): the id first, as
                // the in-memory store checks.
                if (await FindAsync(connection, transaction, stored.Id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return RoleStoreResult.IdTaken;
                }

                if (await FindByNameAsync(connection, transaction, stored, cancellationToken).ConfigureAwait(false) is { } holder)
                {
                    return RoleStoreResult.NameTaken(holder);
                }

                ThrowIfLastAttempt(attempt, "add a role");
            }
        }
        catch (Exception ex) when (PostgreSqlTokenStore.IsDatabaseFailure(ex))
        {
            throw store.Unavailable("add a role", ex);
        }
    }

    public async Task<RoleStoreResult> UpdateAsync(StoredRole role, CancellationToken cancellationToken)
    {
        StoredRole stored = RoleRows.AsStored(role);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                await using NpgsqlConnection connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                bool nameTaken = false;
                await using (NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false))
                {
                    bool updated;
                    try
                    {
                        await using NpgsqlCommand update = store.Command(Sql.UpdateRole, connection, transaction);
                        RoleRows.AddParameters(update.Parameters, stored);
                        object? storedId = await update.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                        updated = storedId is not null;
                        if (storedId is string id && !string.Equals(id, stored.Id, StringComparison.Ordinal))
                        {
                            // The update named the id in another case: the role keeps the spelling it was created with.
                            stored = new StoredRole(id, stored.OrganizationId, stored.Name, stored.Permissions, stored.Resources, stored.Description, stored.CreatedAt, stored.UpdatedAt, stored.UpdatedBy, stored.Version);
                        }
                    }
                    catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == NameIndex)
                    {
                        // The version matched; another live role of the organization has the name.
                        updated = false;
                        nameTaken = true;
                    }

                    if (updated)
                    {
                        await CommitChangeAsync(connection, transaction, stored.Id, ChangeKind.RolePut, cancellationToken).ConfigureAwait(false);
                        store.ApplyRole(new RoleRow(stored.Id, stored.Version, false, stored));
                        return RoleStoreResult.Success(stored);
                    }

                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                }

                if (nameTaken)
                {
                    if (await FindByNameAsync(connection, null, stored, cancellationToken).ConfigureAwait(false) is { } holder
                        && !string.Equals(holder.Id, stored.Id, StringComparison.OrdinalIgnoreCase))
                    {
                        return RoleStoreResult.NameTaken(holder);
                    }
                }
                else if (await FindLiveAsync(connection, stored.OrganizationId, stored.Id, cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    return RoleStoreResult.NotFound;
                }
                else if (current.Version != stored.Version - 1)
                {
                    return RoleStoreResult.VersionMismatch(current);
                }

                ThrowIfLastAttempt(attempt, "update a role");
            }
        }
        catch (Exception ex) when (PostgreSqlTokenStore.IsDatabaseFailure(ex))
        {
            throw store.Unavailable("update a role", ex);
        }
    }

    public async Task<RoleStoreResult> DeleteAsync(string organizationId, string roleId, long? expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                await using NpgsqlConnection connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false))
                {
                    // The row lock first: from here, an add of a token holding the role waits for this transaction's end.
                    RoleRow? marked = null;
                    await using (NpgsqlCommand delete = store.Command(Sql.DeleteRole, connection, transaction))
                    {
                        delete.Parameters.AddWithValue("id", roleId);
                        delete.Parameters.AddWithValue("organization_id", organizationId);
                        delete.Parameters.AddWithValue("expected_version", NpgsqlTypes.NpgsqlDbType.Bigint, expectedVersion is { } v ? v : DBNull.Value);
                        await using NpgsqlDataReader reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            (string id, long version, _, StoredRole? role, _) = RoleRows.Read(reader, 0);
                            marked = new RoleRow(id, version, true, role);
                        }
                    }

                    if (marked is { Role: { } deleted })
                    {
                        // A statement of its own: its snapshot holds every token committed before the row lock was taken.
                        int holders;
                        await using (NpgsqlCommand count = store.Command(Sql.CountRoleHolders, connection, transaction))
                        {
                            count.Parameters.AddWithValue("id", deleted.Id);
                            holders = (int)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                        }

                        if (holders > 0)
                        {
                            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                            return RoleStoreResult.InUse(deleted, holders);
                        }

                        await CommitChangeAsync(connection, transaction, deleted.Id, ChangeKind.RoleDelete, cancellationToken).ConfigureAwait(false);
                        store.ApplyRole(marked);
                        return RoleStoreResult.Success(deleted);
                    }

                    // Nothing marked, or a row that is not a valid role (it is no role to this store: not found).
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    if (marked is not null)
                    {
                        return RoleStoreResult.NotFound;
                    }
                }

                if (await FindLiveAsync(connection, organizationId, roleId, cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    return RoleStoreResult.NotFound;
                }

                if (expectedVersion is { } expected && current.Version != expected)
                {
                    return RoleStoreResult.VersionMismatch(current);
                }

                ThrowIfLastAttempt(attempt, "delete a role");
            }
        }
        catch (Exception ex) when (PostgreSqlTokenStore.IsDatabaseFailure(ex))
        {
            throw store.Unavailable("delete a role", ex);
        }
    }

    private static void ThrowIfLastAttempt(int attempt, string operation)
    {
        if (attempt >= Attempts)
        {
            throw new TokenStoreException($"Could not {operation}: the role changed under each of {Attempts} attempts. Nothing was changed.");
        }
    }

    /// <summary>The writers' lock, the change-feed row and its notification, then the commit.</summary>
    private async Task CommitChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string roleId, ChangeKind kind, CancellationToken cancellationToken)
    {
        await using var commands = new NpgsqlBatch(connection, transaction) { Timeout = (int)store.Options.CommandTimeout.TotalSeconds };
        commands.BatchCommands.Add(new NpgsqlBatchCommand(Sql.WriteLock));
        var change = new NpgsqlBatchCommand(Sql.RoleChange);
        change.Parameters.AddWithValue("id", roleId);
        change.Parameters.AddWithValue("kind", (short)kind);
        change.Parameters.AddWithValue("channel", Sql.Channel);
        commands.BatchCommands.Add(change);
        await commands.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The role row of an id (case-insensitive), live or deleted.</summary>
    private async Task<(RoleRow Row, string? Problem)?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string roleId, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand find = store.Command(Sql.FindRole, connection, transaction);
        find.Parameters.AddWithValue("id", roleId);
        await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        (string id, long version, bool deleted, StoredRole? role, string? problem) = RoleRows.Read(reader, 0);
        return (new RoleRow(id, version, deleted, role), problem);
    }

    /// <summary>The live, valid role of that id in that organization, as the in-memory store would find it.</summary>
    private async Task<StoredRole?> FindLiveAsync(NpgsqlConnection connection, string organizationId, string roleId, CancellationToken cancellationToken) =>
        await FindAsync(connection, null, roleId, cancellationToken).ConfigureAwait(false) is ({ Deleted: false, Role: { } role }, _)
            && string.Equals(role.OrganizationId, organizationId, StringComparison.Ordinal)
            ? role
            : null;

    /// <summary>The live role of the organization holding the name of <paramref name="role"/> (case-insensitive).</summary>
    /// <exception cref="TokenStoreException">That row is not a valid role.</exception>
    private async Task<StoredRole?> FindByNameAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StoredRole role, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand find = store.Command(Sql.FindRoleByName, connection, transaction);
        find.Parameters.AddWithValue("organization_id", role.OrganizationId);
        find.Parameters.AddWithValue("name_key", RoleRows.NameKey(role.Name));
        await using NpgsqlDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        (string id, _, _, StoredRole? holder, string? problem) = RoleRows.Read(reader, 0);
        return holder ?? throw new TokenStoreException($"The role '{id}', which has the name '{role.Name}' in the organization, is not a valid role: {problem} Nothing was changed.");
    }
}
