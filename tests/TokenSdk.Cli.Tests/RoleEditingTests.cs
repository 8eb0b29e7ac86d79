using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// <c>roles create</c> and <c>roles update</c>, and how <c>roles list</c>, <c>roles show</c> and the tokens commands see
/// custom roles. In process, on a store that keeps roles (<see cref="TempStore.ForRoles"/>).
/// </summary>
public sealed class RoleEditingTests
{
    [Fact]
    public async Task Create_FromFlags_PrintsTheRoleAsCustomVersionOne()
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync(
            "roles", "create", "--name", "Reporting", "--description", "Reads the reports.",
            "--permission", "db-cql,db-table-select", "-p", "db-keyspace-describe", "--resource", "drn:astra:org:*:db:reports", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        ShownRole role = ShownRole.Parse(result.StandardOutput);
        Assert.True(Guid.TryParse(role.Id, out _), role.Id);
        Assert.Equal("Reporting", role.Name);
        Assert.Equal("Reads the reports.", role.Description);
        Assert.Equal(["db-cql", "db-keyspace-describe", "db-table-select"], role.Permissions);
        Assert.Equal(["drn:astra:org:*:db:reports"], role.Resources);
        Assert.Equal("custom", role.Kind);
        Assert.True(role.Editable);
        Assert.Equal("default", role.OrganizationId);
        Assert.Equal(1, role.Version);
        Assert.NotNull(role.UpdatedAt);
        Assert.StartsWith("tokensdk-cli:", role.UpdatedBy, StringComparison.Ordinal);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task Create_Text_SaysCreatedAndShowsTheRole()
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync("roles", "create", "-n", "Reporting", "-p", "db-table-select");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches("^Created role 'Reporting' \\([0-9a-f-]{36}\\), version 1\\.$", lines[0]);
        Assert.StartsWith("Kind: custom (editable), organization default, version 1, updated ", lines[2], StringComparison.Ordinal);
        Assert.Equal("db-table-select", lines[^1]);
    }

    [Fact]
    public async Task ListAndShow_WithTheStore_ShowCustomRolesWithVersionAndUpdater_DefaultOnesReadOnly()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-table-select");

        CliResult listed = await store.RunAsync("roles", "list", "--output", "json");
        CliResult piped = await store.RunAsync("roles", "list");
        CliResult shown = await store.RunAsync("roles", "show", "reporting");
        CliResult shownDefault = await store.RunAsync("roles", "show", "read-only-user");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        ShownRole[] roles = ShownRole.ParseList(listed.StandardOutput);
        Assert.Equal(17, roles.Length);
        ShownRole custom = Assert.Single(roles, r => r.Editable);
        Assert.Equal((created.Id, "custom", 1L), (custom.Id, custom.Kind, custom.Version!.Value));
        ShownRole admin = Assert.Single(roles, r => r.Id == "organization-administrator");
        Assert.Equal(("default", false, null, null, null), (admin.Kind, admin.Editable, admin.Version, admin.UpdatedAt, admin.UpdatedBy));

        string line = Assert.Single(piped.StandardOutput.Split('\n'), l => l.StartsWith(created.Id, StringComparison.Ordinal));
        string[] cells = line.TrimEnd('\r').Split('\t');
        Assert.Equal(["Reporting", "1", "custom", "1"], cells[1..5]);
        Assert.Equal(created.UpdatedAt, cells[5]);
        Assert.StartsWith("tokensdk-cli:", cells[6], StringComparison.Ordinal);
        Assert.StartsWith("organization-administrator\tOrganization Administrator\t48\tdefault\t-\t-\t-\t", piped.StandardOutput, StringComparison.Ordinal);

