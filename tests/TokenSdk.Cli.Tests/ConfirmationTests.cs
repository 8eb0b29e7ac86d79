using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// <c>tokens delete</c> without <c>--yes</c> at a terminal (a pseudo-terminal through util-linux <c>script</c>): the
/// prompt runs as a real process; setting up and checking the store run in process.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ConfirmationTests
{
    [Fact]
    public async Task Delete_AtTerminalAnswerNo_KeepsTheTokenAndExitsOne()
    {
        Assert.SkipUnless(CliProcess.CanRunInTerminal, "Needs Linux and util-linux script for a pseudo-terminal.");
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult answered = await CliProcess.RunInTerminalAsync(
            ["tokens", "delete", token.ClientId, "--reason", "other", "--store", store.Directory], "n\n", store.Root);
        CliResult verified = await store.RunWithInputAsync(token.Token, "tokens", "verify");

        Assert.Equal(1, answered.ExitCode);
        Assert.Contains($"Delete token {token.ClientId} (Read Only User)? [y/N]", answered.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("was not deleted", answered.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
    }

    [Fact]
    public async Task Delete_AtTerminalAnswerYes_DeletesTheToken()
    {
        Assert.SkipUnless(CliProcess.CanRunInTerminal, "Needs Linux and util-linux script for a pseudo-terminal.");
        using var store = new TempStore();
        CreatedToken token = await store.CreateAsync();

        CliResult answered = await CliProcess.RunInTerminalAsync(
            ["tokens", "delete", token.ClientId, "--reason", "no-longer-needed", "--store", store.Directory], "y\n", store.Root);
        CliResult verified = await store.RunWithInputAsync(token.Token, "tokens", "verify");

        Assert.Equal(0, answered.ExitCode);
        Assert.Contains($"Deleted token {token.ClientId}", answered.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, verified.ExitCode);
    }
}
