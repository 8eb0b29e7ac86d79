using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using TokenSdk.Cli.Commands;
using TokenSdk.Cli.Output;

namespace TokenSdk.Cli;

/// <summary>The <c>tokensdk</c> command tree, and parsing with the tool's own usage-error handling.</summary>
internal static class CliApplication
{
    /// <summary>Builds the root command.</summary>
    /// <remarks>
    /// A plain <see cref="Command"/> named <c>tokensdk</c> rather than a <see cref="RootCommand"/>, whose name (shown in
    /// help) would be the dll's, <c>TokenSdk.Cli</c>.
    /// </remarks>
    private const string ConfigOptionName = "--config";
    private const string OrganizationOptionName = "--org";

    /// <summary>Creates the <c>--config FILE</c> option, on every command.</summary>
    private static Option<string?> CreateConfigOption() => new(ConfigOptionName)
    {
        Description = $"A JSON file whose '{Stores.CliConfiguration.SectionName}' section holds the TokenSdk options (the service's appsettings.json: " +
                      $"token prefixes, peppers, custom roles, default organization). Default: the {Stores.CliConfiguration.EnvironmentVariable} environment variable.",
        HelpName = "FILE",
        Recursive = true,
    };

    public static Command CreateRootCommand() => new(
        "tokensdk",
        "tokensdk: manage TokenSdk application tokens from the shell. Acts as an organization administrator of the " +
        "store it is given: whoever can write the store's directory already has that power. Exit codes: 0 success, " +
        "1 not found / invalid / refused, 2 usage error, 3 store error, 4 refused by policy, 5 unexpected error.")
    {
        new HelpOption(),
        new VersionOption(),
        CreateConfigOption(),
        new Option<string?>(OrganizationOptionName)
        {
            Description = "The organization to act in (default: the configured DefaultOrganizationId, 'default' without --config).",
            HelpName = "ID",
            Recursive = true,
        },
        RolesCommands.Create(),
        TokensCommands.Create(),
    };

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        Command root = CreateRootCommand();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // One line and exit code 2, instead of the parser's default (all errors plus the whole help, exit 1).
            ParseError first = parse.Errors[0];
            string message = first.Message.TrimEnd();
            ErrorOutput.Error($"{message}{(message.EndsWith('.') ? string.Empty : ".")} See '{CommandPath(parse.CommandResult)} --help'.");
            return ExitCodes.Usage;
        }

        Stores.CliConfiguration.OptionValue = parse.GetValue<string?>(ConfigOptionName);
        Stores.CliConfiguration.Organization = parse.GetValue<string?>(OrganizationOptionName);
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult command)
            {
                names.Add(command.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
