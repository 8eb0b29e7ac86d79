using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// <see cref="CliApplication.RunAsync(string[], TextWriter, TextWriter, TextReader, Func{string, string?}, string, CancellationToken)"/>:
/// credentials typed where they do not belong are masked in every error, and invocations in one process are isolated.
/// </summary>
public sealed class CliApplicationTests
{
    // Token-shaped, as a user pastes them: whole, with a typo, and the bare secret.
    private const string Hex72 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08e3b1c4d2";
    private const string Checksummed = "tsdk_IFmJlTkNvptFzTDEQpQIEJud_" + Hex72;
    private const string Astra = "AstraCS:IFmJlTkNvptFzTDEQpQIEJud:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string Secret = "Zq3vN8xKp2LmT7wYb4RcJ9dHs6FgA1eUo5iQz0nVy8Mk";

    [Fact]
    public async Task RunAsync_RealTokenAsArgument_ParserErrorShowsItMasked()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult result = await store.RunAsync("tokens", "verify", token.Token);

        Assert.Equal(2, result.ExitCode);
        AssertNeverShown(token.Token, result);
        Assert.DoesNotContain(token.Token[^72..], result.StandardError, StringComparison.Ordinal);
        Assert.Equal(
            $"tokensdk: error: Unrecognized command or argument '{TokenMask.MaskToken(token.Token)}'. See 'tokensdk tokens verify --help'.",
            result.StandardError.TrimEnd());
    }

    [Theory]
    [InlineData("tokens verify {0}", "Unrecognized command or argument")]
    [InlineData("tokens verfy {0}", "Required command was not provided")]
    [InlineData("{0} tokens list", "Unrecognized command or argument")]
    [InlineData("tokens list --output {0}", "not recognized. Must be one of")]
    [InlineData("tokens rotate abc --grace {0}", "is not a duration for --grace")]
    [InlineData("tokens delete abc --reason {0} --yes", "not recognized. Must be one of")]
    public async Task RunAsync_CredentialInABadArgumentOrOptionValue_ExitsTwoAndMasksIt(string template, string expected)
    {
        foreach (string credential in new[] { Checksummed, Astra, Secret })
        {
            string[] arguments = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, credential).Split(' ');

            CliResult result = await InProcessCli.RunAsync([.. arguments, "--store", "/nonexistent"]);

            Assert.True(result.ExitCode == 2, result.ToString());
            AssertNeverShown(credential, result);
            Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_TokenAsUnknownArgument_ShowsTheLibrarysMaskedForm()
    {
        CliResult checksummed = await InProcessCli.RunAsync(["tokens", "list", Checksummed]);
        CliResult astra = await InProcessCli.RunAsync(["tokens", "list", Astra]);
        CliResult secret = await InProcessCli.RunAsync(["tokens", "list", Secret]);

        Assert.Contains("argument 'tsdk_IFmJ****c4d2'", checksummed.StandardError, StringComparison.Ordinal);
        Assert.Contains("argument 'AstraCS:IFmJ****0a08'", astra.StandardError, StringComparison.Ordinal);
        Assert.Contains("argument '****'", secret.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tsdk_IFmJlTkNvptFzTDEQpQIEJud_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08e3b1c4d")] // one character short
    [InlineData("tsdk_IFmJlTkNvptFzTDEQpQIEJud_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08e3b1c4d2x")] // one too many
    [InlineData("tsdk_IFmJlTkNvptFzTDEQpQIEJud9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08e3b1c4d2")] // separator lost
    [InlineData("TSDK_IFmJlTkNvptFzTDEQpQIEJud_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08e3b1c4d2")] // caps lock
    [InlineData("tsdk_IFmJlTkNvptFzTDEQpQIEJud_9f86d081884c7d659a2f")] // cut short
    [InlineData("AstraCS:IFmJlTkNvptFzTDEQpQIEJud9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")] // T alone
    [InlineData("Zq3vN8xKp2LmT7wYb4RcJ9dHs6FgA1eUo5iQz0nVy8M")] // a secret missing its last character
    public async Task RunAsync_NearTokenAsArgument_NoPartOfItsSecretIsShown(string nearToken)
    {
        CliResult result = await InProcessCli.RunAsync(["tokens", "list", nearToken, "--store", "/nonexistent"]);

        Assert.Equal(2, result.ExitCode);
        AssertNeverShown(nearToken, result);
        foreach (string secretPart in new[] { "9f86d081", "b0f00a08", "e3b1c4d", "Zq3vN8xK" })
        {
            Assert.DoesNotContain(secretPart, result.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_TokenAsRoleToShow_CliErrorMasksIt()
    {
        CliResult result = await InProcessCli.RunAsync(["roles", "show", Checksummed]);

        Assert.Equal(1, result.ExitCode);
        AssertNeverShown(Checksummed, result);
        Assert.Equal(
            $"tokensdk: error: No role has the id or name '{TokenMask.MaskToken(Checksummed)}'; 'tokensdk roles list' shows them.",
            result.StandardError.TrimEnd());
    }

    [Fact]
    public async Task RunAsync_TokenAsConfigFile_MissingFileErrorMasksIt()
    {
        using var store = new TempStore();

        CliResult result = await InProcessCli.RunAsync(["roles", "list", "--config", Astra], workingDirectory: store.Root);

        Assert.Equal(2, result.ExitCode);
        AssertNeverShown(Astra, result);
        Assert.Contains("/AstraCS:IFmJ****0a08' does not exist", result.StandardError.Replace('\\', '/'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RelativeStoreAndOutFile_ResolvedAgainstTheGivenWorkingDirectory()
    {
        using var store = new TempStore();

        CliResult result = await InProcessCli.RunAsync(
            ["tokens", "create", "--role", "read-only-user", "--store", "relative-store", "--out-file", "token.json"], workingDirectory: store.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Directory.Exists(Path.Combine(store.Root, "relative-store")));
        Assert.Equal(["read-only-user"], CreatedToken.Parse(File.ReadAllText(Path.Combine(store.Root, "token.json"))).Roles);
    }

    [Fact]
    public async Task RunAsync_ConcurrentInvocations_EachSeesOnlyItsOwnStoreOrganizationAndConfig()
    {
        // Before the invocation context, --org and --config were static: parallel runs took each other's.
        const int Count = 8;
        using var store = new TempStore();
        string config = Path.Combine(store.Root, "appsettings.json");
        await File.WriteAllTextAsync(config, """{ "TokenSdk": { "TokenPrefix": "acme" } }""", TestContext.Current.CancellationToken);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<CliResult>[] runs = [.. Enumerable.Range(0, Count).Select(async i =>
        {
            await gate.Task;
            string[] arguments = ["tokens", "create", "--role", "read-only-user", "--output", "json", "--org", $"org-{i}"];
            return await InProcessCli.RunAsync(
                i % 2 == 0 ? [.. arguments, "--config", config] : arguments,
                store: Path.Combine(store.Root, $"store-{i}"));
        })];

        gate.SetResult();
        CliResult[] results = await Task.WhenAll(runs);

        for (int i = 0; i < Count; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].ToString());
            CreatedToken token = CreatedToken.Parse(results[i].StandardOutput);
            Assert.Equal($"org-{i}", token.OrgId);
            Assert.StartsWith(i % 2 == 0 ? "acme_" : "tsdk_", token.Token, StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.Combine(store.Root, $"store-{i}")));
        }
    }

    [Fact]
    public async Task RunAsync_HelpAndVersion_WrittenToTheGivenStdout()
    {
        CliResult help = await InProcessCli.RunAsync(["tokens", "--help"]);
        CliResult version = await InProcessCli.RunAsync(["--version"]);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:", help.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.StandardOutput);
        Assert.Empty(version.StandardError);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ExitsOneHundredThirty()
    {
        using var store = new TempStore();
        await store.CreateAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = await CliApplication.RunAsync(
            ["tokens", "list", "--store", store.Directory], stdout, stderr, TextReader.Null, _ => null, store.Root, cancelled.Token);

        Assert.Equal(ExitCodes.Cancelled, exitCode);
        Assert.Equal("tokensdk: error: cancelled.", stderr.ToString().TrimEnd());
    }

    private static void AssertNeverShown(string credential, CliResult result)
    {
        Assert.DoesNotContain(credential, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(credential, result.StandardOutput, StringComparison.Ordinal);
    }
}
