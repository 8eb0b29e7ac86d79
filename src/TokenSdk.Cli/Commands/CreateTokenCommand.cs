using System.CommandLine;
using TokenSdk.Cli.Stores;
using TokenSdk.Credentials;
using TokenSdk.Management;

namespace TokenSdk.Cli.Commands;

/// <summary><c>tokensdk tokens create --role ROLE [--role ROLE ...]</c>: generates a token and shows its details once.</summary>
internal static class CreateTokenCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="store">The shared <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(Option<string?> store, CliEnvironment environment)
    {
        Option<string[]> roles = TokensCommands.RoleOption(
            "A role of the token, by id (organization-administrator) or name (\"Organization Administrator\"); see 'tokensdk roles list'. " +
            $"Repeat it for a token of several roles (-r database-administrator -r \"Billing Administrator\"): 1 to {TokenGenerationRequest.MaxRoles}, " +
            "each once; the token holds the permissions of them all.",
            required: true);
        var description = new Option<string?>("--description", "-d") { Description = "What the token is for (shown by 'tokens list').", HelpName = "TEXT" };
        Option<string?> format = TokensCommands.FormatOption();
        Option<string?> output = TokensCommands.DetailsOutputOption();
        Option<string?> outFile = TokensCommands.OutFileOption();

        var command = new Command("create", "Generate a token for one or more roles and print its details (client id, secret, token) once. " +
                                            "Creates the store if it does not exist: use it to bootstrap the first administrator token.")
        {
            roles, description, format, output, outFile,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => RunAsync(
            context, parse.GetValue(store), parse.GetRequiredValue(roles), parse.GetValue(description), parse.GetValue(format),
            parse.GetValue(output), parse.GetValue(outFile), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, string? store, string[] roles, string? description, string? format, string? output, string? outFile, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        using TokenDetailsOutput destination = TokenDetailsOutput.Open(context, output, outFile);
        await using CliSession session = CliSession.Open(context, selection, create: true);

        var options = new TokenGenerateOptions
        {
            Description = description,
            Format = TokensCommands.ParseFormat(format),
        };
        GeneratedToken details = CommandRunner.ValueOrFail(
            await session.Manager.GenerateAsync(session.Caller, roles, options, cancellationToken).ConfigureAwait(false));
        await destination.WriteAsync(details, session, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