        Assert.Contains($"Reporting ({created.Id})", shown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Kind: custom (editable), organization default, version 1", shown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Kind: default (read-only)", shownDefault.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomRole_BelongsToItsOrganization_OthersNeitherSeeNorUseIt()
    {
        using TempStore store = TempStore.ForRoles();
        await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-table-select", "--org", "acme");

        CliResult inAcme = await store.RunAsync("roles", "show", "Reporting", "--org", "acme");
        CliResult inDefault = await store.RunAsync("roles", "show", "Reporting");
        CliResult listedInDefault = await store.RunAsync("roles", "list", "--output", "json");
        CliResult tokenInDefault = await store.RunAsync("tokens", "create", "--role", "Reporting");
        CliResult tokenInAcme = await store.RunAsync("tokens", "create", "--role", "Reporting", "--org", "acme", "--output", "json");

        Assert.Equal(0, inAcme.ExitCode);
        Assert.Equal(1, inDefault.ExitCode);
        Assert.DoesNotContain(ShownRole.ParseList(listedInDefault.StandardOutput), r => r.Editable);
        Assert.Equal(1, tokenInDefault.ExitCode);
        Assert.True(tokenInAcme.ExitCode == 0, tokenInAcme.ToString());
        Assert.Equal("acme", CreatedToken.Parse(tokenInAcme.StandardOutput).OrgId);
    }

    [Fact]
    public async Task ListAndShow_WithoutStore_KnowOnlyDefaultAndConfiguredRoles()
    {
        CliResult listed = await InProcessCli.RunAsync(["roles", "list", "--output", "json"]);

        Assert.Equal(0, listed.ExitCode);
        Assert.All(ShownRole.ParseList(listed.StandardOutput), r => Assert.Equal(("default", false), (r.Kind, r.Editable)));
    }

    [Fact]
    public async Task Create_FromAstraPolicyFile_TakesNameDescriptionActionsAndResources()
    {
        using TempStore store = TempStore.ForRoles();
        string file = await WriteAsync(store, "policy.json", """
            {
              "name": "Orders Reader",
              "policy": {
                "description": "Reads the orders database.",
                "actions": [ "db-cql", "db-table-select" ],
                "resources": [ "drn:astra:org:default:db:orders", "drn:astra:org:default:db:orders:keyspace:*:table:*" ],
                "effect": "allow"
              }
            }
            """);

        CliResult result = await store.RunAsync("roles", "create", "--policy", file, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        ShownRole role = ShownRole.Parse(result.StandardOutput);
        Assert.Equal("Orders Reader", role.Name);
        Assert.Equal("Reads the orders database.", role.Description);
        Assert.Equal(["db-cql", "db-table-select"], role.Permissions);
        Assert.Equal(["drn:astra:org:default:db:orders", "drn:astra:org:default:db:orders:keyspace:*:table:*"], role.Resources);
    }

    [Fact]
    public async Task Create_PolicyFileAndFlags_AFlagReplacesTheFilesField()
    {
        using TempStore store = TempStore.ForRoles();
        string file = await WriteAsync(store, "policy.json", """
            { "name": "From File", "policy": { "description": "file", "actions": [ "db-cql", "db-table-select" ] } }
            """);

        CliResult result = await store.RunAsync("roles", "create", "--policy", file, "--name", "From Flag", "-p", "db-rest", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        ShownRole role = ShownRole.Parse(result.StandardOutput);
        Assert.Equal(("From Flag", "file"), (role.Name, role.Description));
        Assert.Equal(["db-rest"], role.Permissions);
    }

    [Fact]
    public async Task Create_ActingAsOrganizationAdministrator_MayGrantEveryPermission_TheHostsDeclaredOnesIncluded()
    {
        // The tool's caller is an Organization Administrator, which holds every permission: no escalation to refuse.
        using TempStore store = TempStore.ForRoles();
        string config = await WriteAsync(store, "appsettings.json", """{ "TokenSdk": { "CustomPermissions": [ "reports-export" ] } }""");
        CliResult admin = await InProcessCli.RunAsync(["roles", "show", "organization-administrator", "--output", "json", "--config", config]);
        string[] every = ShownRole.Parse(admin.StandardOutput).Permissions;

        CliResult result = await store.RunAsync("roles", "create", "--name", "Everything", "-p", string.Join(',', every), "--output", "json", "--config", config);

        Assert.Contains("reports-export", every);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(every, ShownRole.Parse(result.StandardOutput).Permissions);
    }

    [Theory]
    [InlineData("Reporting", 1, "A role named 'Reporting' already exists")]
    [InlineData("read only user", 1, "A role named 'read only user' already exists")]
    public async Task Create_NameTaken_ExitsOne(string name, int exitCode, string message)
    {
        using TempStore store = TempStore.ForRoles();
        await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult result = await store.RunAsync("roles", "create", "--name", name, "-p", "db-cql");

        AssertOneLineError(result, exitCode, message);
    }

    [Theory]
    [InlineData(new[] { "-n", "R", "-p", "db-tabel-select" }, "Unknown permission 'db-tabel-select' (--permission)")]
    [InlineData(new[] { "-n", "R", "-p", "db-cql", "--resource", "drn:astra:orgs:x" }, "The resource 'drn:astra:orgs:x' (--resource) is not a DRN")]
    [InlineData(new[] { "-n", "R", "-p", "db-cql", "--resource", "drn:astra:org:other-org:db:x" }, "The resource 'drn:astra:org:other-org:db:x' is in another organization")]
    [InlineData(new[] { "-p", "db-cql" }, "The role needs a name: pass --name NAME")]
    [InlineData(new[] { "-n", "R" }, "The role needs at least one permission: pass --permission PERMISSION")]
    [InlineData(new[] { "-n", " padded ", "-p", "db-cql" }, "The role's name is invalid")]
    public async Task Create_BadDefinition_ExitsTwoNamingTheField_AndCreatesNothing(string[] arguments, string message)
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync(["roles", "create", .. arguments]);

        AssertOneLineError(result, 2, message);
        CliResult listed = await store.RunAsync("roles", "list", "--output", "json");
        Assert.True(listed.ExitCode != 0 || !ShownRole.ParseList(listed.StandardOutput).Any(r => r.Editable), listed.ToString());
    }

    [Fact]
    public async Task Create_DescriptionTooLong_ExitsTwo()
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync("roles", "create", "-n", "R", "-p", "db-cql", "-d", new string('x', 1001));

        AssertOneLineError(result, 2, "description is 1001 characters long");
    }

    [Fact]
    public async Task Update_RenameAndAddPermission_ByName_BumpsTheVersion()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult result = await store.RunAsync("roles", "update", "reporting", "--name", "Reports", "--add-permission", "db-table-select,db-cql");
        CliResult shown = await store.RunAsync("roles", "show", created.Id, "--output", "json");
        CliResult oldName = await store.RunAsync("roles", "show", "Reporting");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(
            $"Updated role 'Reports' ({created.Id}) to version 2: name 'Reporting' -> 'Reports'; permissions +db-table-select.",
            result.StandardOutput, StringComparison.Ordinal);
        ShownRole role = ShownRole.Parse(shown.StandardOutput);
        Assert.Equal(("Reports", 2L), (role.Name, role.Version!.Value));
        Assert.Equal(["db-cql", "db-table-select"], role.Permissions);
        Assert.Equal(1, oldName.ExitCode);
    }

