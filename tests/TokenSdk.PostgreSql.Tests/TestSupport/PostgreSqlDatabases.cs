using System.Text.RegularExpressions;

using Npgsql;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>Creates and drops databases, given a connection string of a role that may (a superuser's).</summary>
internal static partial class PostgreSqlDatabases
{
    /// <summary>Creates a fresh, empty database.</summary>
    /// <param name="adminConnectionString">A connection string of a role that may create databases.</param>
    /// <param name="name">The database's name (lower-case letters, digits, underscores); a unique one when <see langword="null"/>.</param>
    /// <returns>The connection string to the new database: <paramref name="adminConnectionString"/> with its name.</returns>
    public static async Task<string> CreateAsync(string adminConnectionString, string? name = null)
    {
        name ??= "tokensdk_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(adminConnectionString, $"CREATE DATABASE {Identifier(name)}");
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database, closing the connections still open to it.</summary>
    /// <param name="adminConnectionString">A connection string of a role that may drop it.</param>
    /// <param name="name">The database's name.</param>
    public static Task DropAsync(string adminConnectionString, string name) =>
        ExecuteAsync(adminConnectionString, $"DROP DATABASE IF EXISTS {Identifier(name)} WITH (FORCE)");

    /// <summary>Describes a connection string for messages: without its password.</summary>
    /// <param name="connectionString">The connection string.</param>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Remove("Password");
        return builder.ConnectionString;
    }

    private static async Task ExecuteAsync(string adminConnectionString, string sql)
    {
        // Not pooled: an idle connection per test class would stay open to the server for the whole run.
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A database name checked to need no quoting: CREATE DATABASE cannot take it as a parameter.</summary>
    private static string Identifier(string name) =>
        SafeName().IsMatch(name)
            ? name
            : throw new ArgumentException($"'{name}' is not a database name these tests use: lower-case letters, digits and underscores, at most 63.", nameof(name));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();
}
