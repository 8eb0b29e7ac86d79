using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Management;

namespace TokenSdk.Cli.Commands;

/// <summary><c>tokensdk tokens delete CLIENT_ID --reason R</c>: the token stops working at once.</summary>
internal static class DeleteTokenCommand
{
    private static readonly Dictionary<string, DeletionReason> s_reasons = new(StringComparer.Ordinal)
    {
        ["compromised"] = DeletionReason.Compromised,
        ["no-longer-needed"] = DeletionReason.NoLongerNeeded,
        ["role-change"] = DeletionReason.RoleChange,
        ["other"] = DeletionReason.Other,
    };

    /// <summary>Builds the command.</summary>
    /// <param name="store">The shared <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(Option<string?> store, CliEnvironment environment)
    {
        var clientId = new Argument<string>("clientId") { Description = "The client id of the token to delete (see 'tokens list')." };
        var reason = new Option<string>("--reason")
        {
            Description = "Why: compromised, no-longer-needed, role-change or other (kept in the audit trail).",
            HelpName = "compromised|no-longer-needed|role-change|other",
            Required = true,
        };
        reason.AcceptOnlyFromAmong([.. s_reasons.Keys]);
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation. Required when stdin is not a terminal." };

        var command = new Command("delete", "Delete a token: it stops verifying at once (other processes on a file store see it within about a second). " +
                                            "Asks for confirmation unless --yes.")
        {
            clientId, reason, yes,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => RunAsync(
            context, parse.GetValue(store), parse.GetRequiredValue(clientId), parse.GetRequiredValue(reason), parse.GetValue(yes), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? store, string clientId, string reasonName, bool yes, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        DeletionReason reason = s_reasons[reasonName];
        await using CliSession session = CliSession.Open(context, selection, create: false);

        // Unknown ids fail before any prompt.
        TokenInfo token = CommandRunner.ValueOrFail(
            await session.Manager.GetAsync(session.Caller, clientId, cancellationToken).ConfigureAwait(false));

        if (!yes)
        {
            if (!context.Terminal.IsStdinTerminal)
            {
                throw new CliException(ExitCodes.Usage,
                    $"Refusing to delete token {token.ClientId} without confirmation: stdin is not a terminal. Pass --yes to delete it.");
            }

            context.Errors.Prompt($"Delete token {token.ClientId} ({RoleText.Names(token)})? [y/N]");
            string? answer = (await context.Environment.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
            if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException(ExitCodes.Failure, $"Token {token.ClientId} was not deleted.");
            }
        }

        CommandRunner.ThrowIfFailed(
            await session.Manager.DeleteAsync(session.Caller, token.ClientId, reason, cancellationToken).ConfigureAwait(false));

        await context.Out.WriteLineAsync($"Deleted token {token.ClientId} ({RoleText.Names(token)}); reason: {reasonName}.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
