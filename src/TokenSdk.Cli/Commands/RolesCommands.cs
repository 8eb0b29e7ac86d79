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
    public static Command Create()
    {
        var roles = new Command("roles", "Show the roles a token can have and their permissions (no store needed).");

        var listOutput = new Option<string?>("--output", "-o")
        {
            Description = "table (aligned at a terminal, tab-separated otherwise) or json.",
            HelpName = "table|json",
        };
        listOutput.AcceptOnlyFromAmong("table", "json");
        var list = new Command("list", "List every role: id, name, number of permissions, description.") { listOutput };
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            _ => ListAsync(parse.GetValue(listOutput)), cancellationToken));

        var role = new Argument<string>("role") { Description = "The role's id (read-only-user) or name (\"Read Only User\")." };
        var showOutput = new Option<string?>("--output", "-o") { Description = "text (default) or json.", HelpName = "text|json" };
        showOutput.AcceptOnlyFromAmong("text", "json");
        var show = new Command("show", "Show one role and all its permissions. Exit code 1 if no role has that id or name.") { role, showOutput };
        show.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            _ => ShowAsync(parse.GetRequiredValue(role), parse.GetValue(showOutput)), cancellationToken));

        roles.Add(list);
        roles.Add(show);
        return roles;
    }

    private static async Task<int> ListAsync(string? output)
    {
        await using CliSession session = CliSession.WithoutStore();
        IReadOnlyList<Role> all = session.Roles.GetRoles();
        if (output == "json")
        {
            Console.WriteLine(Json.Write(json =>
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

        table.Write(Console.Out, aligned: output == "table" || Terminal.IsStdoutTerminal);
        return ExitCodes.Success;
    }

    private static async Task<int> ShowAsync(string idOrName, string? output)
    {
        await using CliSession session = CliSession.WithoutStore();
        Role role = session.Roles.FindRole(idOrName)
            ?? throw new CliException(ExitCodes.Failure, $"No role has the id or name '{ErrorOutput.OneLine(idOrName)}'; 'tokensdk roles list' shows them.");
        if (output == "json")
        {
            Console.WriteLine(Json.Write(json => WriteRole(json, role)));
            return ExitCodes.Success;
        }

        Console.WriteLine(Terminal.Bold($"{role.Name} ({role.Id})"));
        if (role.Description.Length > 0)
        {
            Console.WriteLine(role.Description);
        }

        if (role.Resources.Count > 0)
        {
            Console.WriteLine("Resources: " + string.Join(", ", role.Resources));
        }

        Console.WriteLine($"Permissions ({role.Permissions.Count}):");
        foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
        {
            Console.WriteLine("  " + permission);
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
