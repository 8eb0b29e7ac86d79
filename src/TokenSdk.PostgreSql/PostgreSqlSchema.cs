using Npgsql;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>
/// The store's schema in PostgreSQL, created and upgraded by explicit, idempotent, versioned migrations. Run them with
/// <c>tokensdk db migrate</c>, with <see cref="MigrateAsync"/> from a deployment step, or (for development) with
/// <see cref="PostgreSqlTokenStoreOptions.CreateSchemaAtStart"/>; the version applied is recorded in
/// <c>&lt;schema&gt;.schema_version</c>.
/// </summary>
/// <remarks>
/// <para>Tables: <c>tokens</c> (client id, organization, role, the one-way verifier's text form, creation time and
/// actor, description, expiry, and <c>deleted_at</c>: a deleted row stays as a tombstone, so a deleted client id never
/// comes back) and <c>changes</c> (the change feed: one row per add, delete or expiry change, with an increasing
/// sequence number, written in the same transaction), <c>feed_state</c> (the last change pruned; version 2),
/// <c>token_usage</c> (when each live token was last used; version 3: written in batches, apart from the token rows
/// and without change-feed rows, and deleted with the token) and <c>roles</c> (the run-time roles; version 4: a deleted
/// role stays as a tombstone, so its id is never used again; a role change is a change-feed row too). No column holds a
/// secret, a token or T, in any encoding.</para>
/// <para>The role the service runs as needs only: <c>USAGE</c> on the schema; <c>SELECT, INSERT, UPDATE</c> on
/// <c>tokens</c> and on <c>roles</c> (<c>UPDATE</c> on <c>roles</c> also for the share lock a token add takes on the
/// roles its token holds); <c>SELECT, INSERT</c> on <c>changes</c> (and <c>USAGE</c> on its identity sequence);
/// <c>SELECT, INSERT, UPDATE, DELETE</c> on <c>token_usage</c>; <c>SELECT</c> on <c>schema_version</c> and
/// <c>feed_state</c>. It deletes from no other table and needs no DDL; the role that migrates does.</para>
/// </remarks>
public static class PostgreSqlSchema
{
    /// <summary>The schema version this TokenSdk writes and reads.</summary>
    public const int CurrentVersion = 4;

    /// <summary>
    /// Brings the schema to <see cref="CurrentVersion"/>: creates it when missing, applies the migrations it lacks, each
    /// in one transaction under an advisory lock (so several nodes may run it at once), and does nothing when it is
    /// current.
    /// </summary>
    /// <param name="dataSource">A data source whose role may create and alter the schema.</param>
    /// <param name="schema">The schema name (<see cref="PostgreSqlTokenStoreOptions.Schema"/>).</param>
    /// <param name="cancellationToken">Cancels the migration (what is committed stays).</param>
    /// <returns>The version before the migration (0 for none).</returns>
    /// <exception cref="TokenStoreException">The schema is newer than this TokenSdk knows, or the database refused.</exception>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, string schema = PostgreSqlTokenStoreOptions.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var sql = new StoreSql(ValidSchema(schema));
        try
        {
            return await MigrateCoreAsync(dataSource, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new TokenStoreException($"Migrating the TokenSdk schema '{sql.Schema}' failed: {PostgreSqlTokenStore.Explain(ex)}", ex);
        }
    }

    /// <summary>The migration, with the database's own exceptions (the store retries on those at start).</summary>
    internal static async Task<int> MigrateCoreAsync(NpgsqlDataSource dataSource, StoreSql sql, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, sql.MigrationLock, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, sql.CreateVersionTable, cancellationToken).ConfigureAwait(false);
        int before = await ReadVersionAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
        if (before > CurrentVersion)
        {
            throw Newer(sql.Schema, before);
        }

        for (int version = before + 1; version <= CurrentVersion; version++)
        {
            await ExecuteAsync(connection, transaction, sql.Migration(version), cancellationToken).ConfigureAwait(false);
            await using NpgsqlCommand record = new(sql.RecordVersion, connection, transaction);
            record.Parameters.AddWithValue("version", version);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return before;
    }

    /// <summary>
    /// Removes change-feed rows older than <paramref name="olderThan"/>, so the feed does not grow without end, and
    /// records the last sequence number removed: a node that had not read that far (down longer than
    /// <paramref name="olderThan"/>) reloads its replica from the tokens instead. Run it from a maintenance job
    /// (<c>tokensdk db prune --older-than 30d</c>) with a role that may delete from <c>changes</c>.
    /// </summary>
    /// <param name="dataSource">A data source whose role may delete from <c>changes</c> and update <c>feed_state</c>.</param>
    /// <param name="schema">The schema name.</param>
    /// <param name="olderThan">How old a change must be to go; at least one hour.</param>
    /// <param name="cancellationToken">Cancels the pruning.</param>
    /// <returns>The number of change rows removed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="olderThan"/> is under one hour.</exception>
    /// <exception cref="TokenStoreException">The database cannot be reached or refused, or the schema is not current.</exception>
    public static async Task<long> PruneChangesAsync(
        NpgsqlDataSource dataSource, string schema, TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.FromHours(1));
        var sql = new StoreSql(ValidSchema(schema));
        try
        {
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            int version = await ReadVersionAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
            if (version != CurrentVersion)
            {
                throw new TokenStoreException($"The TokenSdk schema '{sql.Schema}' is at version {version}, not {CurrentVersion}: run 'tokensdk db migrate' first.");
            }

            await using NpgsqlCommand prune = new(sql.Prune, connection);
            prune.Parameters.AddWithValue("older_than", olderThan);
            return (long)(await prune.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (NpgsqlException ex)
        {
            throw new TokenStoreException($"Pruning the change feed of the TokenSdk schema '{sql.Schema}' failed: {PostgreSqlTokenStore.Explain(ex)}", ex);
        }
    }

    /// <summary>Reads the schema's version.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="schema">The schema name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The version, or 0 when the schema (or its version table) does not exist.</returns>
    /// <exception cref="TokenStoreException">The database cannot be reached or refused.</exception>
    public static async Task<int> GetVersionAsync(NpgsqlDataSource dataSource, string schema = PostgreSqlTokenStoreOptions.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var sql = new StoreSql(ValidSchema(schema));
        try
        {
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await ReadVersionAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new TokenStoreException($"Reading the version of the TokenSdk schema '{sql.Schema}' failed: {PostgreSqlTokenStore.Explain(ex)}", ex);
        }
    }

    internal static TokenStoreException Newer(string schema, int version) =>
        new($"The TokenSdk schema '{schema}' is at version {version}, newer than this TokenSdk knows ({CurrentVersion}). Upgrade TokenSdk.PostgreSql on this node.");

    internal static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StoreSql sql, CancellationToken cancellationToken)
    {
        // Two statements: PostgreSQL plans a query on a table that does not exist as an error, even in a branch not taken.
        await using (NpgsqlCommand exists = new(sql.VersionTableExists, connection, transaction))
        {
            exists.Parameters.AddWithValue("schema", sql.Schema);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return 0;
            }
        }

        await using NpgsqlCommand command = new(sql.ReadVersion, connection, transaction);
        object? version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return version is int value ? value : 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string text, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = new(text, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string ValidSchema(string schema)
    {
        var options = new PostgreSqlTokenStoreOptions { Schema = schema };
        string? error = options.Validate(hasDataSource: true).FirstOrDefault();
        return error is null ? schema : throw new ArgumentException(error, nameof(schema));
    }
}