    [Fact]
    public async Task Update_KeepsWhatIsNotGiven_ReplacesAndRemovesWhatIs()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(
            store, "--name", "Reporting", "-d", "Keeps me.", "-p", "db-cql,db-table-select,db-rest", "--resource", "drn:astra:org:*:db:a,drn:astra:org:*:db:b");

        CliResult removed = await store.RunAsync("roles", "update", created.Id, "--remove-permission", "db-rest", "--remove-resource", "drn:astra:org:*:db:a", "-o", "json");
        CliResult replaced = await store.RunAsync("roles", "update", created.Id, "--permission", "db-graphql", "-o", "json");

        Assert.True(removed.ExitCode == 0, removed.ToString());
        ShownRole afterRemove = ShownRole.Parse(removed.StandardOutput);
        Assert.Equal(("Reporting", "Keeps me.", 2L), (afterRemove.Name, afterRemove.Description, afterRemove.Version!.Value));
        Assert.Equal(["db-cql", "db-table-select"], afterRemove.Permissions);
        Assert.Equal(["drn:astra:org:*:db:b"], afterRemove.Resources);
        ShownRole afterReplace = ShownRole.Parse(replaced.StandardOutput);
        Assert.Equal(["db-graphql"], afterReplace.Permissions);
        Assert.Equal(["drn:astra:org:*:db:b"], afterReplace.Resources);
        Assert.Equal("Keeps me.", afterReplace.Description);
    }

    [Fact]
    public async Task Update_FromPolicyFile_ReplacesOnlyTheFieldsItHolds()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-d", "Old.", "-p", "db-cql", "--resource", "drn:astra:org:*:db:a");
        string file = await WriteAsync(store, "change.json", """{ "policy": { "actions": [ "db-rest" ], "resources": [] } }""");

        CliResult result = await store.RunAsync("roles", "update", "Reporting", "--policy", file, "--add-permission", "db-graphql", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        ShownRole role = ShownRole.Parse(result.StandardOutput);
        Assert.Equal((created.Id, "Reporting", "Old."), (role.Id, role.Name, role.Description));
        Assert.Equal(["db-graphql", "db-rest"], role.Permissions);
        Assert.Empty(role.Resources);
    }

    [Fact]
    public async Task Update_IfVersion_AppliesOnlyToThatVersion_MismatchExitsSixAndChangesNothing()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");
        CliResult second = await store.RunAsync("roles", "update", created.Id, "--add-permission", "db-rest", "--if-version", "1");

        CliResult stale = await store.RunAsync("roles", "update", created.Id, "--name", "Stale", "--if-version", "1");
        CliResult shown = await store.RunAsync("roles", "show", created.Id, "-o", "json");
        CliResult staleDelete = await store.RunAsync("roles", "delete", created.Id, "--if-version", "1", "--yes");

        Assert.True(second.ExitCode == 0, second.ToString());
        AssertOneLineError(stale, 6, "The role 'Reporting' is at version 2, not 1: it changed meanwhile. Nothing changed;");
        ShownRole role = ShownRole.Parse(shown.StandardOutput);
        Assert.Equal(("Reporting", 2L), (role.Name, role.Version!.Value));
        AssertOneLineError(staleDelete, 6, "is at version 2, not 1");
        Assert.Equal(0, (await store.RunAsync("roles", "show", created.Id)).ExitCode);
    }

    [Fact]
    public async Task Update_NothingToChange_IsNoWrite_NothingGiven_IsUsageError()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult same = await store.RunAsync("roles", "update", "Reporting", "--add-permission", "db-cql", "--name", "Reporting");
        CliResult nothing = await store.RunAsync("roles", "update", "Reporting");
        CliResult shown = await store.RunAsync("roles", "show", created.Id, "-o", "json");

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.StartsWith($"Role 'Reporting' ({created.Id}) already is as asked: nothing changed, still version 1.", same.StandardOutput, StringComparison.Ordinal);
        AssertOneLineError(nothing, 2, "Nothing to change: give --name,");
        Assert.Equal(1, ShownRole.Parse(shown.StandardOutput).Version);
    }

    [Theory]
    [InlineData(new[] { "--remove-permission", "db-rest" }, 2, "--remove-permission: the role 'Reporting' does not grant 'db-rest'")]
    [InlineData(new[] { "--remove-resource", "drn:astra:org:*:db:x" }, 2, "--remove-resource: the role 'Reporting' is not limited to 'drn:astra:org:*:db:x'")]
    [InlineData(new[] { "--add-permission", "nope" }, 2, "Unknown permission 'nope' (--add-permission)")]
    [InlineData(new[] { "--add-resource", "db:orders" }, 2, "The resource 'db:orders' (--add-resource) is not a DRN")]
    [InlineData(new[] { "--permission", "db-cql", "--add-permission", "db-rest" }, 2, "--permission replaces the role's permissions; it cannot be combined")]
    [InlineData(new[] { "--remove-permission", "db-cql" }, 2, "A role grants 1 to 128 permissions (actions); 0 were given.")]
    [InlineData(new[] { "--name", "Read Only User" }, 1, "A role named 'Read Only User' already exists")]
    public async Task Update_BadChange_ExitsWithTheFieldNamed_AndChangesNothing(string[] arguments, int exitCode, string message)
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult result = await store.RunAsync(["roles", "update", "Reporting", .. arguments]);
        CliResult shown = await store.RunAsync("roles", "show", created.Id, "-o", "json");

        AssertOneLineError(result, exitCode, message);
        Assert.Equal(1, ShownRole.Parse(shown.StandardOutput).Version);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    public async Task Update_MalformedIfVersion_IsUsageError(string version)
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync("roles", "update", "x", "--name", "y", "--if-version", version);

        AssertOneLineError(result, 2, $"'{version}' is not a version for --if-version");
    }

    [Theory]
    [InlineData("update", "read-only-user", "--add-permission", "db-cql")]
    [InlineData("update", "Organization Administrator", "--name", "Boss")]
    [InlineData("delete", "read-only-user", "--yes")]
    [InlineData("delete", "Read Only User")]
    public async Task ReadOnlyRole_UpdateOrDelete_IsRefusedWithExitFour(string command, string role, params string[] more)
    {
        using TempStore store = TempStore.ForRoles();
        await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult result = await store.RunAsync(["roles", command, role, .. more]);

        AssertOneLineError(result, 4, "is a default role and cannot be changed or deleted; create a custom role instead.");
    }

    [Fact]
    public async Task ReadOnlyRole_ConfiguredByTheHost_IsRefusedWithExitFour()
    {
        using TempStore store = TempStore.ForRoles();
        string config = await WriteAsync(store, "appsettings.json", """
            { "TokenSdk": { "CustomRoles": [ { "Id": "reporting", "Name": "Reporting", "Permissions": [ "db-cql" ] } ] } }
            """);
        await CreateRoleAsync(store, "--name", "Other", "-p", "db-cql", "--config", config);

        CliResult result = await store.RunAsync("roles", "update", "reporting", "--add-permission", "db-rest", "--config", config);
        CliResult shown = await store.RunAsync("roles", "show", "reporting", "--config", config);

        AssertOneLineError(result, 4, "The role 'Reporting' is configured by the host and cannot be changed or deleted");
        Assert.Contains("Kind: configured by the host (read-only)", shown.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRole_UpdateOrDelete_ExitsOne()
    {
        using TempStore store = TempStore.ForRoles();
        await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult updated = await store.RunAsync("roles", "update", "nope", "--name", "x");
        CliResult deleted = await store.RunAsync("roles", "delete", "nope", "--yes");

        AssertOneLineError(updated, 1, "No role has the id or name 'nope'; 'tokensdk roles list' shows them.");
        AssertOneLineError(deleted, 1, "No role has the id or name 'nope'");
    }

    [Fact]
    public async Task EditCommands_WithoutStore_AreUsageErrors()
    {
        CliResult created = await InProcessCli.RunAsync(["roles", "create", "-n", "R", "-p", "db-cql"]);
        CliResult deleted = await InProcessCli.RunAsync(["roles", "delete", "R", "--yes"]);

        AssertOneLineError(created, 2, "No token store given");
        AssertOneLineError(deleted, 2, "No token store given");
    }

    [Fact]
    public async Task TokenOfCustomRole_VerifySeesAPermissionAddedByUpdate_AndTheNewName()
    {
        using TempStore store = TempStore.ForRoles();
        await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");
        CreatedToken token = await store.CreateAsync("Reporting");
        CliResult before = await store.RunWithInputAsync(token.Token, "tokens", "verify");

        CliResult updated = await store.RunAsync("roles", "update", "Reporting", "--add-permission", "db-table-select", "--name", "Reports");
        CliResult after = await store.RunWithInputAsync(token.Token, "tokens", "verify");
        CliResult listed = await store.RunAsync("tokens", "list");

        Assert.Equal(0, before.ExitCode);
        Assert.DoesNotContain("db-table-select", before.StandardOutput, StringComparison.Ordinal);
        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("  db-table-select", after.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Role:         Reports (", after.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{token.ClientId}\tReports\t", listed.StandardOutput, StringComparison.Ordinal);
    }

    internal static async Task<ShownRole> CreateRoleAsync(TempStore store, params string[] arguments)
    {
        CliResult result = await store.RunAsync(["roles", "create", .. arguments, "--output", "json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return ShownRole.Parse(result.StandardOutput);
    }

    internal static async Task<string> WriteAsync(TempStore store, string name, string content)
    {
        string path = Path.Combine(store.Root, name);
        await File.WriteAllTextAsync(path, content, TestContext.Current.CancellationToken);
        return path;
    }

    internal static void AssertOneLineError(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Empty(result.StandardOutput);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tokensdk: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }
}
