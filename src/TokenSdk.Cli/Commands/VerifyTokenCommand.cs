using System.CommandLine;
using System.Text;
using System.Text.Json;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// <c>tokensdk tokens verify</c>: reads a token from stdin (never from the command line, which other users can see
/// in the process list and which lands in shell history) and says whether it is valid, with its roles.
/// </summary>
internal static class VerifyTokenCommand
{
    // Tokens are under 200 characters; anything much longer is not a token (and not worth reading whole).
    private const int MaxInput = 16 * 1024;

    /// <summary>Builds the command.</summary>
    /// <param name="store">The shared <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(Option<string?> store, CliEnvironment environment)
    {
        var output = new Option<string?>("--output", "-o") { Description = "text (default) or json.", HelpName = "text|json" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("verify", "Verify a token read from stdin. Exit code 0 when valid (prints client id, roles, permissions), 1 when not.")
        {
            output,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => RunAsync(context, parse.GetValue(store), parse.GetValue(output) == "json", ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? store, bool json, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        string token = await ReadTokenAsync(context, cancellationToken).ConfigureAwait(false);
        await using CliSession session = CliSession.Open(context, selection, create: false);
        TokenVerificationResult result = await session.Verifier.VerifyAsync(token, cancellationToken).ConfigureAwait(false);

        TextWriter stdout = context.Out;
        if (json)
        {
            stdout.WriteLine(Json.Write(w => WriteJson(w, result)));
        }
        else if (result.IsValid)
        {
            stdout.WriteLine(context.Terminal.Good("valid"));
            stdout.WriteLine($"Client Id:    {result.ClientId}");
            stdout.WriteLine($"Organization: {result.OrganizationId}");
            stdout.WriteLine($"{RoleText.Label(result.Roles.Count) + ":",-14}{RoleText.NamesAndIds(result.Roles)}");
            stdout.WriteLine($"Expires at:   {(result.ExpiresAt is { } expiresAt ? Json.Time(expiresAt) : "never")}");
            stdout.WriteLine($"Permissions ({result.Permissions.Count}):");
            foreach (string permission in result.Permissions.Order(StringComparer.Ordinal))
            {
                stdout.WriteLine("  " + permission);
            }
        }

        if (!result.IsValid)
        {
            // The status only: the token itself is never echoed.
            context.Errors.Error($"the token is not valid ({StatusName(result.Status)}).");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    private static void WriteJson(Utf8JsonWriter json, TokenVerificationResult result)
    {
        json.WriteStartObject();
        json.WriteBoolean("valid", result.IsValid);
        json.WriteString("status", StatusName(result.Status));
        if (result.IsValid)
        {
            json.WriteString("clientId", result.ClientId);
            json.WriteString("orgId", result.OrganizationId);
            if (result.Roles.Count == 1)
            {
                // The field of the tool's versions before tokens of several roles, kept for the scripts that read it:
                // only for a token of one role, so a script never takes one role of several for the token's.
                json.WriteStartObject("role");
                json.WriteString("id", result.Roles[0].Id);
                json.WriteString("name", result.Roles[0].Name);
                json.WriteEndObject();
            }

            json.WriteStartArray("roles");
            foreach (Role role in result.Roles)
            {
                json.WriteStartObject();
                json.WriteString("id", role.Id);
                json.WriteString("name", role.Name);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            Json.WriteSortedStrings(json, "permissions", result.Permissions);
            Json.WriteTime(json, "expiresAt", result.ExpiresAt);
        }

        json.WriteEndObject();
    }

    private static string StatusName(VerificationStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private static async Task<string> ReadTokenAsync(CliContext context, CancellationToken cancellationToken)
    {
        string text;
        if (context.Terminal.IsStdinTerminal)
        {
            text = ReadHidden(context);
        }
        else
        {
            char[] buffer = new char[MaxInput + 1];
            int total = 0;
            int read;
            while (total < buffer.Length && (read = await context.Environment.In.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            if (total > MaxInput)
            {
                throw new CliException(ExitCodes.Usage, $"stdin holds more than {MaxInput} characters; pipe in just the token.");
            }

            text = new string(buffer, 0, total);
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            throw new CliException(ExitCodes.Usage, "No token on stdin: pipe it in, for example 'tokensdk tokens verify < token.txt'.");
        }

        return text;
    }

    private static string ReadHidden(CliContext context)
    {
        // At a terminal the token is typed or pasted without echo, so it does not stay on the screen.
        context.Errors.Prompt("Token (input hidden, Enter to finish):");
        var text = new StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = context.Environment.ReadKey();
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        context.Errors.EndPrompt();
        return text.ToString();
    }
}
