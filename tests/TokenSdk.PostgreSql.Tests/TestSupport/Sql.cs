using Npgsql;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>
/// One statement on a fresh, unpooled connection, for tests that look at the database directly. Unpooled: after a
/// server stop, a pooled connection would be a dead one rather than a fresh attempt.
/// </summary>
internal static class Sql
{
    /// <summary>Runs statements that return no value.</summary>
    /// <param name="connectionString">Where.</param>
    /// <param name="sql">The statements.</param>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using NpgsqlConnection connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query and returns its first column of its first row; <see langword="default"/> for none or NULL.</summary>
    /// <typeparam name="T">The column's type.</typeparam>
    /// <param name="connectionString">Where.</param>
    /// <param name="sql">The query.</param>
    public static async Task<T?> QueryAsync<T>(string connectionString, string sql)
    {
        await using NpgsqlConnection connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        object? result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
