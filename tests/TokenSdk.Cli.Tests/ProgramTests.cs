using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// The real executable (<c>dotnet TokenSdk.Cli.dll</c>) as scripts run it: the console, the process environment and
/// the exit code wired by <c>Program.Main</c>. The other tests run the same code in process.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ProgramTests
{
    [Fact]
    public async Task Main_Help_ExitsZeroWithUsageOnStdout()
    {
        CliResult result = await CliProcess.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("tokensdk", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(result.StandardError);
    }

    [Theory]
    [InlineData("roles show no-such-role", 1, "tokensdk: error: No role has the id or name 'no-such-role'")]
    [InlineData("tokens list --bogus", 2, "tokensdk: error: Unrecognized command or argument '--bogus'")]
    [InlineData("tokens list --store /nonexistent/tokensdk-store", 3, "tokensdk: error: The store directory '/nonexistent/tokensdk-store' does not exist.")]
    public async Task Main_Failure_ExitsWithTheDocumentedCodeAndOneLine(string arguments, int exitCode, string expected)
    {
        CliResult result = await CliProcess.RunAsync(arguments.Split(' '));

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_StoreFromTheProcessEnvironment_ReadsStdinAndVerifies()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult verified = await CliProcess.RunAsync(["tokens", "verify"], token.Token, store: store.Directory);

        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("Client Id:    " + token.ClientId, verified.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_TokenAsArgument_ParserErrorShowsItMasked()
    {
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult result = await CliProcess.RunAsync(["tokens", "verify", token.Token, "--store", store.Directory]);

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(token.Token, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token[^64..], result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"Unrecognized command or argument '{TokenMask.MaskToken(token.Token)}'", result.StandardError, StringComparison.Ordinal);
    }
}
