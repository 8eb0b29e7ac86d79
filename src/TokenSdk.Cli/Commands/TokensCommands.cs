using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Commands;

/// <summary>The <c>tokens</c> command group and the options its commands share.</summary>
internal static class TokensCommands
{
    /// <summary>Builds the <c>tokens</c> command group.</summary>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(CliEnvironment environment)
    {
        var store = new Option<string?>("--store", "-s")
        {
            Description = "The token store: a file store directory (optionally 'file:DIR'), or 'postgres' / 'postgres:SCHEMA' for the PostgreSQL store " +
                          $"on the database of the {PostgreSqlTarget.ConnectionVariable} environment variable. Default: the {StoreSelection.EnvironmentVariable} environment variable.",
            HelpName = "DIR|postgres[:SCHEMA]",
            Recursive = true,
        };

        var tokens = new Command("tokens", "Create, list, verify, rotate and delete application tokens in a store, as an organization administrator.")
        {
            store,
            CreateTokenCommand.Create(store, environment),
            ListTokensCommand.Create(store, environment),
            DeleteTokenCommand.Create(store, environment),
            VerifyTokenCommand.Create(store, environment),
            RotateTokenCommand.Create(store, environment),
        };
        return tokens;
    }

    /// <summary>
    /// Creates the repeatable <c>--role</c> (<c>-r</c>) option: one role a time (<c>-r database-administrator -r "Billing
    /// Administrator"</c>), kept in the order given. Counting, duplicates and unknown roles are the library's to judge.
    /// </summary>
    /// <param name="description">The help text.</param>
    /// <param name="required">Whether at least one is required.</param>
    public static Option<string[]> RoleOption(string description, bool required) => new("--role", "-r")
    {
        Description = description,
        HelpName = "ROLE",
        Required = required,
        Arity = ArgumentArity.OneOrMore,

        // One value per --role: '-r a b' is an error, not two roles, so a stray argument is never taken for a role.
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Creates the <c>--output</c> option for a new token's details.</summary>
    public static Option<string?> DetailsOutputOption()
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "How to print the details: text (default), json (the Astra creation response) or csv (GeneratedToken.csv). " +
                          "With --out-file the default follows the file's extension: .json, .txt, otherwise csv.",
            HelpName = "text|json|csv",
        };
        output.AcceptOnlyFromAmong(TokenDetailsWriter.Names);
        return output;
    }

    /// <summary>Creates the <c>--out-file</c> option.</summary>
    public static Option<string?> OutFileOption() => new("--out-file")
    {
        Description = "Write the details to this new file, created owner-only (0600); an existing file is never overwritten. " +
                      "Only the client id and the path are printed.",
        HelpName = "FILE",
    };

    /// <summary>Creates the <c>--format</c> option of the token a command issues.</summary>
    public static Option<string?> FormatOption()
    {
        var format = new Option<string?>("--format")
        {
            Description = "The token's format: default (TokenSdk's checksummed 'tsdk_' tokens, or the configured GenerationFormat) " +
                          "or astra ('AstraCS:' tokens).",
            HelpName = "default|astra",
        };
        format.AcceptOnlyFromAmong("default", "astra", "checksummed");
        return format;
    }

    /// <summary>Maps a <c>--format</c> value to a format; <see langword="null"/> for the configured default.</summary>
    /// <param name="value">The option's value.</param>
    public static TokenFormatKind? ParseFormat(string? value) => value switch
    {
        "astra" => TokenFormatKind.Astra,
        "checksummed" => TokenFormatKind.Checksummed,
        _ => null,
    };
}
