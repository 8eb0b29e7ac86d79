using System.Text.Json;
using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

public sealed class RolesCommandsTests
{
    [Fact]
    public async Task List_Json_HasEveryDefaultRoleWithPermissions()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "list", "--output", "json"]);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        JsonElement[] roles = [.. json.RootElement.GetProperty("roles").EnumerateArray()];
        Assert.Equal(16, roles.Length);
        JsonElement admin = Assert.Single(roles, r => r.GetProperty("id").GetString() == "organization-administrator");
        Assert.Equal("Organization Administrator", admin.GetProperty("name").GetString());
        Assert.Contains(admin.GetProperty("permissions").EnumerateArray(), p => p.GetString() == "org-token-write");
    }

    [Fact]
    public async Task List_Piped_PrintsTabSeparatedLinesWithoutHeader()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "list"]);

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(16, lines.Length);
        Assert.StartsWith("organization-administrator\tOrganization Administrator\t", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ByName_PrintsTheRoleAndItsPermissions()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "show", "Read Only User"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Read Only User (read-only-user)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  db-table-select", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("db-table-modify", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_JsonById_HasSortedPermissions()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "show", "billing-administrator", "--output", "json"]);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("billing-administrator", json.RootElement.GetProperty("id").GetString());
        string[] permissions = [.. json.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!)];
        Assert.Equal(["org-billing-read", "org-billing-write", "org-read"], permissions);
    }

    [Fact]
    public async Task Show_UnknownRole_ExitsOneWithOneLineError()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "show", "no-such-role"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Equal("tokensdk: error: No role has the id or name 'no-such-role'; 'tokensdk roles list' shows them.", result.StandardError.TrimEnd());
    }
}
