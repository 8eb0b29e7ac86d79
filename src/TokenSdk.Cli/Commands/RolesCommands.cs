using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// The <c>roles</c> command group: <c>list</c> and <c>show</c> (the roles a token can have), and <c>create</c>,
/// <c>update</c>, <c>delete</c> (the organization's custom roles, kept in the store), and how they print a role.
/// </summary>
internal static class RolesCommands
{
    /// <summary>The columns of <c>roles list</c>'s table, in order.</summary>
    public static readonly string[] Columns = ["ID", "NAME", "PERMISSIONS", "KIND", "VERSION", "UPDATED AT", "UPDATED BY", "DESCRIPTION"];

    /// <summary>Builds the <c>roles</c> command group.</summary>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(CliEnvironment environment)
    {
        var store = new Option<string?>("--store", "-s")
        {
            Description = "The token store, which keeps the organization's custom roles: a file store directory (optionally 'file:DIR'), or " +
                          $"'postgres' / 'postgres:SCHEMA' (database of {PostgreSqlTarget.ConnectionVariable}). Default: the {StoreSelection.EnvironmentVariable} " +
                          "environment variable. Needed by create, update and delete; without one, list and show know only the default and configured roles.",
            HelpName = "DIR|postgres[:SCHEMA]",
            Recursive = true,
        };

        var listOutput = new Option<string?>("--output", "-o")
        {
            Description = "table (aligned at a terminal, tab-separated otherwise) or json.",
            HelpName = "table|json",
        };
        listOutput.AcceptOnlyFromAmong("table", "json");
        var list = new Command(
            "list",
            "List the roles the organization can use: id, name, number of permissions, kind (default and configured roles are read-only; " +
            "custom roles, created with 'roles create', are editable), version, last update and by whom, description. " +
            "With a store (--store or TOKENSDK_STORE) the organization's custom roles are listed too.")
        {
            listOutput,
        };
        CommandRunner.SetAction(list, environment, (parse, context, _) => ListAsync(context, parse.GetValue(store), parse.GetValue(listOutput)));

        var role = new Argument<string>("role") { Description = "The role's id (read-only-user) or name (\"Read Only User\")." };
        Option<string?> showOutput = TextOrJsonOutput();
        var show = new Command(
            "show",
            "Show one role and all its permissions and resources; for a custom role also its version and last update. " +
            "Exit code 1 if the organization has no role of that id or name.")
        {
            role, showOutput,
        };
        CommandRunner.SetAction(show, environment, (parse, context, _) => ShowAsync(context, parse.GetValue(store), parse.GetRequiredValue(role), parse.GetValue(showOutput)));

        return new Command(
            "roles",
            "List and show the roles a token can have; create, change and delete the organization's custom roles. Custom roles are kept " +
            "in the store, so every service on that store sees a change (within the store's refresh bound). The tool acts as an organization administrator.")
        {
            store,
            list,
            show,
            RoleEditCommands.CreateCreate(store, environment),
            RoleEditCommands.CreateUpdate(store, environment),
            DeleteRoleCommand.Create(store, environment),
        };
    }

    /// <summary>Creates an <c>--output text|json</c> option.</summary>
    public static Option<string?> TextOrJsonOutput()
    {
        var output = new Option<string?>("--output", "-o") { Description = "text (default) or json.", HelpName = "text|json" };
        output.AcceptOnlyFromAmong("text", "json");
        return output;
    }

    /// <summary>Finds a role the caller's organization can use, by id or name.</summary>
    /// <param name="session">The session.</param>
    /// <param name="idOrName">The id or name as given.</param>
    /// <exception cref="CliException">No role of the organization matches (<see cref="ExitCodes.Failure"/>).</exception>
    public static Role Find(CliSession session, string idOrName) =>
        (idOrName.Length == 0 ? null : session.Roles.FindRole(idOrName, session.Caller.OrganizationId))
        ?? throw new CliException(ExitCodes.Failure, $"No role has the id or name '{ErrorOutput.OneLine(idOrName)}'; 'tokensdk roles list' shows them.");

