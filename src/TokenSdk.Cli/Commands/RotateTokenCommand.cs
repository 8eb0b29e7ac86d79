using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Credentials;
using TokenSdk.Management;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// <c>tokensdk tokens rotate CLIENT_ID [--grace DURATION]</c>: issues a replacement (same roles unless <c>--role</c>)
/// and retires the old token at once or after the grace period.
/// </summary>
internal static class RotateTokenCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="store">The shared <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(Option<string?> store, CliEnvironment environment)
    {
        var clientId = new Argument<string>("clientId") { Description = "The client id of the token to replace." };
        var grace = new Option<TimeSpan?>("--grace")
        {
            Description = "How long the old token keeps working: 90s, 30m, 2h, 1d, 1h30m or hh:mm:ss (at most 30 days). Default: it stops at once.",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (DurationParser.TryParse(text, out TimeSpan duration))
                {
                    return duration;
                }

                result.AddError($"'{text}' is not a duration for --grace: use a number and a unit (90s, 30m, 2h, 1d) or hh:mm:ss.");
                return null;
            },
        };
        Option<string[]> roles = TokensCommands.RoleOption(
            "Give the replacement these roles instead of the old token's (id or name). Repeat it for several " +
            $"(-r database-administrator -r \"Billing Administrator\"): 1 to {TokenGenerationRequest.MaxRoles}, each once. Default: the old token's roles.",
            required: false);
        var description = new Option<string?>("--description", "-d") { Description = "The replacement's description (default: the old one's).", HelpName = "TEXT" };
        Option<string?> format = TokensCommands.FormatOption();
        Option<string?> output = TokensCommands.DetailsOutputOption();
        Option<string?> outFile = TokensCommands.OutFileOption();

        var command = new Command("rotate", "Replace a token: prints the new token's details once; the old one stops at once or after --grace.")
        {
            clientId, grace, roles, description, format, output, outFile,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => RunAsync(
            context, parse.GetValue(store), parse.GetRequiredValue(clientId),
            new TokenRotateOptions
            {
                GracePeriod = parse.GetValue(grace),
                Roles = parse.GetValue(roles) is { Length: > 0 } newRoles ? newRoles : null,
                Description = parse.GetValue(description),
                Format = TokensCommands.ParseFormat(parse.GetValue(format)),
            },
            parse.GetValue(output), parse.GetValue(outFile), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, string? store, string clientId, TokenRotateOptions options, string? output, string? outFile, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        using TokenDetailsOutput destination = TokenDetailsOutput.Open(context, output, outFile);
        await using CliSession session = CliSession.Open(context, selection, create: false);

        GeneratedToken details = CommandRunner.ValueOrFail(
            await session.Manager.RotateAsync(session.Caller, clientId, options, cancellationToken).ConfigureAwait(false));

        await destination.WriteAsync(details, session, cancellationToken).ConfigureAwait(false);
        ManagementResult<TokenInfo> old = await session.Manager.GetAsync(session.Caller, clientId, cancellationToken).ConfigureAwait(false);
        context.Errors.Note(old is { Succeeded: true, Value.ExpiresAt: { } expiresAt }
            ? $"the old token {clientId} keeps working until {Json.Time(expiresAt)}."
            : $"the old token {clientId} no longer works.");
        return ExitCodes.Success;
    }
}
