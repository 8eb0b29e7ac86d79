using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

public sealed class UsageTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("tokens --help")]
    [InlineData("tokens create --help")]
    [InlineData("tokens delete --help")]
    [InlineData("roles show --help")]
    [InlineData("roles --help")]
    [InlineData("roles create --help")]
    [InlineData("roles update --help")]
    [InlineData("roles delete --help")]
    public async Task Help_AnyCommand_ExitsZeroWithUsage(string arguments)
    {
        CliResult result = await InProcessCli.RunAsync(arguments.Split(' '));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("tokensdk", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(result.StandardError);
    }

    [Theory]
    [InlineData("tokens create --store x", "Option '--role' is required.")]
    [InlineData("tokens list --bogus", "Unrecognized command or argument '--bogus'")]
    [InlineData("tokens delete abc --reason because --yes --store x", "Argument 'because' not recognized.")]
    [InlineData("tokens rotate abc --grace soon --store x", "'soon' is not a duration for --grace")]
    [InlineData("tokens list --output xml --store x", "Argument 'xml' not recognized.")]
    [InlineData("tokens", "Required command was not provided.")]
    public async Task BadArguments_ExitTwoWithOneClearLine(string arguments, string expected)
    {
        CliResult result = await InProcessCli.RunAsync(arguments.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tokensdk: error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains("--help", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensCommand_NoStoreOptionNorEnvironment_ExitsTwoNamingBoth()
    {
        CliResult result = await InProcessCli.RunAsync(["tokens", "list"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("tokensdk: error: No token store given: pass --store DIR (or --store postgres) or set TOKENSDK_STORE.", result.StandardError.TrimEnd());
    }

    [Fact]
    public async Task TokensCommand_StoreFromEnvironment_UsesIt()
    {
        using var store = new TempStore();
        CliResult created = await InProcessCli.RunAsync(["tokens", "create", "--role", "read-only-user", "--output", "json"], store: store.Directory);

        CliResult listed = await InProcessCli.RunAsync(["tokens", "list"], store: store.Directory);

        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, listed.ExitCode);
        Assert.StartsWith(CreatedToken.Parse(created.StandardOutput).ClientId + "\t", listed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_StoreDirectoryMissing_ExitsThreeAndCreatesNothing()
    {
        using var store = new TempStore();

        CliResult result = await store.RunAsync("tokens", "list");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("does not exist", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(store.Directory));
    }
}
