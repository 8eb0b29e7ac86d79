using System.Text.Json;
using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

/// <summary>The operator's path: create, list, verify from stdin, delete (refused without --yes), verify fails.</summary>
public sealed class TokenLifecycleTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task CreateListVerifyDelete_AsProcesses_TokenStopsVerifying()
    {
        using var store = new TempStore(CliMode.Process);

        CreatedToken token = await store.CreateAsync("read-only-user", "--description", "lifecycle");
        CliResult list = await store.RunAsync("tokens", "list", "--output", "json");
        CliResult verified = await store.RunWithInputAsync(token.Token + "\n", "tokens", "verify");
        CliResult refused = await store.RunAsync("tokens", "delete", token.ClientId, "--reason", "compromised");
        CliResult stillValid = await store.RunWithInputAsync(token.Token, "tokens", "verify");
        CliResult deleted = await store.RunAsync("tokens", "delete", token.ClientId, "--reason", "compromised", "--yes");
        CliResult rejected = await store.RunWithInputAsync(token.Token, "tokens", "verify");

        Assert.Equal(0, list.ExitCode);
        using (JsonDocument json = JsonDocument.Parse(list.StandardOutput))
        {
            JsonElement client = Assert.Single(json.RootElement.GetProperty("clients").EnumerateArray());
            Assert.Equal(token.ClientId, client.GetProperty("clientId").GetString());
            Assert.Equal("read-only-user", Assert.Single(client.GetProperty("roles").EnumerateArray()).GetString());
            Assert.Equal(token.GeneratedOn, client.GetProperty("generatedOn").GetString());
            Assert.Equal("lifecycle", client.GetProperty("description").GetString());
            Assert.Equal(JsonValueKind.Null, client.GetProperty("tokenExpiry").ValueKind);
            Assert.Equal(JsonValueKind.Null, client.GetProperty("lastUsed").ValueKind);
            Assert.Equal(["clientId", "roles", "generatedOn", "description", "tokenExpiry", "lastUsed"], client.EnumerateObject().Select(p => p.Name));
        }

        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("Client Id:    " + token.ClientId, verified.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Read Only User (read-only-user)", verified.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  db-table-select", verified.StandardOutput, StringComparison.Ordinal);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Pass --yes", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, stillValid.ExitCode);

        Assert.Equal(0, deleted.ExitCode);
        Assert.Contains("Deleted token " + token.ClientId, deleted.StandardOutput, StringComparison.Ordinal);

        Assert.Equal(1, rejected.ExitCode);
        Assert.Empty(rejected.StandardOutput);
        Assert.Equal("tokensdk: error: the token is not valid (unknownClient).", rejected.StandardError.TrimEnd());
    }

    [Fact]
    public async Task List_AnyOutput_NeverContainsASecretOrToken()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult table = await store.RunAsync("tokens", "list", "--output", "table");
        CliResult json = await store.RunAsync("tokens", "list", "--output", "json");
        CliResult piped = await store.RunAsync("tokens", "list");

        foreach (CliResult result in new[] { table, json, piped })
        {
            Assert.Equal(0, result.ExitCode);
            Assert.Contains(token.ClientId, result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Secret, result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Token, result.StandardOutput, StringComparison.Ordinal);
        }

        Assert.StartsWith("CLIENT ID", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Json_ReportsClientRoleAndPermissions()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync("billing-administrator");

        CliResult result = await store.RunWithInputAsync($"  {token.Token}\r\n", "tokens", "verify", "--output", "json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(token.ClientId, json.RootElement.GetProperty("clientId").GetString());
        Assert.Equal("billing-administrator", json.RootElement.GetProperty("role").GetProperty("id").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("permissions").GetArrayLength());
    }

    [Fact]
    public async Task Verify_TamperedToken_ExitsOneWithoutEchoingIt()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();
        string tampered = token.Token[..^1] + (token.Token[^1] == '0' ? '1' : '0');

        CliResult result = await store.RunWithInputAsync(tampered, "tokens", "verify");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain(tampered, result.StandardError, StringComparison.Ordinal);
        Assert.StartsWith("tokensdk: error: the token is not valid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EmptyStdin_ExitsTwo()
    {
        using var store = new TempStore();
        await store.CreateAsync();

        CliResult result = await store.RunWithInputAsync("\n", "tokens", "verify");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No token on stdin", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_UnknownClientId_ExitsOne()
    {
        using var store = new TempStore();
        await store.CreateAsync();

        CliResult result = await store.RunAsync("tokens", "delete", "AAAAAAAAAAAAAAAAAAAAAAAA", "--reason", "other", "--yes");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("tokensdk: error: No token with client id", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_LastAdministratorToken_SucceedsBecauseTheToolIsNotAToken()
    {
        // The lock-out guard protects against a token deleting the last token that can manage tokens; the tool is
        // itself a way to manage them (it can always create another), so a compromised last one can go at once.
        using var store = new TempStore();
        CreatedToken admin = await store.CreateAsync("organization-administrator");

        CliResult deleted = await store.RunAsync("tokens", "delete", admin.ClientId, "--reason", "compromised", "--yes");
        CliResult verified = await store.RunWithInputAsync(admin.Token, "tokens", "verify");

        Assert.Equal(0, deleted.ExitCode);
        Assert.NotEqual(0, verified.ExitCode);
    }

    [Fact]
    public async Task Rotate_WithGrace_BothTokensVerifyAndOldOneExpires()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateAsync();

        CliResult rotated = await store.RunAsync("tokens", "rotate", old.ClientId, "--grace", "2h", "--output", "json");
        CreatedToken replacement = CreatedToken.Parse(rotated.StandardOutput);
        CliResult oldVerified = await store.RunWithInputAsync(old.Token, "tokens", "verify", "--output", "json");
        CliResult newVerified = await store.RunWithInputAsync(replacement.Token, "tokens", "verify");

        Assert.Equal(0, rotated.ExitCode);
        Assert.NotEqual(old.ClientId, replacement.ClientId);
        Assert.Equal(old.Roles, replacement.Roles);
        Assert.Contains("keeps working until", rotated.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, oldVerified.ExitCode);
        using JsonDocument json = JsonDocument.Parse(oldVerified.StandardOutput);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("expiresAt").ValueKind);
        Assert.Equal(0, newVerified.ExitCode);
    }

    [Fact]
    public async Task Rotate_WithoutGrace_OldTokenStopsAtOnce()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateAsync();

        CliResult rotated = await store.RunAsync("tokens", "rotate", old.ClientId, "--output", "json");
        CliResult oldVerified = await store.RunWithInputAsync(old.Token, "tokens", "verify");

        Assert.Equal(0, rotated.ExitCode);
        Assert.Equal(1, oldVerified.ExitCode);
    }

    [Fact]
    public async Task Rotate_FormatAstra_ReplacementIsAnAstraTokenThatVerifies()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateAsync("read-only-user", "--format", "astra");

        CliResult rotated = await store.RunAsync("tokens", "rotate", old.ClientId, "--format", "astra", "--output", "json");
        CreatedToken replacement = CreatedToken.Parse(rotated.StandardOutput);
        CliResult verified = await store.RunWithInputAsync(replacement.Token, "tokens", "verify");

        Assert.Equal(0, rotated.ExitCode);
        Assert.StartsWith("AstraCS:", old.Token, StringComparison.Ordinal);
        Assert.StartsWith("AstraCS:", replacement.Token, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
    }

    [Fact]
    public async Task Rotate_GraceAboveTheLibraryMaximum_ExitsTwo()
    {
        using var store = new TempStore();
        CreatedToken old = await store.CreateAsync();

        CliResult result = await store.RunAsync("tokens", "rotate", old.ClientId, "--grace", "31d");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("grace period", result.StandardError, StringComparison.Ordinal);
    }
}
