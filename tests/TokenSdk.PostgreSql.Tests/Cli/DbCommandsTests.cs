using System.Net;
using System.Net.Sockets;
using Npgsql;
using TokenSdk.PostgreSql.Tests.TestSupport;

namespace TokenSdk.PostgreSql.Tests.Cli;

/// <summary><c>tokensdk db migrate</c> and <c>tokensdk db status</c> against a real server, each test on a fresh database.</summary>
[Trait("Category", "Slow")]
public sealed class DbCommandsTests(PostgreSqlServer server)
{
    private const int Current = PostgreSqlSchema.CurrentVersion;

    [Fact]
    public async Task Migrate_FreshDatabase_MigratesFrom0ToCurrentThenIsAlreadyCurrent()
    {
        string connectionString = await FreshDatabaseAsync();

        CliResult first = await RunAsync(connectionString, "db", "migrate");
        CliResult second = await RunAsync(connectionString, "db", "migrate");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal($"Schema 'tokensdk' migrated from version 0 to {Current}.", first.StandardOutput.TrimEnd());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal($"Schema 'tokensdk' is already at version {Current}.", second.StandardOutput.TrimEnd());
        Assert.Equal(Current, await Sql.QueryAsync<int>(connectionString, "SELECT max(version) FROM tokensdk.schema_version"));
    }

    [Fact]
    public async Task Status_FreshDatabase_SaysMissingAndExits1ThenCurrentAfterMigrate()
    {
        string connectionString = await FreshDatabaseAsync();

        CliResult missing = await RunAsync(connectionString, "db", "status");
        await RunAsync(connectionString, "db", "migrate");
        CliResult current = await RunAsync(connectionString, "db", "status");

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"Schema 'tokensdk' does not exist (version 0); this tokensdk needs version {Current}: run 'tokensdk db migrate'.", missing.StandardOutput.TrimEnd());
        Assert.True(current.ExitCode == 0, current.ToString());
        Assert.Equal($"Schema 'tokensdk' is at version {Current}: current.", current.StandardOutput.TrimEnd());
    }

    [Fact]
    public async Task StatusAndMigrate_SchemaNewerThanTheTool_StatusSaysNewerAndMigrateRefusesWithExit3()
    {
        string connectionString = await FreshDatabaseAsync();
        await RunAsync(connectionString, "db", "migrate");
        await Sql.ExecuteAsync(connectionString, $"INSERT INTO tokensdk.schema_version (version) VALUES ({Current + 1})");

        CliResult status = await RunAsync(connectionString, "db", "status");
        CliResult migrate = await RunAsync(connectionString, "db", "migrate");

        Assert.Equal(1, status.ExitCode);
        Assert.Equal($"Schema 'tokensdk' is at version {Current + 1}, newer than this tokensdk knows ({Current}): upgrade tokensdk.", status.StandardOutput.TrimEnd());
        Assert.Equal(3, migrate.ExitCode);
        Assert.Contains($"version {Current + 1}, newer than this TokenSdk knows ({Current})", migrate.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_SchemaOptionOrStoreVariable_MigratesThatSchema()
    {
        string connectionString = await FreshDatabaseAsync();

        CliResult option = await RunAsync(connectionString, "db", "migrate", "--schema", "tenant_a");
        CliResult variable = await RunAsync(connectionString, [("TOKENSDK_STORE", "postgres:tenant_b")], "db", "migrate");
        CliResult schemaVariable = await RunAsync(connectionString, [("TOKENSDK_POSTGRES_SCHEMA", "tenant_c")], "db", "status");

        Assert.Equal($"Schema 'tenant_a' migrated from version 0 to {Current}.", option.StandardOutput.TrimEnd());
        Assert.Equal($"Schema 'tenant_b' migrated from version 0 to {Current}.", variable.StandardOutput.TrimEnd());
        Assert.StartsWith("Schema 'tenant_c' does not exist", schemaVariable.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, await Sql.QueryAsync<long>(connectionString, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tokensdk'"));
    }

    [Fact]
    public async Task Migrate_NothingListensOnThePort_Exit3WithTheReason()
    {
        var builder = new NpgsqlConnectionStringBuilder(await server.GetConnectionStringAsync()) { Port = UnusedPort(), Timeout = 5 };

        CliResult result = await RunAsync(builder.ConnectionString, "db", "migrate");

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("tokensdk: error: Migrating the TokenSdk schema 'tokensdk' failed: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"Failed to connect to 127.0.0.1:{builder.Port}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_DatabaseDoesNotExist_Exit3NamingIt()
    {
        var builder = new NpgsqlConnectionStringBuilder(await server.GetConnectionStringAsync()) { Database = "tokensdk_no_such_database" };

        CliResult result = await RunAsync(builder.ConnectionString, "db", "status");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("database \"tokensdk_no_such_database\" does not exist", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_NoConnectionStringVariable_Exit2NamingTheVariable()
    {
        CliResult result = await InProcessCli.RunAsync(["db", "migrate"], new Dictionary<string, string>());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TOKENSDK_POSTGRES", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_InvalidSchemaName_Exit2BeforeConnecting()
    {
        var builder = new NpgsqlConnectionStringBuilder(await server.GetConnectionStringAsync()) { Port = UnusedPort() };

        CliResult result = await RunAsync(builder.ConnectionString, "db", "migrate", "--schema", "Tenant-A");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("PostgreSqlTokenStoreOptions.Schema must be", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_OldChanges_RemovesThemAndSaysHowMany()
    {
        string connectionString = await FreshDatabaseAsync();
        await RunAsync(connectionString, "db", "migrate");
        await RunAsync(connectionString, "tokens", "create", "--role", "read-only-user", "--store", "postgres", "--output", "json");
        await Sql.ExecuteAsync(connectionString, "UPDATE tokensdk.changes SET changed_at = now() - interval '40 days'");

        CliResult pruned = await RunAsync(connectionString, "db", "prune", "--older-than", "30d");
        CliResult tooShort = await RunAsync(connectionString, "db", "prune", "--older-than", "10m");

        Assert.True(pruned.ExitCode == 0, pruned.ToString());
        Assert.Equal("Removed 1 change-feed rows older than 30d from schema 'tokensdk'.", pruned.StandardOutput.TrimEnd());
        Assert.Equal(0L, await Sql.QueryAsync<long>(connectionString, "SELECT count(*) FROM tokensdk.changes"));
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("--older-than must be a duration of at least 1h", tooShort.StandardError, StringComparison.Ordinal);
    }

    private async Task<string> FreshDatabaseAsync() => TestPassword.AddTo(await server.CreateDatabaseAsync());

    private static Task<CliResult> RunAsync(string connectionString, params string[] arguments) => RunAsync(connectionString, [], arguments);

    // Every run: the connection string only in TOKENSDK_POSTGRES, and its password in no output.
    private static async Task<CliResult> RunAsync(string connectionString, (string Name, string Value)[] variables, params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["TOKENSDK_POSTGRES"] = TestPassword.AddTo(connectionString) };
        foreach ((string name, string value) in variables)
        {
            environment[name] = value;
        }

        CliResult result = await InProcessCli.RunAsync(arguments, environment);
        TestPassword.AssertAbsent(result.StandardOutput + result.StandardError);
        return result;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
