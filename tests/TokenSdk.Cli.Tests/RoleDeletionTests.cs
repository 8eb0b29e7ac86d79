using TokenSdk.Cli.Tests.TestSupport;
using static TokenSdk.Cli.Tests.RoleEditingTests;

namespace TokenSdk.Cli.Tests;

/// <summary><c>roles delete</c>: confirmation as for <c>tokens delete</c>, and the refusal while tokens hold the role.</summary>
public sealed class RoleDeletionTests
{
    [Fact]
    public async Task Delete_WithYes_DeletesTheRole_AndItsNameCanNoLongerBeGivenToTokens()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult deleted = await store.RunAsync("roles", "delete", "Reporting", "--yes");
        CliResult shown = await store.RunAsync("roles", "show", created.Id);
        CliResult token = await store.RunAsync("tokens", "create", "--role", "Reporting");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal($"Deleted role 'Reporting' ({created.Id}, version 1).", deleted.StandardOutput.TrimEnd());
        Assert.Equal(1, shown.ExitCode);
        Assert.Equal(1, token.ExitCode);
    }

    [Fact]
    public async Task Delete_WithoutYesWhenStdinIsNotATerminal_RefusesWithExitTwo_AndKeepsTheRole()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult result = await store.RunWithInputAsync("y\n", "roles", "delete", created.Id);

        AssertOneLineError(result, 2,
            $"Refusing to delete role 'Reporting' ({created.Id}, version 1) without confirmation: stdin is not a terminal. Pass --yes to delete it.");
        Assert.Equal(0, (await store.RunAsync("roles", "show", created.Id)).ExitCode);
    }

    [Theory]
    [InlineData("n\n", 1)]
    [InlineData("\n", 1)]
    [InlineData("yes\n", 0)]
    [InlineData("Y\n", 0)]
    public async Task Delete_AtTerminal_AsksAndDeletesOnlyOnYes(string answer, int exitCode)
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");

        CliResult result = await store.RunAtTerminalAsync(answer, "roles", "delete", "Reporting");
        CliResult shown = await store.RunAsync("roles", "show", created.Id);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.StartsWith($"Delete role 'Reporting' ({created.Id}, version 1)? [y/N]", result.StandardError, StringComparison.Ordinal);
        if (exitCode == 0)
        {
            Assert.Contains("Deleted role 'Reporting'", result.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(1, shown.ExitCode);
        }
        else
        {
            Assert.Contains("tokensdk: error: Role 'Reporting' was not deleted.", result.StandardError, StringComparison.Ordinal);
            Assert.Equal(0, shown.ExitCode);
        }
    }

    [Fact]
    public async Task Delete_RoleHeldByTokens_IsRefusedWithExitSevenAndTheCount_UntilTheTokensAreGone()
    {
        using TempStore store = TempStore.ForRoles();
        ShownRole created = await CreateRoleAsync(store, "--name", "Reporting", "-p", "db-cql");
        CreatedToken first = await store.CreateAsync("Reporting");
        CreatedToken second = await store.CreateWithRolesAsync(["read-only-user", created.Id]);

        CliResult held = await store.RunAsync("roles", "delete", "Reporting", "--yes");
        CliResult heldAtTerminal = await store.RunAtTerminalAsync("y\n", "roles", "delete", "Reporting");
        CliResult firstGone = await store.RunAsync("tokens", "delete", first.ClientId, "--reason", "role-change", "--yes");
        CliResult stillHeld = await store.RunAsync("roles", "delete", "Reporting", "--yes");
        CliResult rotated = await store.RunAsync("tokens", "rotate", second.ClientId, "--role", "read-only-user");
        CliResult deleted = await store.RunAsync("roles", "delete", "Reporting", "--yes");

        Assert.Equal(7, held.ExitCode);
        Assert.Empty(held.StandardOutput);
        string[] lines = held.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("tokensdk: error: The role 'Reporting' is held by 2 tokens; delete them, or rotate them to other roles, first.", lines[0]);
        Assert.StartsWith("tokensdk: the tokens holding it: ", lines[1], StringComparison.Ordinal);
        Assert.Contains(first.ClientId, lines[1], StringComparison.Ordinal);
        Assert.Contains(second.ClientId, lines[1], StringComparison.Ordinal);
        Assert.Contains("'tokensdk tokens delete CLIENT_ID --reason role-change'", lines[1], StringComparison.Ordinal);
        Assert.Contains("'tokensdk tokens rotate CLIENT_ID --role ROLE'", lines[1], StringComparison.Ordinal);

        // No question is asked about a deletion that would be refused.
        Assert.Equal(7, heldAtTerminal.ExitCode);
        Assert.DoesNotContain("[y/N]", heldAtTerminal.StandardError, StringComparison.Ordinal);

        Assert.True(firstGone.ExitCode == 0, firstGone.ToString());
        Assert.Equal(7, stillHeld.ExitCode);
        Assert.Contains("is held by 1 token;", stillHeld.StandardError, StringComparison.Ordinal);
        Assert.Contains("the token holding it: " + second.ClientId + ".", stillHeld.StandardError, StringComparison.Ordinal);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
    }
}
