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

    [Fact]
    public async Task DeleteRole_AtTerminal_AsksAsForTokens_AndDeletesOnYes()
    {
        Assert.SkipUnless(CliProcess.CanRunInTerminal, "Needs Linux and util-linux script for a pseudo-terminal.");
        using var store = new TempStore();
        ShownRole role = await RoleEditingTests.CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult no = await CliProcess.RunInTerminalAsync(["roles", "delete", "Reporting", "--store", store.Directory], "n\n", store.Root);
        CliResult yes = await CliProcess.RunInTerminalAsync(["roles", "delete", "Reporting", "--store", store.Directory], "y\n", store.Root);
        CliResult shown = await store.RunAsync("roles", "show", role.Id);

        Assert.Equal(1, no.ExitCode);
        Assert.Contains($"Delete role 'Reporting' ({role.Id}, version 1)? [y/N]", no.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Role 'Reporting' was not deleted.", no.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, yes.ExitCode);
        Assert.Contains($"Deleted role 'Reporting' ({role.Id}, version 1).", yes.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, shown.ExitCode);
    }
}
