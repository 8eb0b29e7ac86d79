using System.CommandLine;
using System.Globalization;
using TokenSdk.Cli.Stores;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// <c>tokensdk roles delete ROLE [--if-version N] [--yes]</c>: deletes a custom role no token holds, after the same
/// confirmation as <c>tokens delete</c>.
/// </summary>
internal static class DeleteRoleCommand
{
    // How many of the tokens holding a role the refusal names; the count is always whole.
    private const int MaxHoldersNamed = 10;

    /// <summary>Builds the command.</summary>
    /// <param name="store">The group's <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(Option<string?> store, CliEnvironment environment)
    {
        var role = new Argument<string>("role") { Description = "The custom role's id or name." };
        Option<long?> ifVersion = RoleEditCommands.IfVersionOption("Delete the role only if it is still at this version (see 'roles show'); otherwise keep it and exit 6.");
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation. Required when stdin is not a terminal." };
        var command = new Command(
            "delete",
            "Delete a custom role. Refused while tokens hold it (exit 7): the message says how many and which; delete them " +
            "('tokens delete') or give them other roles ('tokens rotate --role'), then delete the role. A deleted role's id is never used again. " +
            "Asks for confirmation unless --yes. Default and configured roles are read-only (exit 4).")
        {
            role, ifVersion, yes,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => RunAsync(
            context, parse.GetValue(store), parse.GetRequiredValue(role), parse.GetValue(ifVersion), parse.GetValue(yes), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? store, string idOrName, long? ifVersion, bool yes, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        await using CliSession session = CliSession.Open(context, selection, create: false);

        // Unknown, read-only, changed and held roles fail before any prompt: there is nothing to confirm.
        Role role = RolesCommands.Find(session, idOrName);
        if (!role.IsEditable)
        {
            // The library refuses (and audits the refusal) with the reason: a default or configured role.
            CommandRunner.ThrowIfFailed(await session.RoleManager.DeleteAsync(session.Caller, role.Id, ifVersion, cancellationToken).ConfigureAwait(false));
        }

        if (ifVersion is { } expected && role.Version != expected)
        {
            throw RoleEditCommands.VersionMismatch(role, expected);
        }

        List<string> holders = await FindHoldersAsync(session, role, cancellationToken).ConfigureAwait(false);
        if (holders.Count > 0)
        {
            return InUse(context, holders.Count == 1
                ? $"The role '{role.Name}' is held by 1 token; delete it, or rotate it to another role, first."
                : string.Create(CultureInfo.InvariantCulture, $"The role '{role.Name}' is held by {holders.Count} tokens; delete them, or rotate them to other roles, first."),
                holders);
        }

        string label = string.Create(CultureInfo.InvariantCulture, $"'{role.Name}' ({role.Id}, version {role.Version})");
        if (!yes)
        {
            if (!context.Terminal.IsStdinTerminal)
            {
                throw new CliException(ExitCodes.Usage,
                    $"Refusing to delete role {label} without confirmation: stdin is not a terminal. Pass --yes to delete it.");
            }

            context.Errors.Prompt($"Delete role {label}? [y/N]");
            string? answer = (await context.Environment.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
            if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException(ExitCodes.Failure, $"Role '{role.Name}' was not deleted.");
            }
        }

        ManagementResult result = await session.RoleManager.DeleteAsync(session.Caller, role.Id, ifVersion, cancellationToken).ConfigureAwait(false);
        if (result.Status == ManagementStatus.RoleInUse)
        {
            // A token was given the role since it was looked up, or an expired one not yet purged holds it.
            return InUse(context, result.Message!, await FindHoldersAsync(session, role, cancellationToken).ConfigureAwait(false));
        }

        CommandRunner.ThrowIfFailed(result);
        await context.Out.WriteLineAsync($"Deleted role {label}.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The client ids of the organization's tokens that hold the role.</summary>
    private static async Task<List<string>> FindHoldersAsync(CliSession session, Role role, CancellationToken cancellationToken)
    {
        IReadOnlyList<TokenInfo> tokens = CommandRunner.ValueOrFail(
            await session.Manager.ListAllAsync(session.Caller, cancellationToken).ConfigureAwait(false));
        return [.. tokens
            .Where(t => t.RoleIds.Contains(role.Id, StringComparer.OrdinalIgnoreCase))
            .Select(t => t.ClientId)];
    }

    /// <summary>Reports a role that tokens hold: the refusal, then which tokens and what to do.</summary>
    private static int InUse(CliContext context, string message, List<string> holders)
    {
        context.Errors.Error(message);
        if (holders.Count > 0)
        {
            string named = string.Join(", ", holders.Take(MaxHoldersNamed)) +
                (holders.Count > MaxHoldersNamed ? string.Create(CultureInfo.InvariantCulture, $" and {holders.Count - MaxHoldersNamed} more") : string.Empty);
            context.Errors.Note($"{(holders.Count == 1 ? "the token holding it: " : "the tokens holding it: ")}{named}. " +
                $"Delete {(holders.Count == 1 ? "it" : "each")} with 'tokensdk tokens delete CLIENT_ID --reason role-change', or give it other roles with " +
                "'tokensdk tokens rotate CLIENT_ID --role ROLE'; then delete the role.");
        }

        return ExitCodes.RoleInUse;
    }
}
