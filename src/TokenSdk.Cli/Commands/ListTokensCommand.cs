using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Management;
using TokenSdk.Storage;

namespace TokenSdk.Cli.Commands;

/// <summary><c>tokensdk tokens list</c>: the tokens of the organization, never a secret.</summary>
internal static class ListTokensCommand
{
    /// <summary>The columns of the table, in order.</summary>
    public static readonly string[] Columns = ["CLIENT ID", "ROLES", "GENERATED ON", "EXPIRES AT", "LAST USED", "DESCRIPTION"];

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
        var unusedSince = new Option<UnusedSince?>("--unused-since")
        {
            Description = "List only the tokens not used since then: last used before it, or never used and generated before it. " +
                          "A duration back from now (90d, 12h, 30m, 1d12h; at most 100 years) or an ISO-8601 date (2026-09-01, midnight UTC) " +
                          "or instant (2026-09-01T08:00:00Z, 2026-09-01T10:00+02:00). Last-used times are those the store keeps.",
            HelpName = "DURATION|DATE",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (UnusedSince.TryParse(text, out UnusedSince? value, out string? error))
                {
                    return value;
                }

                result.AddError(error!);
                return null;
            },
        };
        var command = new Command(
            "list",
            "List the tokens: client id, roles, generation time, expiry, last use, description. Never shows a secret.")
        {
            output, unusedSince,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) =>
            RunAsync(context, parse.GetValue(store), parse.GetValue(output), parse.GetValue(unusedSince), ct));
        return command;
    }

    /// <summary>The cells of one token's row, in the order of <see cref="Columns"/>.</summary>
    /// <param name="token">The token.</param>
    public static string?[] Row(TokenInfo token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return
        [
            token.ClientId,
            RoleText.Names(token),
            Json.Time(token.GeneratedOn),
            token.ExpiresAt is { } expiresAt ? Json.Time(expiresAt) : "never",
            token.LastUsedAt is { } lastUsed ? Json.Time(lastUsed) : "never",
            token.Description,
        ];
    }

    private static async Task<int> RunAsync(CliContext context, string? store, string? output, UnusedSince? unusedSince, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        await using CliSession session = CliSession.Open(context, selection, create: false);

        IReadOnlyList<TokenInfo> tokens = unusedSince is null
            ? CommandRunner.ValueOrFail(await session.Manager.ListAllAsync(session.Caller, cancellationToken).ConfigureAwait(false))
            : await ListUnusedAsync(session, unusedSince.Resolve(context.Environment.Time.GetUtcNow()), cancellationToken).ConfigureAwait(false);

        if (output == "json")
        {
            context.Out.WriteLine(Json.Write(json => AstraTokenJson.WriteTokenList(json, tokens)));
            return ExitCodes.Success;
        }

        var table = new TableWriter(Columns);
        foreach (TokenInfo token in tokens)
        {
            table.AddRow(Row(token));
        }

        bool aligned = output == "table" || context.Terminal.IsStdoutTerminal;
        if (aligned && tokens.Count == 0)
        {
            context.Out.WriteLine(unusedSince is null ? "No tokens." : "No unused tokens.");
            return ExitCodes.Success;
        }

        table.Write(context.Out, aligned, context.Terminal);
        return ExitCodes.Success;
    }

    /// <summary>Every token not used since <paramref name="since"/>, page by page.</summary>
    private static async Task<IReadOnlyList<TokenInfo>> ListUnusedAsync(CliSession session, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var tokens = new List<TokenInfo>();
        string? after = null;
        do
        {
            TokenPage page = CommandRunner.ValueOrFail(await session.Manager.ListAsync(
                session.Caller,
                new TokenListOptions { Limit = TokenListQuery.MaxLimit, After = after, UnusedSince = since },
                cancellationToken).ConfigureAwait(false));
            tokens.AddRange(page.Tokens);
            after = page.NextAfter;
        }
        while (after is not null);

        return tokens;
    }
}
