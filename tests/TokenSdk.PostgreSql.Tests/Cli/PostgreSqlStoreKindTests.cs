using System.Text.Json;
using Npgsql;
using TokenSdk.PostgreSql.Tests.TestSupport;

namespace TokenSdk.PostgreSql.Tests.Cli;

/// <summary>
/// The <c>tokens</c> commands on the PostgreSQL store (<c>--store postgres[:SCHEMA]</c>, <c>TOKENSDK_STORE</c>), with
/// the connection string in <c>TOKENSDK_POSTGRES</c>, against a real server; each test in a schema of its own.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PostgreSqlStoreKindTests(PostgreSqlDatabase database) : IClassFixture<PostgreSqlDatabase>
{
    private string ConnectionString => TestPassword.AddTo(database.ConnectionString);

    private string DatabaseName => new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;

    [Fact]
    public async Task TokensList_MigratedSchema_ListsWhatTokensCreateStored()
    {
        string schema = await MigratedSchemaAsync();

        CliResult created = await RunAsync("tokens", "create", "--store", "postgres:" + schema, "--role", "read-only-user", "--description", "reporting job", "--output", "json");
        CliResult listed = await RunAsync("tokens", "list", "--store", "postgres:" + schema, "--output", "table");

        Assert.True(created.ExitCode == 0, created.ToString());
        string clientId = JsonDocument.Parse(created.StandardOutput).RootElement.GetProperty("clientId").GetString()!;
        Assert.True(listed.ExitCode == 0, listed.ToString());
        string row = Assert.Single(listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith(clientId, StringComparison.Ordinal));
        Assert.Contains("Read Only User", row, StringComparison.Ordinal);
        Assert.Contains("reporting job", row, StringComparison.Ordinal);
        Assert.Equal(1, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.tokens WHERE client_id = '{clientId}'"));
    }

    [Fact]
    public async Task Tokens_StoreAndSchemaFromVariables_CreateVerifyDeleteThenRejected()
    {
        string schema = await MigratedSchemaAsync();
        (string, string)[] variables = [("TOKENSDK_STORE", "postgres"), ("TOKENSDK_POSTGRES_SCHEMA", schema)];

        CliResult created = await RunAsync(variables, "tokens", "create", "--role", "read-only-user", "--output", "json");
        JsonElement details = JsonDocument.Parse(created.StandardOutput).RootElement;
        string token = details.GetProperty("token").GetString()!;
        string clientId = details.GetProperty("clientId").GetString()!;
        CliResult valid = await VerifyAsync(variables, token);
        CliResult deleted = await RunAsync(variables, "tokens", "delete", clientId, "--reason", "compromised", "--yes");
        CliResult rejected = await VerifyAsync(variables, token);

        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("unknownClient", rejected.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensList_SchemaNotMigrated_Exit3WithTheStoresMessageUnmasked()
    {
        string schema = Nodes.NewSchema();

        CliResult result = await RunAsync("tokens", "list", "--store", "postgres:" + schema);

        Assert.Equal(3, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The database's name (tokensdk_test_ and a GUID) looks like a secret to the masker; the tool reveals it.
        Assert.Contains($"database={DatabaseName} user=postgres schema={schema}", line, StringComparison.Ordinal);
        Assert.Contains($"has no TokenSdk schema '{schema}'", line, StringComparison.Ordinal);
        Assert.Contains("tokensdk db migrate", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensList_UnknownUser_Exit3SayingToCheckTheUserAndPassword()
    {
        string schema = await MigratedSchemaAsync();
        string connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Username = "tokensdk_nobody" }.ConnectionString;

        CliResult result = await RunAsync([("TOKENSDK_POSTGRES", connectionString)], "tokens", "list", "--store", "postgres:" + schema);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("user=tokensdk_nobody", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Check the user name and password of the connection string.", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensList_ConnectionStringOnTheCommandLine_Exit2WithoutRepeatingIt()
    {
        CliResult result = await RunAsync("tokens", "list", "--store", "postgres:" + ConnectionString);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Put the connection string in TOKENSDK_POSTGRES", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Host=", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> MigratedSchemaAsync()
    {
        string schema = Nodes.NewSchema();
        CliResult migrated = await RunAsync("db", "migrate", "--schema", schema);
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        return schema;
    }

    private Task<CliResult> RunAsync(params string[] arguments) => RunCoreAsync([], stdin: null, arguments);

    private Task<CliResult> RunAsync((string Name, string Value)[] variables, params string[] arguments) => RunCoreAsync(variables, stdin: null, arguments);

    private Task<CliResult> VerifyAsync((string Name, string Value)[] variables, string token) => RunCoreAsync(variables, token, ["tokens", "verify"]);

    // Every run: the connection string only in TOKENSDK_POSTGRES (unless the test overrides it), and its password in no output.
    private async Task<CliResult> RunCoreAsync((string Name, string Value)[] variables, string? stdin, string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["TOKENSDK_POSTGRES"] = ConnectionString, ["NO_COLOR"] = "1" };
        foreach ((string name, string value) in variables)
        {
            environment[name] = value;
        }

        CliResult result = await InProcessCli.RunAsync(arguments, environment, stdin);
        TestPassword.AssertAbsent(result.StandardOutput + result.StandardError);
        return result;
    }
}
