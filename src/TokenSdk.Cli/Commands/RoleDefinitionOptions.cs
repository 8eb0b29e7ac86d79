using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// The options that define a custom role (<c>roles create</c>, <c>roles update</c>): <c>--name</c>,
/// <c>--description</c>, <c>--permission</c>, <c>--resource</c>, <c>--policy FILE</c> and, for <c>update</c>, the
/// options that add to and remove from the lists.
/// </summary>
internal sealed class RoleDefinitionOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="forUpdate">Whether they are <c>roles update</c>'s: with <c>--add-*</c> and <c>--remove-*</c>, and help that speaks of replacing.</param>
    public RoleDefinitionOptions(bool forUpdate)
    {
        ForUpdate = forUpdate;
        Name = new Option<string?>("--name", "-n")
        {
            Description = forUpdate
                ? "The new name: 1 to 100 characters, unique in the organization (case-insensitive)."
                : "The role's name: 1 to 100 characters, unique in the organization (case-insensitive), not a default or configured role's. " +
                  "Required, here or as 'name' in the --policy file.",
            HelpName = "NAME",
        };
        Description = new Option<string?>("--description", "-d")
        {
            Description = forUpdate
                ? "The new description (at most 1000 characters); \"\" removes it."
                : "What the role is for (at most 1000 characters).",
            HelpName = "TEXT",
        };
        Permissions = ListOption(
            "--permission",
            "-p",
            "PERMISSION",
            (forUpdate ? "Replace the role's permissions with these" : "A permission the role grants") +
            " (an action such as db-table-select; 'tokensdk roles show organization-administrator' lists them all, the host's declared ones included). " +
            "Repeat it, or separate several with commas: -p db-cql -p db-table-select, or -p db-cql,db-table-select. " +
            (forUpdate ? string.Empty : "At least one, here or as 'policy.actions' in the --policy file."));
        Resources = ListOption(
            "--resource",
            null,
            "DRN",
            (forUpdate ? "Replace the resources the permissions apply to with these" : "A resource the permissions apply to") +
            ", as a DRN: drn:astra:org:<org>[:db:<db>[:keyspace:<keyspace>[:table:<table>]]], '*' for any (drn:astra:org:*:db:orders). " +
            "Repeatable, or comma-separated. " +
            (forUpdate ? string.Empty : "Without any, the permissions apply to every resource of the organization."));
        Policy = new Option<string?>("--policy")
        {
            Description = "A JSON file in the Astra shape: {\"name\": \"...\", \"policy\": {\"description\": \"...\", \"actions\": [...], \"resources\": [...], \"effect\": \"allow\"}}. " +
                          "Every field is optional; other fields are refused. " +
                          (forUpdate
                              ? "The fields it holds replace the role's (\"resources\": [] removes every resource limit); the flags then apply on top."
                              : "A flag given as well replaces the same field of the file (--permission replaces 'actions' whole)."),
            HelpName = "FILE",
        };
        if (forUpdate)
        {
            AddPermissions = ListOption("--add-permission", null, "PERMISSION", "Add a permission (repeatable, or comma-separated); one the role grants already is kept once.");
            RemovePermissions = ListOption("--remove-permission", null, "PERMISSION", "Remove a permission (repeatable, or comma-separated); it must be one the role grants.");
            AddResources = ListOption("--add-resource", null, "DRN", "Add a resource, as a DRN (repeatable, or comma-separated).");
            RemoveResources = ListOption("--remove-resource", null, "DRN", "Remove a resource, as a DRN (repeatable, or comma-separated); it must be one of the role's. Removing the last one lifts the limit: the permissions then apply to every resource of the organization.");
        }
    }

    /// <summary>Gets whether these are <c>roles update</c>'s options.</summary>
    public bool ForUpdate { get; }

    /// <summary>Gets <c>--name</c>.</summary>
    public Option<string?> Name { get; }

    /// <summary>Gets <c>--description</c>.</summary>
    public Option<string?> Description { get; }

    /// <summary>Gets <c>--permission</c>.</summary>
    public Option<string[]> Permissions { get; }

    /// <summary>Gets <c>--resource</c>.</summary>
    public Option<string[]> Resources { get; }

    /// <summary>Gets <c>--policy</c>.</summary>
    public Option<string?> Policy { get; }

    /// <summary>Gets <c>--add-permission</c> (update only).</summary>
    public Option<string[]>? AddPermissions { get; }

    /// <summary>Gets <c>--remove-permission</c> (update only).</summary>
    public Option<string[]>? RemovePermissions { get; }

    /// <summary>Gets <c>--add-resource</c> (update only).</summary>
    public Option<string[]>? AddResources { get; }

    /// <summary>Gets <c>--remove-resource</c> (update only).</summary>
    public Option<string[]>? RemoveResources { get; }

    /// <summary>Adds the options to <paramref name="command"/>, in the order help shows them.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        command.Add(Name);
        command.Add(Description);
        command.Add(Permissions);
        if (AddPermissions is not null)
        {
            command.Add(AddPermissions);
            command.Add(RemovePermissions!);
        }

        command.Add(Resources);
        if (AddResources is not null)
        {
            command.Add(AddResources);
            command.Add(RemoveResources!);
        }

        command.Add(Policy);
    }

    /// <summary>Reads what the command line asks for.</summary>
    /// <param name="parse">The parse result.</param>
    public RoleChanges Read(ParseResult parse) => new(
        parse.GetValue(Name),
        parse.GetValue(Description),
        Values(parse, Permissions),
        Values(parse, Resources),
        Values(parse, AddPermissions) ?? [],
        Values(parse, RemovePermissions) ?? [],
        Values(parse, AddResources) ?? [],
        Values(parse, RemoveResources) ?? [],
        parse.GetValue(Policy));

    private static Option<string[]> ListOption(string name, string? alias, string helpName, string description)
    {
        Option<string[]> option = alias is null ? new Option<string[]>(name) : new Option<string[]>(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.Arity = ArgumentArity.OneOrMore;

        // One value per flag (commas separate several): '-p a b' is an error, so a stray argument is never taken for one.
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }

    /// <summary>The values of a repeatable, comma-separated option; <see langword="null"/> when it is not given.</summary>
    private static string[]? Values(ParseResult parse, Option<string[]>? option) =>
        option is null || parse.GetResult(option) is null
            ? null
            : [.. (parse.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}

/// <summary>What <c>roles create</c> or <c>roles update</c> was asked to set or change.</summary>
/// <param name="Name"><c>--name</c>, or <see langword="null"/>.</param>
/// <param name="Description"><c>--description</c>, or <see langword="null"/>.</param>
/// <param name="Permissions"><c>--permission</c> values, or <see langword="null"/> when not given.</param>
/// <param name="Resources"><c>--resource</c> values, or <see langword="null"/> when not given.</param>
/// <param name="AddPermissions"><c>--add-permission</c> values.</param>
/// <param name="RemovePermissions"><c>--remove-permission</c> values.</param>
/// <param name="AddResources"><c>--add-resource</c> values.</param>
/// <param name="RemoveResources"><c>--remove-resource</c> values.</param>
/// <param name="PolicyFile"><c>--policy</c>, or <see langword="null"/>.</param>
internal sealed record RoleChanges(
    string? Name,
    string? Description,
    string[]? Permissions,
    string[]? Resources,
    string[] AddPermissions,
    string[] RemovePermissions,
    string[] AddResources,
    string[] RemoveResources,
    string? PolicyFile)
{
    /// <summary>Gets whether nothing at all is asked for.</summary>
    public bool IsEmpty =>
        Name is null && Description is null && Permissions is null && Resources is null && PolicyFile is null
        && AddPermissions.Length == 0 && RemovePermissions.Length == 0 && AddResources.Length == 0 && RemoveResources.Length == 0;

    /// <summary>
    /// Checks what can be checked without the store: flags that contradict each other, permissions the options do not
    /// know, resources that are not DRNs. Each error names the flag or the file's field the value came from.
    /// </summary>
    /// <param name="policy">The <c>--policy</c> file's content, or <see langword="null"/>.</param>
    /// <param name="options">The options TokenSdk runs with (the host's declared permissions).</param>
    /// <exception cref="CliException">A value is wrong (<see cref="ExitCodes.Usage"/>).</exception>
    public void Check(RolePolicy? policy, TokenSdkOptions options)
    {
        if (Permissions is not null && (AddPermissions.Length > 0 || RemovePermissions.Length > 0))
        {
            throw new CliException(ExitCodes.Usage, "--permission replaces the role's permissions; it cannot be combined with --add-permission or --remove-permission.");
        }

        if (Resources is not null && (AddResources.Length > 0 || RemoveResources.Length > 0))
        {
            throw new CliException(ExitCodes.Usage, "--resource replaces the role's resources; it cannot be combined with --add-resource or --remove-resource.");
        }

        var known = new HashSet<string>(TokenSdk.Roles.Permissions.All.Concat(options.CustomPermissions), StringComparer.Ordinal);
        CheckPermissions(Permissions, "--permission", known);
        CheckPermissions(AddPermissions, "--add-permission", known);
        CheckPermissions(Permissions is null ? policy?.Actions : null, "'policy.actions' of the --policy file", known);
        CheckResources(Resources, "--resource");
        CheckResources(AddResources, "--add-resource");
        CheckResources(RemoveResources, "--remove-resource");
        CheckResources(Resources is null ? policy?.Resources : null, "'policy.resources' of the --policy file");
    }

    /// <summary>The definition of a new role: the file's fields, each replaced by its flag when one is given.</summary>
    /// <param name="policy">The <c>--policy</c> file's content, or <see langword="null"/>.</param>
    /// <exception cref="CliException">The name or the permissions are missing (<see cref="ExitCodes.Usage"/>).</exception>
    public RoleDefinition ForCreate(RolePolicy? policy)
    {
        string? name = Name ?? policy?.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CliException(ExitCodes.Usage, "The role needs a name: pass --name NAME, or give 'name' in the --policy file.");
        }

        string[] permissions = Permissions ?? policy?.Actions ?? [];
        if (permissions.Length == 0)
        {
            throw new CliException(ExitCodes.Usage,
                "The role needs at least one permission: pass --permission PERMISSION (repeatable, or comma-separated), or give 'policy.actions' in the --policy file.");
        }

        return Definition(name, Description ?? policy?.Description, permissions, Resources ?? policy?.Resources ?? []);
    }

    /// <summary>
    /// The new definition of an existing role: <paramref name="current"/>, then the file's fields, then the flags,
    /// then what <c>--remove-*</c> and <c>--add-*</c> change.
    /// </summary>
    /// <param name="current">The role as it is now.</param>
    /// <param name="policy">The <c>--policy</c> file's content, or <see langword="null"/>.</param>
    /// <exception cref="CliException">A value to remove is not the role's (<see cref="ExitCodes.Usage"/>).</exception>
    public RoleDefinition ForUpdate(Role current, RolePolicy? policy)
    {
        string name = Name ?? policy?.Name ?? current.Name;
        string description = Description ?? policy?.Description ?? current.Description;
        List<string> permissions = [.. Permissions ?? policy?.Actions ?? (IEnumerable<string>)current.Permissions.Order(StringComparer.Ordinal)];
        foreach (string permission in RemovePermissions)
        {
            if (permissions.RemoveAll(p => string.Equals(p, permission, StringComparison.Ordinal)) == 0)
            {
                throw new CliException(ExitCodes.Usage,
                    $"--remove-permission: the role '{current.Name}' does not grant '{Shown(permission)}'; 'tokensdk roles show {current.Id}' lists what it grants.");
            }
        }

        foreach (string permission in AddPermissions)
        {
            if (!permissions.Contains(permission, StringComparer.Ordinal))
            {
                permissions.Add(permission);
            }
        }

        List<string> resources = [.. Resources ?? policy?.Resources ?? current.Resources.Select(r => r.ToString())];
        foreach (string resource in RemoveResources)
        {
            ResourceScope scope = ResourceScope.Parse(resource);
            if (resources.RemoveAll(r => ResourceScope.TryParse(r, out ResourceScope? held) && held.Equals(scope)) == 0)
            {
                throw new CliException(ExitCodes.Usage,
                    $"--remove-resource: the role '{current.Name}' is not limited to '{Shown(resource)}'; 'tokensdk roles show {current.Id}' lists its resources.");
            }
        }

        foreach (string resource in AddResources)
        {
            ResourceScope scope = ResourceScope.Parse(resource);
            if (!resources.Any(r => ResourceScope.TryParse(r, out ResourceScope? held) && held.Equals(scope)))
            {
                resources.Add(resource);
            }
        }

        return Definition(name, description, permissions, resources);
    }

    /// <summary>The definition of a role as it is (what a refused change to a read-only role is asked with).</summary>
    /// <param name="role">The role.</param>
    public static RoleDefinition Of(Role role) =>
        Definition(role.Name, role.Description, role.Permissions.Order(StringComparer.Ordinal), role.Resources.Select(r => r.ToString()));

    /// <summary>Returns whether <paramref name="definition"/> would leave <paramref name="role"/> as it is.</summary>
    /// <param name="role">The role.</param>
    /// <param name="definition">The new definition.</param>
    public static bool IsUnchanged(Role role, RoleDefinition definition)
    {
        if (!string.Equals(role.Name, definition.Name, StringComparison.Ordinal)
            || !string.Equals(role.Description, definition.Description ?? string.Empty, StringComparison.Ordinal)
            || !role.Permissions.SetEquals(definition.Permissions))
        {
            return false;
        }

        var resources = new HashSet<ResourceScope>();
        foreach (string resource in definition.Resources)
        {
            if (!ResourceScope.TryParse(resource, out ResourceScope? scope))
            {
                return false;
            }

            resources.Add(scope);
        }

        return resources.SetEquals(role.Resources);
    }

    /// <summary>A value as an error may show it: one line, at most 100 characters.</summary>
    /// <param name="value">The value as given.</param>
    public static string Shown(string value)
    {
        string line = ErrorOutput.OneLine(value);
        return line.Length <= 100 ? line : string.Concat(line.AsSpan(0, 100), "...");
    }

    private static RoleDefinition Definition(string name, string? description, IEnumerable<string> permissions, IEnumerable<string> resources)
    {
        var definition = new RoleDefinition { Name = name, Description = string.IsNullOrEmpty(description) ? null : description };
        foreach (string permission in permissions)
        {
            definition.Permissions.Add(permission);
        }

        foreach (string resource in resources)
        {
            definition.Resources.Add(resource);
        }

        return definition;
    }

    private static void CheckPermissions(string[]? values, string source, HashSet<string> known)
    {
        foreach (string value in values ?? [])
        {
            if (!known.Contains(value))
            {
                throw new CliException(ExitCodes.Usage,
                    $"Unknown permission '{Shown(value)}' ({source}); 'tokensdk roles show organization-administrator' lists every permission, the host's declared ones included.");
            }
        }
    }

    private static void CheckResources(string[]? values, string source)
    {
        foreach (string value in values ?? [])
        {
            if (!ResourceScope.TryParse(value, out _))
            {
                throw new CliException(ExitCodes.Usage,
                    $"The resource '{Shown(value)}' ({source}) is not a DRN; use drn:astra:org:<org>[:db:<db>[:keyspace:<keyspace>[:table:<table>]]], with '*' for any.");
            }
        }
    }
}
