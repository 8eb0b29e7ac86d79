using System.Text.Json;
using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

public sealed class CreateTokenCommandTests
{
    [Fact]
    public async Task Create_Json_HasTheAstraCreationResponseFields()
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "create", "--role", "Read Only User", "--output", "json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        string[] names = [.. json.RootElement.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["clientId", "secret", "orgId", "roles", "token", "generatedOn"], names);
        CreatedToken token = CreatedToken.Parse(result.StandardOutput);
        Assert.Equal(["read-only-user"], token.Roles);
        Assert.Equal("default", token.OrgId);
        Assert.Contains(token.ClientId, token.Token, StringComparison.Ordinal);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task Create_Csv_IsTheGeneratedTokenCsvLayout()
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "create", "--role", "read-write-user", "--output", "csv");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.StandardOutput.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("Client Id,Client Secret,Role,Token", lines[0]);
        string[] cells = lines[1].Split(',');
        Assert.Equal(4, cells.Length);
        Assert.Equal("\"Read/Write User\"", cells[2]);
    }

    [Fact]
    public async Task Create_Text_ShowsClientIdSecretAndToken()
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "create", "--role", "read-only-user", "--description", "ci pipeline");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("shown only now", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"Client Id:\s+\S{24}", result.StandardOutput);
        Assert.Matches(@"Client Secret:\s+\S+", result.StandardOutput);
        Assert.Matches(@"Token:\s+tsdk_\S+", result.StandardOutput);
        Assert.Contains("Description:   ci pipeline", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AstraFormat_IssuesAnAstraTokenThatVerifies()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync("read-only-user", "--format", "astra");

        CliResult verified = await store.RunWithInputAsync(token.Token, "tokens", "verify");

        Assert.StartsWith("AstraCS:" + token.ClientId + ":", token.Token, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
    }

    [Fact]
    public async Task Create_UnknownRole_ExitsOneAndCreatesNoToken()
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "create", "--role", "superuser");
        CliResult list = await store.RunAsync("tokens", "list", "--output", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("tokensdk: error: No role has the id or name 'superuser'.", result.StandardError.TrimEnd());
        Assert.Contains("\"clients\": []", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OutFile_WritesOwnerOnlyCsvAndPrintsNoSecret()
    {
        using var store = new TempStore();
        string path = Path.Combine(store.Root, "GeneratedToken.csv");

        CliResult result = await store.RunAsync("tokens", "create", "--role", "organization-administrator", "--out-file", path);

        Assert.Equal(0, result.ExitCode);
        string[] csv = File.ReadAllText(path).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Client Id,Client Secret,Role,Token", csv[0]);
        string clientId = csv[1].Split(',')[0].Trim('"');
        string secret = csv[1].Split(',')[1].Trim('"');
        Assert.Contains(clientId, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(path, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.StandardOutput, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Create_OutFileJsonExtension_WritesJson()
    {
        using var store = new TempStore();
        string path = Path.Combine(store.Root, "token.json");

        CliResult result = await store.RunAsync("tokens", "create", "--role", "read-only-user", "--out-file", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["read-only-user"], CreatedToken.Parse(File.ReadAllText(path)).Roles);
    }

    [Fact]
    public async Task Create_OutFileExists_ExitsOneKeepsTheFileAndCreatesNoToken()
    {
        using var store = new TempStore();
        string path = Path.Combine(store.Root, "GeneratedToken.csv");
        File.WriteAllText(path, "precious");
        await store.CreateAsync();

        CliResult result = await store.RunAsync("tokens", "create", "--role", "read-only-user", "--out-file", path);
        CliResult list = await store.RunAsync("tokens", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already exists", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(path));
        Assert.Single(list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
