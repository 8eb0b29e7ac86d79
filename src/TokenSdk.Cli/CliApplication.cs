using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using TokenSdk.Cli.Commands;
using TokenSdk.Cli.Stores;

namespace TokenSdk.Cli;

/// <summary>
/// The <c>tokensdk</c> command tree, and parsing with the tool's own usage-error handling. Runs against the process's
/// console (<c>Program.Main</c>) or against streams and variables given by the caller (tests, in process).
/// </summary>
internal static class CliApplication
{
    /// <summary>Builds the root command for one invocation.</summary>
    /// <param name="environment">The environment the commands read and write.</param>
    /// <remarks>
    /// A plain <see cref="Command"/> named <c>tokensdk</c> rather than a <see cref="RootCommand"/>, whose name (shown in
    /// help) would be the dll's, <c>TokenSdk.Cli</c>.
    /// </remarks>
    public static Command CreateRootCommand(CliEnvironment environment) => new(
        "tokensdk",
        "tokensdk: manage TokenSdk application tokens from the shell. Acts as an organization administrator of the " +
        "store it is given: whoever can write the store (its directory, or its PostgreSQL database) already has that power. Exit codes: 0 success, " +
        "1 not found / invalid / refused, 2 usage error, 3 store error, 4 refused by policy, 5 unexpected error, " +
        "6 role changed meanwhile (--if-version), 7 role held by tokens, 8 tokens found (scan).")
    {
        new HelpOption(),
        new VersionOption(),
        new Option<string?>(CliContext.ConfigOptionName)
        {
            Description = $"A JSON file whose '{CliConfiguration.SectionName}' section holds the TokenSdk options (the service's appsettings.json: " +
                          $"token prefixes, peppers, custom roles, default organization). Default: the {CliConfiguration.EnvironmentVariable} environment variable.",
            HelpName = "FILE",
            Recursive = true,
        },
        new Option<string?>(CliContext.OrganizationOptionName)
        {
            Description = "The organization to act in (default: the configured DefaultOrganizationId, 'default' without --config).",
            HelpName = "ID",
            Recursive = true,
        },
        RolesCommands.Create(environment),
        TokensCommands.Create(environment),
        DbCommands.Create(environment),
        ScanCommand.Create(environment),
    };

    /// <summary>Parses and runs a command line on the process's console (<c>Program.Main</c>).</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, CliEnvironment.FromConsole(), handleTermination: true, CancellationToken.None);

    /// <summary>
    /// Parses and runs a command line in this process with the given streams and environment variables: nothing
    /// process-wide is read or changed (no console, no Ctrl+C handler), so invocations can run side by side.
    /// </summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="stdin">Standard input (never a terminal).</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable (<c>TOKENSDK_STORE</c>, <c>TOKENSDK_POSTGRES</c>, <c>TOKENSDK_CONFIG</c>, ...).</param>
    /// <param name="workingDirectory">The absolute directory relative paths start from.</param>
    /// <param name="cancellationToken">Interrupts the command, as Ctrl+C would (exit code 130).</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        TextReader stdin,
        Func<string, string?> getEnvironmentVariable,
        string workingDirectory,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliEnvironment(stdout, stderr, stdin, getEnvironmentVariable, workingDirectory), handleTermination: false, cancellationToken);

    /// <summary>Parses and runs a command line in this process in <paramref name="environment"/> (tests: streams, variables, clock).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="environment">The environment of the invocation.</param>
    /// <param name="cancellationToken">Interrupts the command, as Ctrl+C would (exit code 130).</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default) =>
        RunAsync(args, environment, handleTermination: false, cancellationToken);

    private static async Task<int> RunAsync(string[] args, CliEnvironment environment, bool handleTermination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ParseResult parse = CreateRootCommand(environment).Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // One line and exit code 2, instead of the parser's default (all errors plus the whole help, exit 1).
            ParseError first = parse.Errors[0];
            string message = first.Message.TrimEnd();
            environment.Errors.Error($"{message}{(message.EndsWith('.') ? string.Empty : ".")} See '{CommandPath(parse.CommandResult)} --help'.");
            return ExitCodes.Usage;
        }

        // The parser writes help and the version to Output; anything it would write to Error goes through ErrorOutput.
        using var parserErrors = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = environment.Out, Error = parserErrors };
        if (!handleTermination)
        {
            invocation.ProcessTerminationTimeout = null;
        }

        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Command bodies report their own failures; this catches what escapes the parser itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return CommandRunner.Report(ex, environment.Errors, cancellationToken);
        }
        finally
        {
            if (parserErrors.GetStringBuilder().Length > 0)
            {
                environment.Errors.Details(parserErrors.ToString().TrimEnd());
            }
        }
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
