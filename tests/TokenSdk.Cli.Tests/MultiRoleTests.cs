using System.Text.Json;
using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Tests;

/// <summary>Tokens of several roles: a repeatable <c>--role</c>, and every output that shows a token's roles shows them all.</summary>
public sealed class MultiRoleTests
{
    private const string DatabaseAdministrator = "database-administrator";
    private const string BillingAdministrator = "billing-administrator";
    private static readonly string[] s_twoRoles = [DatabaseAdministrator, "Billing Administrator"];

    // A role the default catalog lacks: with it, 17 distinct roles exist.
    private const string ReportingConfig = """
        { "TokenSdk": { "CustomRoles": [ { "Id": "reporting", "Name": "Reporting", "Description": "Reads tables.", "Permissions": [ "db-cql", "db-table-select" ] } ] } }
        """;

    [Fact]
    public async Task Create_TwoRolesByIdAndName_EveryDetailsFormatShowsBothInOrder()
    {
        using var store = new TempStore();
        string[] roles = TempStore.RoleArguments(s_twoRoles);

        CliResult text = await store.RunAsync(["tokens", "create", .. roles]);
        CliResult json = await store.RunAsync(["tokens", "create", .. roles, "--output", "json"]);
        CliResult csv = await store.RunAsync(["tokens", "create", .. roles, "--output", "csv"]);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(
            "\nRoles:         Database Administrator (database-administrator), Billing Administrator (billing-administrator)\n",
            text.StandardOutput.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("Role: ", text.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal([DatabaseAdministrator, BillingAdministrator], CreatedToken.Parse(json.StandardOutput).Roles);
        Assert.Equal(0, csv.ExitCode);
        string[] lines = csv.StandardOutput.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Client Id,Client Secret,Role,Token", lines[0]);
        Assert.Contains(",\"Database Administrator, Billing Administrator\",", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OneRole_TextSaysRole()
    {
        using var store = new TempStore();

        CliResult text = await store.RunAsync("tokens", "create", "--role", "read-only-user");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Role:          Read Only User (read-only-user)", text.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TwoRolesToOutFile_FileShowsBoth()
    {
        using var store = new TempStore();
        string path = Path.Combine(store.Root, "token.txt");

        CliResult result = await store.RunAsync(["tokens", "create", .. TempStore.RoleArguments(s_twoRoles), "--out-file", path]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Roles:         Database Administrator (database-administrator), Billing Administrator (billing-administrator)",
            await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_TokenOfTwoRoles_TableTabsAndJsonShowBoth()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateWithRolesAsync(s_twoRoles);

        CliResult table = await store.RunAsync("tokens", "list", "--output", "table");
        CliResult piped = await store.RunAsync("tokens", "list");
        CliResult json = await store.RunAsync("tokens", "list", "--output", "json");

        Assert.Equal(0, table.ExitCode);
        string[] rows = table.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^CLIENT ID\s+ROLES\s+GENERATED ON", rows[0]);
        Assert.Matches($@"^{token.ClientId}\s+Database Administrator, Billing Administrator\s+20", rows[1]);
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal([token.ClientId, "Database Administrator, Billing Administrator"], piped.StandardOutput.TrimEnd().Split('\t')[..2]);
        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        JsonElement client = Assert.Single(document.RootElement.GetProperty("clients").EnumerateArray());
        Assert.Equal([DatabaseAdministrator, BillingAdministrator], client.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task List_RoleNoLongerInTheCatalog_ShowsItsIdBesideTheOtherNames()
    {
        using var store = new TempStore();
        string config = Path.Combine(store.Root, "appsettings.json");
        await File.WriteAllTextAsync(config, ReportingConfig, TestContext.Current.CancellationToken);
        CreatedToken token = await store.CreateWithRolesAsync(["reporting", "read-only-user"], "--config", config);

        // Without the configuration, the custom role no longer exists.
        CliResult piped = await store.RunAsync("tokens", "list");

        Assert.Equal(0, piped.ExitCode);
        Assert.Equal([token.ClientId, "reporting, Read Only User"], piped.StandardOutput.TrimEnd().Split('\t')[..2]);
    }

    [Fact]
    public async Task Verify_TokenOfTwoRoles_TextAndJsonShowBothRolesAndTheUnionOfTheirPermissions()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateWithRolesAsync(s_twoRoles);
        string[] union = [.. (await PermissionsOfAsync(DatabaseAdministrator)).Union(await PermissionsOfAsync(BillingAdministrator)).Order(StringComparer.Ordinal)];

        CliResult text = await store.RunWithInputAsync(token.Token, "tokens", "verify");
        CliResult json = await store.RunWithInputAsync(token.Token, "tokens", "verify", "--output", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains(
            "Roles:        Database Administrator (database-administrator), Billing Administrator (billing-administrator)",
            text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Permissions ({union.Length}):", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  org-billing-write", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  org-token-write", text.StandardOutput, StringComparison.Ordinal);

        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        JsonElement root = document.RootElement;
        Assert.Equal(["valid", "status", "clientId", "orgId", "roles", "permissions", "expiresAt"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            [(DatabaseAdministrator, "Database Administrator"), (BillingAdministrator, "Billing Administrator")],
            root.GetProperty("roles").EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("name").GetString())));
        Assert.Equal(union, root.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Verify_Json_TokenOfOneRole_HasRolesAndTheFormerRoleField()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync("read-only-user");

        CliResult json = await store.RunWithInputAsync(token.Token, "tokens", "verify", "--output", "json");

        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        JsonElement root = document.RootElement;
        Assert.Equal(["valid", "status", "clientId", "orgId", "role", "roles", "permissions", "expiresAt"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("read-only-user", root.GetProperty("role").GetProperty("id").GetString());
        Assert.Equal("Read Only User", root.GetProperty("role").GetProperty("name").GetString());
        JsonElement role = Assert.Single(root.GetProperty("roles").EnumerateArray());
        Assert.Equal("read-only-user", role.GetProperty("id").GetString());
        Assert.Equal("Read Only User", role.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Rotate_WithoutRole_ReplacementKeepsBothRoles()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateWithRolesAsync(s_twoRoles);

        CliResult rotated = await store.RunAsync("tokens", "rotate", old.ClientId);
        CliResult listed = await store.RunAsync("tokens", "list");

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains(
            "Roles:         Database Administrator (database-administrator), Billing Administrator (billing-administrator)",
            rotated.StandardOutput, StringComparison.Ordinal);
        string row = Assert.Single(listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Database Administrator, Billing Administrator", row.Split('\t')[1]);
        Assert.DoesNotContain(old.ClientId, row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_TwoRoles_ReplacementHoldsExactlyTheGivenOnesInOrder()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateAsync("read-only-user");

        CliResult rotated = await store.RunAsync("tokens", "rotate", old.ClientId, "-r", "Billing Administrator", "-r", "read-write-user", "--output", "json");
        CreatedToken replacement = CreatedToken.Parse(rotated.StandardOutput);
        CliResult verified = await store.RunWithInputAsync(replacement.Token, "tokens", "verify", "--output", "json");

        Assert.Equal(0, rotated.ExitCode);
        Assert.Equal([BillingAdministrator, "read-write-user"], replacement.Roles);
        Assert.Equal(0, verified.ExitCode);
        using JsonDocument document = JsonDocument.Parse(verified.StandardOutput);
        Assert.Equal([BillingAdministrator, "read-write-user"], document.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Rotate_OneRoleForATokenOfTwo_ReplacementHoldsOnlyThatOne()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateWithRolesAsync(s_twoRoles);

        CliResult rotated = await store.RunAsync("tokens", "rotate", old.ClientId, "--role", "read-only-user", "--output", "json");

        Assert.Equal(0, rotated.ExitCode);
        Assert.Equal(["read-only-user"], CreatedToken.Parse(rotated.StandardOutput).Roles);
    }

    [Theory]
    [InlineData("read-only-user", "Read Only User", 2, "tokensdk: error: The role 'Read Only User' is given twice.")]
    [InlineData("read-only-user", "superuser", 1, "tokensdk: error: No role has the id or name 'superuser'.")]
    public async Task Create_RoleRepeatedOrUnknown_OneLineTheExitCodeAndNoToken(string first, string second, int exitCode, string error)
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "create", "--role", first, "--role", second);
        CliResult list = await store.RunAsync("tokens", "list", "--output", "json");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Equal(error, result.StandardError.TrimEnd());
        Assert.Contains("\"clients\": []", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SeventeenDistinctRoles_ExitsTwoAndCreatesNoToken()
    {
        using var store = new TempStore();
        string config = Path.Combine(store.Root, "appsettings.json");
        await File.WriteAllTextAsync(config, ReportingConfig, TestContext.Current.CancellationToken);
        string[] seventeen = [.. DefaultRoles.All.Select(r => r.Id), "reporting"];

        CliResult result = await store.RunAsync(["tokens", "create", .. TempStore.RoleArguments(seventeen), "--config", config]);
        CliResult list = await store.RunAsync("tokens", "list", "--output", "json", "--config", config);

        Assert.Equal(17, seventeen.Distinct().Count());
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("tokensdk: error: A token holds 1 to 16 roles; 17 were given.", result.StandardError.TrimEnd());
        Assert.Contains("\"clients\": []", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SixteenRoles_Succeeds()
    {
        using var store = new TempStore();
        string[] sixteen = [.. DefaultRoles.All.Select(r => r.Id)];

        CreatedToken token = await store.CreateWithRolesAsync(sixteen);

        Assert.Equal(16, sixteen.Length);
        Assert.Equal(sixteen, token.Roles);
    }

    [Fact]
    public async Task Create_TwoValuesAfterOneRole_IsAUsageErrorNotTwoRoles()
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "create", "--role", "read-only-user", "billing-administrator");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("tokensdk: error: Unrecognized command or argument 'billing-administrator'", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(store.Directory));
    }

    [Theory]
    [InlineData("read-only-user", "Read Only User", 2, "tokensdk: error: The role 'Read Only User' is given twice.")]
    [InlineData("read-only-user", "superuser", 1, "tokensdk: error: No role has the id or name 'superuser'.")]
    public async Task Rotate_RoleRepeatedOrUnknown_OneLineTheExitCodeAndTheOldTokenStays(string first, string second, int exitCode, string error)
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateWithRolesAsync(s_twoRoles);

        CliResult result = await store.RunAsync("tokens", "rotate", old.ClientId, "--role", first, "--role", second);
        CliResult verified = await store.RunWithInputAsync(old.Token, "tokens", "verify");
        CliResult list = await store.RunAsync("tokens", "list");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Equal(error, result.StandardError.TrimEnd());
        Assert.Equal(0, verified.ExitCode);
        Assert.StartsWith(old.ClientId + "\t", Assert.Single(list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_SeventeenRoles_ExitsTwo()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateAsync();
        string[] seventeen = [.. DefaultRoles.All.Select(r => r.Id), "read-only-user"];

        CliResult result = await store.RunAsync(["tokens", "rotate", old.ClientId, .. TempStore.RoleArguments(seventeen)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("tokensdk: error: A token holds 1 to 16 roles; 17 were given.", result.StandardError.TrimEnd());
    }

    [Fact]
    public async Task Delete_TokenOfTwoRoles_MessageNamesBoth()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateWithRolesAsync(s_twoRoles);

        CliResult deleted = await store.RunAsync("tokens", "delete", token.ClientId, "--reason", "role-change", "--yes");

        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal(
            $"Deleted token {token.ClientId} (Database Administrator, Billing Administrator); reason: role-change.",
            deleted.StandardOutput.TrimEnd());
    }

    [Theory]
    [InlineData("create")]
    [InlineData("rotate")]
    public async Task Help_RoleOption_SaysItIsRepeatable(string command)
    {
        CliResult result = await InProcessCli.RunAsync(["tokens", command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        string help = string.Join(' ', result.StandardOutput.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("-r, --role <ROLE>", help, StringComparison.Ordinal);
        Assert.Contains("Repeat it for", help, StringComparison.Ordinal);
        Assert.Contains("-r database-administrator -r \"Billing Administrator\"", help, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task FileStore_TokensOfTwoRoles_ASecondProcessListsAndVerifiesTheSameRoles()
    {
        using var store = new TempStore(CliMode.Process);
        CreatedToken first = await store.CreateWithRolesAsync(s_twoRoles, "--description", "first");
        CreatedToken second = await store.CreateWithRolesAsync(["read-write-user", "Organization Administrator"]);

        CliResult listed = await store.RunAsync("tokens", "list", "--output", "json");
        CliResult piped = await store.RunAsync("tokens", "list");
        CliResult verified = await store.RunWithInputAsync(second.Token, "tokens", "verify", "--output", "json");

        Assert.Equal(0, listed.ExitCode);
        using (JsonDocument document = JsonDocument.Parse(listed.StandardOutput))
        {
            Dictionary<string, string[]> roles = document.RootElement.GetProperty("clients").EnumerateArray().ToDictionary(
                c => c.GetProperty("clientId").GetString()!, c => c.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
            Assert.Equal(2, roles.Count);
            Assert.Equal([DatabaseAdministrator, BillingAdministrator], roles[first.ClientId]);
            Assert.Equal(["read-write-user", "organization-administrator"], roles[second.ClientId]);
        }

        Dictionary<string, string> names = piped.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t')).ToDictionary(cells => cells[0], cells => cells[1]);
        Assert.Equal("Database Administrator, Billing Administrator", names[first.ClientId]);
        Assert.Equal("Read/Write User, Organization Administrator", names[second.ClientId]);
        Assert.Equal(0, verified.ExitCode);
        using JsonDocument verification = JsonDocument.Parse(verified.StandardOutput);
        Assert.Equal(["read-write-user", "organization-administrator"],
            verification.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    private static async Task<string[]> PermissionsOfAsync(string role)
    {
        CliResult shown = await InProcessCli.RunAsync(["roles", "show", role, "--output", "json"]);
        Assert.Equal(0, shown.ExitCode);
        using JsonDocument document = JsonDocument.Parse(shown.StandardOutput);
        return [.. document.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!)];
    }
}