    /// <summary>What kind of role it is: <c>default</c>, <c>configured</c> (both read-only) or <c>custom</c> (editable).</summary>
    /// <param name="role">The role.</param>
    public static string Kind(Role role) => role.IsEditable ? "custom" : role.IsDefault ? "default" : "configured";

    /// <summary>Prints a role for people: name and id, description, kind, resources, permissions.</summary>
    /// <param name="context">The invocation.</param>
    /// <param name="role">The role.</param>
    public static void WriteText(CliContext context, Role role)
    {
        TextWriter stdout = context.Out;
        stdout.WriteLine(context.Terminal.Bold($"{role.Name} ({role.Id})"));
        if (role.Description.Length > 0)
        {
            stdout.WriteLine(role.Description);
        }

        stdout.WriteLine("Kind: " + (role.IsEditable
            ? string.Create(CultureInfo.InvariantCulture,
                $"custom (editable), organization {role.OrganizationId}, version {role.Version}, updated {(role.UpdatedAt is { } at ? Json.Time(at) : "-")} by {role.UpdatedBy ?? "-"}")
            : role.IsDefault ? "default (read-only)" : "configured by the host (read-only)"));
        if (role.Resources.Count > 0)
        {
            stdout.WriteLine("Resources: " + string.Join(", ", role.Resources));
        }

        stdout.WriteLine($"Permissions ({role.Permissions.Count}):");
        foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
        {
            stdout.WriteLine("  " + permission);
        }
    }

    /// <summary>Writes a role as a JSON object (docs/cli.md, "JSON output").</summary>
    /// <param name="json">The writer.</param>
    /// <param name="role">The role.</param>
    public static void WriteJson(Utf8JsonWriter json, Role role)
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

        // Added with custom roles, after the fields scripts already read.
        json.WriteString("kind", Kind(role));
        json.WriteBoolean("editable", role.IsEditable);
        if (role.OrganizationId is { } organization)
        {
            json.WriteString("organizationId", organization);
            json.WriteNumber("version", role.Version);
        }
        else
        {
            json.WriteNull("organizationId");
            json.WriteNull("version");
        }

        Json.WriteTime(json, "updatedAt", role.UpdatedAt);
        if (role.UpdatedBy is { } by)
        {
            json.WriteString("updatedBy", by);
        }
        else
        {
            json.WriteNull("updatedBy");
        }

        json.WriteEndObject();
    }

    /// <summary>Opens TokenSdk with the store when one is given, else without (default and configured roles only).</summary>
    private static CliSession OpenForReading(CliContext context, string? store) =>
        context.ResolveStoreIfGiven(store) is { } selection ? CliSession.Open(context, selection, create: false) : CliSession.WithoutStore(context);

    private static async Task<int> ListAsync(CliContext context, string? store, string? output)
    {
        await using CliSession session = OpenForReading(context, store);
        IReadOnlyList<Role> all = session.Roles.GetRoles(session.Caller.OrganizationId);
        if (output == "json")
        {
            context.Out.WriteLine(Json.Write(json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("roles");
                foreach (Role role in all)
                {
                    WriteJson(json, role);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }));
            return ExitCodes.Success;
        }

        var table = new TableWriter(Columns);
        foreach (Role role in all)
        {
            table.AddRow(
                role.Id,
                role.Name,
                role.Permissions.Count.ToString(CultureInfo.InvariantCulture),
                Kind(role),
                role.IsEditable ? role.Version.ToString(CultureInfo.InvariantCulture) : "-",
                role.UpdatedAt is { } at ? Json.Time(at) : "-",
                role.UpdatedBy ?? "-",
                role.Description);
        }

        table.Write(context.Out, aligned: output == "table" || context.Terminal.IsStdoutTerminal, context.Terminal);
        return ExitCodes.Success;
    }

    private static async Task<int> ShowAsync(CliContext context, string? store, string idOrName, string? output)
    {
        await using CliSession session = OpenForReading(context, store);
        Role role = Find(session, idOrName);
        if (output == "json")
        {
            context.Out.WriteLine(Json.Write(json => WriteJson(json, role)));
        }
        else
        {
            WriteText(context, role);
        }

        return ExitCodes.Success;
    }
}
