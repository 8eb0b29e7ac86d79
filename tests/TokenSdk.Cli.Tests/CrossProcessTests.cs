using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// The tool, as a real process, and a running service (a library instance in this process) share one file store
/// directory. Setting up the store runs the tool in process.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CrossProcessTests
{
    // The file store's bound is about a second (RefreshInterval 500 ms); this is generous on a loaded machine.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DeleteThroughCli_LibraryInstanceOnSameStore_SeesItWithinTheBound()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync("read-write-service-account");
        await using ServiceProvider library = OpenLibrary(store.Directory);
        ITokenVerifier verifier = library.GetRequiredService<ITokenVerifier>();
        TokenVerificationResult before = await verifier.VerifyAsync(token.Token, TestContext.Current.CancellationToken);

        CliResult deleted = await CliProcess.RunAsync(["tokens", "delete", token.ClientId, "--reason", "compromised", "--yes", "--store", store.Directory]);
        var clock = Stopwatch.StartNew();
        TokenVerificationResult after;
        do
        {
            after = await verifier.VerifyAsync(token.Token, TestContext.Current.CancellationToken);
            if (!after.IsValid)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (clock.Elapsed < s_bound);

        Assert.True(before.IsValid);
        Assert.Equal("read-write-service-account", before.Roles.Single().Id);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(VerificationStatus.UnknownClient, after.Status);
    }

    [Fact]
    public async Task CreateThroughLibrary_WhileOpen_CliListsAndVerifiesIt()
    {
        using var store = new TempStore();
        await store.CreateAsync();
        await using ServiceProvider library = OpenLibrary(store.Directory);
        ITokenManager manager = library.GetRequiredService<ITokenManager>();
        var admin = new TokenCaller("service", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);
        GeneratedToken created = (await manager.GenerateAsync(admin, "read-only-user", cancellationToken: TestContext.Current.CancellationToken)).GetValueOrThrow();

        CliResult verified = await CliProcess.RunAsync(["tokens", "verify", "--store", store.Directory], created.Token);
        CliResult listed = await CliProcess.RunAsync(["tokens", "list", "--store", store.Directory]);

        Assert.Equal(0, verified.ExitCode);
        Assert.Contains(created.ClientId, listed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleCreatedByOneProcess_IsGivenToATokenByAnother_AndAPermissionAddedByAThirdIsVerifiedByAFourth()
    {
        using var store = new TempStore(CliMode.Process);

        CliResult created = await store.RunAsync("roles", "create", "--name", "Reporting", "-p", "db-cql", "--output", "json");
        CliResult token = await store.RunAsync("tokens", "create", "--role", "Reporting", "--output", "json");
        CliResult updated = await store.RunAsync("roles", "update", "Reporting", "--add-permission", "db-table-select");
        CreatedToken details = CreatedToken.Parse(token.StandardOutput);
        CliResult verified = await store.RunWithInputAsync(details.Token, "tokens", "verify", "--output", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(token.ExitCode == 0, token.ToString());
        Assert.Equal([ShownRole.Parse(created.StandardOutput).Id], details.Roles);
        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.True(verified.ExitCode == 0, verified.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(verified.StandardOutput);
        Assert.Equal(
            ["db-cql", "db-table-select"],
            json.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
    }

    [Fact]
    public async Task RoleUpdatedThroughCli_LibraryInstanceOnSameStore_SeesTheNewPermissionWithinTheBound()
    {
        using var store = new TempStore();
        await RoleEditingTests.CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");
        CreatedToken token = await store.CreateAsync("Reporting");
        await using ServiceProvider library = OpenLibrary(store.Directory);
        ITokenVerifier verifier = library.GetRequiredService<ITokenVerifier>();
        TokenVerificationResult before = await verifier.VerifyAsync(token.Token, TestContext.Current.CancellationToken);

        CliResult updated = await CliProcess.RunAsync(["roles", "update", "Reporting", "--add-permission", "db-table-select", "--store", store.Directory]);
        var clock = Stopwatch.StartNew();
        TokenVerificationResult after;
        do
        {
            after = await verifier.VerifyAsync(token.Token, TestContext.Current.CancellationToken);
            if (after.Permissions.Contains("db-table-select"))
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (clock.Elapsed < s_bound);

        Assert.True(before.IsValid);
        Assert.DoesNotContain("db-table-select", before.Permissions);
        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.True(after.IsValid);
        Assert.Contains("db-table-select", after.Permissions);
    }

    private static ServiceProvider OpenLibrary(string directory)
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddFileStore(directory);
        return services.BuildServiceProvider();
    }
}
