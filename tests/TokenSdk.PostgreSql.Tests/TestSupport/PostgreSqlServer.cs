using System.Collections.Concurrent;

using Npgsql;

using TokenSdk.PostgreSql.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(PostgreSqlServer))]

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>
/// The PostgreSQL server the whole test assembly shares, each test class in databases of its own
/// (<see cref="CreateDatabaseAsync"/>, or the class fixture <see cref="PostgreSqlDatabase"/>): the server named by
/// <c>TOKENSDK_TEST_POSTGRES</c> (CI starts one and sets it), or else a <see cref="PostgreSqlCluster"/> started for
/// the run, at the first test that asks for it (so tests that need no server run without one).
/// A server that cannot start or answer fails every test that asks for it, with the reason: PostgreSQL tests never skip.
/// </summary>
/// <remarks>Never stop or restart it: fault tests start a <see cref="PostgreSqlCluster"/> of their own.</remarks>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    /// <summary>The environment variable that names a server to use instead of starting one: a superuser's connection string.</summary>
    public const string EnvironmentVariable = "TOKENSDK_TEST_POSTGRES";

    private readonly ConcurrentBag<string> _createdDatabases = [];
    private readonly Lazy<Task<Started>> _started = new(StartAsync);

    /// <summary>Gets the superuser's connection string to the server's <c>postgres</c> database, starting the server if need be.</summary>
    /// <remarks>Tests create a database (<see cref="CreateDatabaseAsync"/>) rather than use this one.</remarks>
    public async Task<string> GetConnectionStringAsync() => (await _started.Value).ConnectionString;

    /// <summary>Creates a fresh, empty database on the server, dropped when the run ends.</summary>
    /// <param name="name">The database's name (lower-case letters, digits, underscores); a unique one when <see langword="null"/>.</param>
    /// <returns>The superuser's connection string to the new database.</returns>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        string connectionString = await PostgreSqlDatabases.CreateAsync(await GetConnectionStringAsync(), name);
        _createdDatabases.Add(new NpgsqlConnectionStringBuilder(connectionString).Database!);
        return connectionString;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_started.IsValueCreated || !_started.Value.IsCompletedSuccessfully)
        {
            return;
        }

        Started started = await _started.Value;
        if (started.Cluster is not null)
        {
            // The databases go with the cluster.
            await started.Cluster.DisposeAsync();
            return;
        }

        // A server that outlives the run (a developer's own) keeps none of the tests' databases.
        foreach (string database in _createdDatabases)
        {
            await PostgreSqlDatabases.DropAsync(started.ConnectionString, database);
        }
    }

    private static async Task<Started> StartAsync()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            await EnsureAnswersAsync(configured);
            return new Started(configured, Cluster: null);
        }

        PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        return new Started(cluster.ConnectionString, cluster);
    }

    private static async Task EnsureAnswersAsync(string connectionString)
    {
        try
        {
            await Sql.ExecuteAsync(connectionString, "SELECT 1");
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} names a PostgreSQL server ({PostgreSqlDatabases.Describe(connectionString)}) that does not answer: {ex.Message}", ex);
        }
    }

    private sealed record Started(string ConnectionString, PostgreSqlCluster? Cluster);
}
