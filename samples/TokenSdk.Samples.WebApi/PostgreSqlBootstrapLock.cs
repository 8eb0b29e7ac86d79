using Npgsql;
using TokenSdk.PostgreSql;
using TokenSdk.Storage;

namespace TokenSdk.Samples.WebApi;

/// <summary>
/// A PostgreSQL session advisory lock on the bootstrap of one schema. Held on a connection of its own while a node
/// checks whether the store is empty and bootstraps it; a node that dies releases it with its connection.
/// </summary>
internal sealed class PostgreSqlBootstrapLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _key;

    private PostgreSqlBootstrapLock(NpgsqlConnection connection, string key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Waits for the lock, then brings <paramref name="store"/>'s replica up to every committed change.</summary>
    /// <param name="options">The store's options (connection string and schema).</param>
    /// <param name="store">The opened store.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The held lock.</returns>
    /// <exception cref="TokenStoreException">The database cannot be reached.</exception>
    public static async Task<PostgreSqlBootstrapLock> AcquireAsync(PostgreSqlTokenStoreOptions options, PostgreSqlTokenStore store, CancellationToken cancellationToken)
    {
        string key = "tokensdk.sample.bootstrap." + options.Schema;

        // Not pooled: the lock belongs to the session, which must end with this object (or with the process).
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtext(@key))", key, cancellationToken).ConfigureAwait(false);

            // A node that bootstrapped before this one took the lock has committed its token: read it now.
            await store.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return new PostgreSqlBootstrapLock(connection, key);
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new TokenStoreException($"Cannot take the bootstrap lock in the PostgreSQL database ({store.Description}): {ex.Message}", ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the lock and closes its connection.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(_connection, "SELECT pg_advisory_unlock(hashtext(@key))", _key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // Closing the session below releases the lock all the same.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
