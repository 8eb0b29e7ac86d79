using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Cli.Tests;

/// <summary><c>--config FILE</c> / <c>TOKENSDK_CONFIG</c>: the tool runs with the service's TokenSdk options.</summary>
public sealed class ConfigurationTests
{
    private const string ServiceConfig = """
        {
          "TokenSdk": {
            "TokenPrefix": "acme",
            "DefaultOrganizationId": "org-42",
            "Hashing": { "Algorithm": "HmacSha256", "CurrentKeyId": "k1", "Peppers": [ { "KeyId": "k1", "Key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" } ] },
            "CustomRoles": [
              { "Id": "reporting", "Name": "Reporting", "Description": "Reads tables.", "Permissions": [ "db-cql", "db-table-select" ] }
            ]
          }
        }
        """;

    [Fact]
    public async Task Create_WithConfigFile_UsesPrefixOrganizationPepperAndCustomRole_AndTheServiceVerifiesIt()
    {
        using var store = new TempStore();
        string config = Path.Combine(store.Root, "appsettings.json");
        await File.WriteAllTextAsync(config, ServiceConfig, TestContext.Current.CancellationToken);

        CreatedToken created = await store.CreateAsync("reporting", "--config", config);

        Assert.StartsWith("acme_", created.Token, StringComparison.Ordinal);
        Assert.Equal("org-42", created.OrgId);
        Assert.Equal(["reporting"], created.Roles);

        // A service bound to the same section accepts the token.
        var services = new ServiceCollection();
        services.AddTokenSdk(o =>
        {
            o.TokenPrefix = "acme";
            o.Hashing.Algorithm = TokenSdk.Hashing.VerifierAlgorithm.HmacSha256;
            o.Hashing.CurrentKeyId = "k1";
            o.Hashing.Peppers.Add(new TokenSdk.Hashing.PepperOptions { KeyId = "k1", Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
            var reporting = new TokenSdk.Roles.CustomRoleOptions { Id = "reporting", Name = "Reporting", Description = "Reads tables." };
            reporting.Permissions.Add("db-cql");
            reporting.Permissions.Add("db-table-select");
            o.CustomRoles.Add(reporting);
        }).AddFileStore(store.Directory);
        await using ServiceProvider provider = services.BuildServiceProvider();
        TokenVerificationResult verified = await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(created.Token, TestContext.Current.CancellationToken);
        Assert.True(verified.IsValid, verified.ToString());
        Assert.Equal("org-42", verified.OrganizationId);
        Assert.Equal("reporting", verified.Roles.Single().Id);

        // The verifier was keyed with the pepper: the service without it refuses the token.
        var unpeppered = new ServiceCollection();
        unpeppered.AddTokenSdk(o => o.TokenPrefix = "acme").AddFileStore(store.Directory);
        await using ServiceProvider plain = unpeppered.BuildServiceProvider();
        Assert.False((await plain.GetRequiredService<ITokenVerifier>().VerifyAsync(created.Token, TestContext.Current.CancellationToken)).IsValid);
    }

    [Fact]
    public async Task Create_RoleWithConfiguredHostPermission_SucceedsAsOrganizationAdministrator()
    {
        using var store = new TempStore();
        string config = Path.Combine(store.Root, "appsettings.json");
        await File.WriteAllTextAsync(config, """
            {
              "TokenSdk": {
                "CustomPermissions": [ "acme-reports-export" ],
                "CustomRoles": [ { "Id": "reports", "Name": "Reports", "Permissions": [ "acme-reports-export", "db-table-select" ] } ]
              }
            }
            """, TestContext.Current.CancellationToken);

        CreatedToken created = await store.CreateAsync("reports", "--config", config);

        Assert.Equal(["reports"], created.Roles);
    }

    [Fact]
    public async Task RolesList_ConfigFromEnvironment_ShowsTheCustomRole()
    {
        using var store = new TempStore();
        string config = Path.Combine(store.Root, "appsettings.json");
        await File.WriteAllTextAsync(config, ServiceConfig, TestContext.Current.CancellationToken);

        CliResult result = await InProcessCli.RunAsync(["roles", "list", "--output", "json"], config: config);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"reporting\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolesList_WithoutConfig_HasNoCustomRole()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "list", "--output", "json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("\"reporting\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.json", null, "does not exist")]
    [InlineData("bad.json", "{ not json", "cannot be read")]
    [InlineData("nosection.json", "{ \"Logging\": {} }", "has no 'TokenSdk' section")]
    [InlineData("invalid.json", "{ \"TokenSdk\": { \"TokenPrefix\": \"A!\" } }", "TokenSdk:TokenPrefix 'A!' is invalid")]
    public async Task AnyCommand_BadConfigFile_ExitsTwoWithOneLine(string name, string? content, string expected)
    {
        using var store = new TempStore();
        string config = Path.Combine(store.Root, name);
        if (content is not null)
        {
            await File.WriteAllTextAsync(config, content, TestContext.Current.CancellationToken);
        }

        CliResult result = await store.RunAsync("tokens", "list", "--config", config);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tokensdk: error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Org_CreateAndList_ActInThatOrganizationOnly()
    {
        using var store = new TempStore();

        CreatedToken created = await store.CreateAsync("read-only-user", "--org", "acme");
        CliResult inAcme = await store.RunAsync("tokens", "list", "--output", "json", "--org", "acme");
        CliResult inOther = await store.RunAsync("tokens", "list", "--output", "json", "--org", "other");
        CliResult deleteFromOther = await store.RunAsync("tokens", "delete", created.ClientId, "--reason", "other", "--yes", "--org", "other");

        Assert.Equal("acme", created.OrgId);
        Assert.Equal(0, inAcme.ExitCode);
        Assert.Contains(created.ClientId, inAcme.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, inOther.ExitCode);
        Assert.DoesNotContain(created.ClientId, inOther.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, deleteFromOther.ExitCode);
    }
}
