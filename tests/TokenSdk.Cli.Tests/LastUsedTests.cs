using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Cli.Commands;
using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Cli.Tests;

/// <summary><c>tokens list</c>: the LAST USED column, <c>lastUsed</c> in JSON, and <c>--unused-since</c>.</summary>
public sealed class LastUsedTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task List_NeverUsedToken_LastUsedIsNeverInTableTabsAndNullInJson()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult table = await store.RunAsync("tokens", "list", "--output", "table");
        CliResult piped = await store.RunAsync("tokens", "list");
        CliResult json = await store.RunAsync("tokens", "list", "--output", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        string[] rows = table.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^CLIENT ID\s+ROLES\s+GENERATED ON\s+EXPIRES AT\s+LAST USED\s+DESCRIPTION", rows[0]);
        Assert.Matches($@"^{token.ClientId}\s+Read Only User\s+\S+Z\s+never\s+never", rows[1]);
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal([token.ClientId, "Read Only User", token.GeneratedOn, "never", "never", ""], piped.StandardOutput.TrimEnd('\n').Split('\t'));
        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        JsonElement client = Assert.Single(document.RootElement.GetProperty("clients").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, client.GetProperty("lastUsed").ValueKind);
    }

    [Fact]
    public async Task Row_UsedToken_LastUsedInTheFormatOfTheOtherTimes()
    {
        // A token verified through the library in this process: the manager reports when it was last used.
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = services.BuildServiceProvider();
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        var caller = new TokenCaller("admin", "default", [DefaultRoles.OrganizationAdministrator]);
        Credentials.GeneratedToken generated = (await manager.GenerateAsync(caller, DefaultRoles.ReadOnlyUser.Id, cancellationToken: TestContext.Current.CancellationToken)).GetValueOrThrow();
        Assert.True((await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(generated.Token, TestContext.Current.CancellationToken)).IsValid);
        TokenInfo info = Assert.Single((await manager.ListAllAsync(caller, TestContext.Current.CancellationToken)).GetValueOrThrow());
        DateTimeOffset lastUsed = info.LastUsedAt ?? throw new InvalidOperationException("The verified token has no last-used time.");

        string?[] row = ListTokensCommand.Row(info);

        Assert.Equal(ListTokensCommand.Columns.Length, row.Length);
        Assert.Equal("LAST USED", ListTokensCommand.Columns[4]);
        Assert.Equal(AstraTokenJson.FormatInstant(lastUsed), row[4]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", row[4]);
        Assert.Equal(AstraTokenJson.FormatInstant(info.GeneratedOn), row[2]);
    }

    [Fact]
    public async Task List_UnusedSince90d_ListsExactlyTheNeverUsedTokensGeneratedBeforeTheCutOff()
    {
        using var store = new TempStore();
        CreatedToken old = await CreateAtAsync(store, s_now.AddDays(-200), "old");
        CreatedToken almost = await CreateAtAsync(store, s_now.AddDays(-91), "almost");
        CreatedToken recent = await CreateAtAsync(store, s_now.AddDays(-89), "recent");
        CreatedToken fresh = await CreateAtAsync(store, s_now, "fresh");

        CliResult piped = await store.RunAtAsync(s_now, "tokens", "list", "--unused-since", "90d");
        CliResult json = await store.RunAtAsync(s_now, "tokens", "list", "--unused-since", "90d", "--output", "json");
        CliResult all = await store.RunAtAsync(s_now, "tokens", "list");

        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal(
            new[] { old.ClientId, almost.ClientId }.Order(StringComparer.Ordinal),
            piped.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0]));
        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        Assert.Equal(
            new[] { old.ClientId, almost.ClientId }.Order(StringComparer.Ordinal),
            document.RootElement.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("clientId").GetString()));
        Assert.Equal(4, all.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(recent.ClientId, piped.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh.ClientId, piped.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnusedSinceDateOrInstant_CutsOffThere()
    {
        using var store = new TempStore();
        var clock = new DateTimeOffset(2026, 9, 1, 12, 0, 0, TimeSpan.Zero);
        CreatedToken august = await CreateAtAsync(store, clock.AddDays(-1), "august");
        CreatedToken morning = await CreateAtAsync(store, clock.AddHours(-4), "morning 08:00Z");

        CliResult byDate = await store.RunAtAsync(clock, "tokens", "list", "--unused-since", "2026-09-01");
        CliResult byInstant = await store.RunAtAsync(clock, "tokens", "list", "--unused-since", "2026-09-01T09:30+02:00");
        CliResult byUtcInstant = await store.RunAtAsync(clock, "tokens", "list", "--unused-since", "2026-09-01T08:00:30.5Z");
        CliResult byHours = await store.RunAtAsync(clock, "tokens", "list", "--unused-since", "12h");

        Assert.True(byDate.ExitCode == 0, byDate.ToString());
        Assert.Equal([august.ClientId], ClientIds(byDate));
        Assert.Equal(0, byInstant.ExitCode);
        Assert.Equal([august.ClientId], ClientIds(byInstant));
        Assert.Equal(0, byUtcInstant.ExitCode);
        Assert.Equal(new[] { august.ClientId, morning.ClientId }.Order(StringComparer.Ordinal), ClientIds(byUtcInstant));
        Assert.Equal(0, byHours.ExitCode);
        Assert.Equal([august.ClientId], ClientIds(byHours));
    }

    [Fact]
    public async Task List_UnusedSinceNoMatch_TableSaysSoAndPipedIsEmpty()
    {
        using var store = new TempStore();
        await store.CreateAsync();

        CliResult table = await store.RunAsync("tokens", "list", "--unused-since", "30d", "--output", "table");
        CliResult piped = await store.RunAsync("tokens", "list", "--unused-since", "30d");

        Assert.Equal(0, table.ExitCode);
        Assert.Equal("No unused tokens.", table.StandardOutput.Trim());
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal(string.Empty, piped.StandardOutput);
    }

    [Theory]
    [InlineData("90", "is not a duration or a date for --unused-since")]
    [InlineData("soon", "is not a duration or a date for --unused-since")]
    [InlineData("-90d", "is not a duration or a date for --unused-since")]
    [InlineData("2026-13-01", "is not a duration or a date for --unused-since")]
    [InlineData("01/09/2026", "is not a duration or a date for --unused-since")]
    [InlineData("2026-09-01 08:00", "is not a duration or a date for --unused-since")]
    [InlineData("36526d", "is too long for --unused-since: at most 100 years")]
    [InlineData("99999999d", "is too long for --unused-since: at most 100 years")]
    public async Task List_UnusedSinceInvalid_UsageErrorExit2(string value, string message)
    {
        using var store = new TempStore();
        await store.CreateAsync();

        CliResult result = await store.RunAsync("tokens", "list", "--unused-since", value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.StandardOutput);
        Assert.StartsWith($"tokensdk: error: '{value}' {message}", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("See 'tokensdk tokens list --help'.", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnusedSinceWithoutValue_UsageErrorExit2()
    {
        using var store = new TempStore();

        CliResult result = await InProcessCli.RunAsync(["tokens", "list", "--unused-since"], store: store.Directory);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("tokensdk: error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--unused-since", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90d", -90 * 24 * 60)]
    [InlineData("12h", -12 * 60)]
    [InlineData("30m", -30)]
    [InlineData("1d12h", -36 * 60)]
    [InlineData("36525d", -36525 * 24 * 60)]
    public void Parse_Duration_CountsBackFromNow(string text, int minutes)
    {
        Assert.True(UnusedSince.TryParse(text, out UnusedSince? value, out string? error), error);

        Assert.Equal(s_now.AddMinutes(minutes), value!.Resolve(s_now));
    }

    [Theory]
    [InlineData("2026-09-01", "2026-09-01T00:00:00Z")]
    [InlineData("2026-09-01T08:00", "2026-09-01T08:00:00Z")]
    [InlineData("2026-09-01T08:00:30Z", "2026-09-01T08:00:30Z")]
    [InlineData("2026-09-01T10:00:00+02:00", "2026-09-01T08:00:00Z")]
    [InlineData("2026-09-01T08:00:00.250Z", "2026-09-01T08:00:00.25Z")]
    public void Parse_DateOrInstant_ThatInstantWhateverNow(string text, string expected)
    {
        Assert.True(UnusedSince.TryParse(text, out UnusedSince? value, out string? error), error);

        DateTimeOffset at = value!.Resolve(s_now);
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
        Assert.Equal(at, value.Resolve(s_now.AddYears(3)));
    }

    [Fact]
    public async Task List_TokenUsedByAServiceOnTheSameFileStore_ShowsItsTimeAndIsNotUnused()
    {
        // A service (the library, as DI builds it) verifies a token of the store; its last use is written to the
        // store's tokens.usage when the service stops, and the tool, another reader of the store, shows it.
        using var store = new TempStore();
        CreatedToken used = await CreateAtAsync(store, s_now.AddDays(-200), "used");
        CreatedToken unused = await CreateAtAsync(store, s_now.AddDays(-200), "unused");
        var services = new ServiceCollection();
        services.AddTokenSdk().AddFileStore(store.Directory);
        await using (ServiceProvider service = services.BuildServiceProvider())
        {
            Assert.True((await service.GetRequiredService<ITokenVerifier>().VerifyAsync(used.Token, TestContext.Current.CancellationToken)).IsValid);
        }

        CliResult json = await store.RunAsync("tokens", "list", "--output", "json");
        CliResult stale = await store.RunAsync("tokens", "list", "--unused-since", "90d");

        Assert.True(json.ExitCode == 0, json.ToString());
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        JsonElement[] clients = [.. document.RootElement.GetProperty("clients").EnumerateArray()];
        JsonElement usedRow = clients.Single(c => c.GetProperty("clientId").GetString() == used.ClientId);
        Assert.Equal(JsonValueKind.String, usedRow.GetProperty("lastUsed").ValueKind);
        Assert.True(DateTimeOffset.Parse(usedRow.GetProperty("lastUsed").GetString()!, CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);
        Assert.Equal(JsonValueKind.Null, clients.Single(c => c.GetProperty("clientId").GetString() == unused.ClientId).GetProperty("lastUsed").ValueKind);
        Assert.True(stale.ExitCode == 0, stale.ToString());
        Assert.Equal([unused.ClientId], ClientIds(stale));
    }

    private static async Task<CreatedToken> CreateAtAsync(TempStore store, DateTimeOffset at, string description)
    {
        CliResult result = await store.RunAtAsync(at, "tokens", "create", "--role", "read-only-user", "--output", "json", "--description", description);
        Assert.True(result.ExitCode == 0, result.ToString());
        return CreatedToken.Parse(result.StandardOutput);
    }

    private static string[] ClientIds(CliResult result) =>
        [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0])];
}
