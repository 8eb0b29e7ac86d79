using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Management;

namespace TokenSdk.Cli.Commands;

/// <summary><c>tokensdk tokens list</c>: the tokens of the organization, never a secret.</summary>
internal static class ListTokensCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="store">The shared <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(Option<string?> store, CliEnvironment environment)
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "table (aligned with a header at a terminal; tab-separated lines without header when piped) or json.",
            HelpName = "table|json",
        };
        output.AcceptOnlyFromAmong("table", "json");
        var command = new Command("list", "List the tokens: client id, roles, generation time, expiry, description. Never shows a secret.") { output };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => RunAsync(context, parse.GetValue(store), parse.GetValue(output), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? store, string? output, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        await using CliSession session = CliSession.Open(context, selection, create: false);

        IReadOnlyList<TokenInfo> tokens = CommandRunner.ValueOrFail(
            await session.Manager.ListAllAsync(session.Caller, cancellationToken).ConfigureAwait(false));

        if (output == "json")
        {
            context.Out.WriteLine(Json.Write(json => AstraTokenJson.WriteTokenList(json, tokens)));
            return ExitCodes.Success;
        }

        var table = new TableWriter("CLIENT ID", "ROLES", "GENERATED ON", "EXPIRES AT", "DESCRIPTION");
        foreach (TokenInfo token in tokens)
        {
            table.AddRow(
                token.ClientId,
                RoleText.Names(token),
                Json.Time(token.GeneratedOn),
                token.ExpiresAt is { } expiresAt ? Json.Time(expiresAt) : "never",
                token.Description);
        }

        bool aligned = output == "table" || context.Terminal.IsStdoutTerminal;
        if (aligned && tokens.Count == 0)
        {
            context.Out.WriteLine("No tokens.");
            return ExitCodes.Success;
        }

        table.Write(context.Out, aligned, context.Terminal);
        return ExitCodes.Success;
    }
}
