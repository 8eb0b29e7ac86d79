using System.CommandLine;
using System.Text.Json;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Commands;

/// <summary><c>tokensdk roles list</c> and <c>tokensdk roles show</c>: the roles a token can have.</summary>
internal static class RolesCommands
{
    /// <summary>Builds the <c>roles</c> command group.</summary>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(CliEnvironment environment)
    {
        var roles = new Command("roles", "Show the roles a token can have and their permissions (no store needed).");

        var listOutput = new Option<string?>("--output", "-o")
        {
            Description = "table (aligned at a terminal, tab-separated otherwise) or json.",
            HelpName = "table|json",
        };
        listOutput.AcceptOnlyFromAmong("table", "json");
        var list = new Command("list", "List every role: id, name, number of permissions, description.") { listOutput };
        CommandRunner.SetAction(list, environment, (parse, context, _) => ListAsync(context, parse.GetValue(listOutput)));

        var role = new Argument<string>("role") { Description = "The role's id (read-only-user) or name (\"Read Only User\")." };
        var showOutput = new Option<string?>("--output", "-o") { Description = "text (default) or json.", HelpName = "text|json" };
        showOutput.AcceptOnlyFromAmong("text", "json");
        var show = new Command("show", "Show one role and all its permissions. Exit code 1 if no role has that id or name.") { role, showOutput };
        CommandRunner.SetAction(show, environment, (parse, context, _) => ShowAsync(context, parse.GetRequiredValue(role), parse.GetValue(showOutput)));

        roles.Add(list);
        roles.Add(show);
        return roles;
    }

    private static async Task<int> ListAsync(CliContext context, string? output)
    {
        await using CliSession session = CliSession.WithoutStore(context);
        IReadOnlyList<Role> all = session.Roles.GetRoles();
        if (output == "json")
        {
            context.Out.WriteLine(Json.Write(json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("roles");
                foreach (Role role in all)
                {
                    WriteRole(json, role);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }));
            return ExitCodes.Success;
        }

        var table = new TableWriter("ID", "NAME", "PERMISSIONS", "DESCRIPTION");
        foreach (Role role in all)
        {
            table.AddRow(role.Id, role.Name, role.Permissions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), role.Description);
        }

        table.Write(context.Out, aligned: output == "table" || context.Terminal.IsStdoutTerminal, context.Terminal);
        return ExitCodes.Success;
    }

    private static async Task<int> ShowAsync(CliContext context, string idOrName, string? output)
    {
        await using CliSession session = CliSession.WithoutStore(context);
        Role role = session.Roles.FindRole(idOrName)
            ?? throw new CliException(ExitCodes.Failure, $"No role has the id or name '{ErrorOutput.OneLine(idOrName)}'; 'tokensdk roles list' shows them.");
        if (output == "json")
        {
            context.Out.WriteLine(Json.Write(json => WriteRole(json, role)));
            return ExitCodes.Success;
        }

        TextWriter stdout = context.Out;
        stdout.WriteLine(context.Terminal.Bold($"{role.Name} ({role.Id})"));
        if (role.Description.Length > 0)
        {
            stdout.WriteLine(role.Description);
        }

        if (role.Resources.Count > 0)
        {
            stdout.WriteLine("Resources: " + string.Join(", ", role.Resources));
        }

        stdout.WriteLine($"Permissions ({role.Permissions.Count}):");
        foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
        {
            stdout.WriteLine("  " + permission);
        }

        return ExitCodes.Success;
    }

    private static void WriteRole(Utf8JsonWriter json, Role role)
    {
        json.WriteStartObject();
        json.WriteString("id", role.Id);
        json.WriteString("name", role.Name);
        json.WriteString("description", role.Description);
        json.WriteBoolean("isDefault", role.IsDefault);
        Json.WriteSortedStrings(json, "permissions", role.Permissions);
        json.WriteStartArray("resources");
        foreach (ResourceScope scope in role.Resources)
        {
            json.WriteStringValue(scope.ToString());
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
