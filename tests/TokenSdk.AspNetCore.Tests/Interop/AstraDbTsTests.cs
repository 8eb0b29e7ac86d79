using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Interop;

/// <summary>
/// A real Astra client from the npm registry, <c>@datastax/astra-db-ts</c>, pointed at a TokenSdk server on Kestrel:
/// its Data API client (header <c>Token</c>) and its admin client (<c>Authorization: Bearer</c>) authenticate with an
/// application token. The test installs the client itself (<c>npm ci</c> in this folder) when it is missing; without
/// Node.js it fails, saying why, and never skips.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AstraDbTsTests
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DataApiAndAdminClients_ApplicationToken_Authenticate()
    {
        // Arrange: an Astra-format token, as Astra clients expect.
        string folder = await InstallAsync();
        await using TestApp app = await TestApp.StartAsync(kestrel: true, configureServices: s => s.Configure<TokenSdkOptions>(o => o.GenerationFormat = TokenFormatKind.Astra));
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string baseUrl = app.Client.BaseAddress!.ToString().TrimEnd('/');

        // Act
        (int exitCode, string stdout, string stderr) = await RunAsync(folder, "node", "astra-db-ts.mjs", baseUrl, token.Token);
        (int refusedCode, string refusedOutput, _) = await RunAsync(folder, "node", "astra-db-ts.mjs", baseUrl, "AstraCS:" + new string('a', 24) + ":" + new string('0', 64));

        // Assert
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        using JsonDocument result = JsonDocument.Parse(stdout);
        Assert.Equal(["orders"], result.RootElement.GetProperty("collections").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(0, result.RootElement.GetProperty("databases").GetInt32());
        string[] sources = [.. app.Logs.GetSnapshot().Where(r => r.Id.Name == "AuthenticationSucceeded").Select(r => r.Message)];
        Assert.Contains(sources, m => m.EndsWith("(credential from token).", StringComparison.Ordinal));
        Assert.Contains(sources, m => m.EndsWith("(credential from bearer).", StringComparison.Ordinal));
        // The unknown token is refused (the Data API client fails on the bare 401 it gets) and the refusal is logged.
        Assert.Equal(2, refusedCode);
        Assert.DoesNotContain("orders", refusedOutput, StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Name == "AuthenticationFailed" && r.Message.Contains("credential from token", StringComparison.Ordinal));
    }

    /// <summary>Installs the client from the package lock when it is missing (once per run).</summary>
    private static async Task<string> InstallAsync()
    {
        string folder = Path.Combine(BuiltProgram.RepositoryRoot, "tests", "TokenSdk.AspNetCore.Tests", "Interop");
        await s_install.WaitAsync(Ct);
        try
        {
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@datastax", "astra-db-ts")))
            {
                (int code, string stdout, string stderr) = await RunAsync(folder, "npm", "ci", "--no-audit", "--no-fund");
                Assert.True(code == 0, $"npm ci failed ({code}): {stdout} {stderr}");
            }
        }
        finally
        {
            s_install.Release();
        }

        return folder;
    }

    private static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string folder, string program, params string[] arguments)
    {
        ProcessStartInfo start = BuiltProgram.For(program, arguments);
        start.WorkingDirectory = folder;
        ProgramOutput output;
        try
        {
            output = await BuiltProgram.RunToEndAsync(start, stdin: null, TimeSpan.FromMinutes(2));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{program}' cannot be started: Node.js and npm are needed for this test (Debian: apt-get install nodejs npm).", ex);
        }

        return (output.ExitCode, output.StandardOutput, output.StandardError);
    }
}
