using System.CommandLine;
using System.Globalization;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Commands;

/// <summary><c>tokensdk roles create</c> and <c>tokensdk roles update</c>: custom roles of the organization, kept in the store.</summary>
internal static class RoleEditCommands
{
    // Without --if-version an update applies to the latest version: read, change, write only that version, and start
    // again when another writer came in between. More writers than this racing on one role is not a real load.
    private const int MaxUpdateAttempts = 5;

    /// <summary>Builds <c>roles create</c>.</summary>
    /// <param name="store">The group's <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command CreateCreate(Option<string?> store, CliEnvironment environment)
    {
        var options = new RoleDefinitionOptions(forUpdate: false);
        Option<string?> output = RolesCommands.TextOrJsonOutput();
        var command = new Command(
            "create",
            "Create a custom role in the organization (--org, else the configured default), with a new id. It is kept in the store, so every " +
            "service on the store can give it to tokens ('tokens create --role NAME'). Define it with flags, with an Astra policy file (--policy), " +
            "or both: a flag replaces the same field of the file. Prints the role (text, or json with --output json). " +
            "Creates the store if it does not exist. Exit codes: 1 name taken, 2 invalid definition.");
        options.AddTo(command);
        command.Add(output);
        CommandRunner.SetAction(command, environment, (parse, context, ct) =>
            CreateAsync(context, parse.GetValue(store), options.Read(parse), parse.GetValue(output) == "json", ct));
        return command;
    }

    /// <summary>Builds <c>roles update</c>.</summary>
    /// <param name="store">The group's <c>--store</c> option.</param>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command CreateUpdate(Option<string?> store, CliEnvironment environment)
    {
        var role = new Argument<string>("role") { Description = "The custom role's id or name." };
        var options = new RoleDefinitionOptions(forUpdate: true);
        Option<long?> ifVersion = IfVersionOption("Change the role only if it is still at this version (see 'roles show'); otherwise change nothing and exit 6.");
        Option<string?> output = RolesCommands.TextOrJsonOutput();
        var command = new Command(
            "update",
            "Change a custom role. Starts from the role as it is now and changes only what is given: --name and --description replace theirs, " +
            "--permission and --resource replace the whole list, --add-permission/--remove-permission and --add-resource/--remove-resource " +
            "edit it, and a --policy file replaces the fields it holds (the flags then apply on top). Tokens holding the role get the change " +
            "at once (other processes: within the store's refresh bound). The change is made to the role's latest version (read again if " +
            "someone changes it meanwhile, so no other change is lost); with --if-version, only to that version. Nothing to change: exit 0, " +
            "the version stays. Default and configured roles are read-only (exit 4).")
        {
            role,
        };
        options.AddTo(command);
        command.Add(ifVersion);
        command.Add(output);
        CommandRunner.SetAction(command, environment, (parse, context, ct) => UpdateAsync(
            context, parse.GetValue(store), parse.GetRequiredValue(role), options.Read(parse), parse.GetValue(ifVersion), parse.GetValue(output) == "json", ct));
        return command;
    }

    /// <summary>Creates an <c>--if-version N</c> option (a version is 1 or more).</summary>
    /// <param name="description">The help text.</param>
    public static Option<long?> IfVersionOption(string description) => new("--if-version")
    {
        Description = description,
        HelpName = "VERSION",
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long version) && version >= 1)
            {
                return version;
            }

            result.AddError($"'{text}' is not a version for --if-version: use the role's version, a whole number from 1 ('tokensdk roles show' prints it).");
            return null;
        },
    };

    /// <summary>The refusal of a role that is no longer at the version <c>--if-version</c> gave.</summary>
    /// <param name="role">The role as it is now.</param>
    /// <param name="expected">The version given.</param>
    public static CliException VersionMismatch(Role role, long expected) => new(
        ExitCodes.VersionMismatch,
        string.Create(CultureInfo.InvariantCulture,
            $"The role '{role.Name}' is at version {role.Version}, not {expected}: it changed meanwhile. Nothing changed; check it ('tokensdk roles show {role.Id}') and retry."));

    private static async Task<int> CreateAsync(CliContext context, string? store, RoleChanges changes, bool json, CancellationToken cancellationToken)
    {
        // Usage errors first, before the store is opened (or created).
        StoreSelection selection = context.ResolveStore(store);
        RolePolicy? policy = changes.PolicyFile is null ? null : RolePolicyFile.Read(context.Environment, changes.PolicyFile);
        changes.Check(policy, LoadOptions(context));
        RoleDefinition definition = changes.ForCreate(policy);

        await using CliSession session = CliSession.Open(context, selection, create: true);
        Role role = CommandRunner.ValueOrFail(
            await session.RoleManager.CreateAsync(session.Caller, definition, cancellationToken).ConfigureAwait(false));
        Write(context, role, json, $"Created role '{role.Name}' ({role.Id}), version {role.Version}.");
        return ExitCodes.Success;
    }

    private static async Task<int> UpdateAsync(
        CliContext context, string? store, string idOrName, RoleChanges changes, long? ifVersion, bool json, CancellationToken cancellationToken)
    {
        StoreSelection selection = context.ResolveStore(store);
        if (changes.IsEmpty)
        {
            throw new CliException(ExitCodes.Usage,
                "Nothing to change: give --name, --description, --permission, --add-permission, --remove-permission, --resource, --add-resource, " +
                "--remove-resource or --policy. See 'tokensdk roles update --help'.");
        }

        RolePolicy? policy = changes.PolicyFile is null ? null : RolePolicyFile.Read(context.Environment, changes.PolicyFile);
        changes.Check(policy, LoadOptions(context));

        await using CliSession session = CliSession.Open(context, selection, create: false);
        Role current = RolesCommands.Find(session, idOrName);
        if (!current.IsEditable)
        {
            // The library refuses (and audits the refusal) with the reason: a default or configured role.
            CommandRunner.ThrowIfFailed(await session.RoleManager.UpdateAsync(
                session.Caller, current.Id, RoleChanges.Of(current), ifVersion, cancellationToken).ConfigureAwait(false));
        }

        for (int attempt = 1; ; attempt++)
        {
            if (ifVersion is { } expected && current.Version != expected)
            {
                throw VersionMismatch(current, expected);
            }

            RoleDefinition definition = changes.ForUpdate(current, policy);
            if (RoleChanges.IsUnchanged(current, definition))
            {
                Write(context, current, json, string.Create(CultureInfo.InvariantCulture,
                    $"Role '{current.Name}' ({current.Id}) already is as asked: nothing changed, still version {current.Version}."));
                return ExitCodes.Success;
            }

            // Always compare-and-set: the change was computed from this version, so it must not overwrite a newer one.
            ManagementResult<Role> result = await session.RoleManager.UpdateAsync(
                session.Caller, current.Id, definition, ifVersion ?? current.Version, cancellationToken).ConfigureAwait(false);
            if (result.Status == ManagementStatus.PreconditionFailed && ifVersion is null && attempt < MaxUpdateAttempts)
            {
                current = RolesCommands.Find(session, current.Id);
                continue;
            }

            Role updated = CommandRunner.ValueOrFail(result);
            Write(context, updated, json, string.Create(CultureInfo.InvariantCulture,
                $"Updated role '{updated.Name}' ({updated.Id}) to version {updated.Version}: {Compare(current, updated)}."));
            return ExitCodes.Success;
        }
    }

    /// <summary>The options of <c>--config</c>, for the permissions the host declares.</summary>
    private static TokenSdkOptions LoadOptions(CliContext context)
    {
        var options = new TokenSdkOptions();
        context.LoadOptions()(options);
        return options;
    }

    /// <summary>Prints the outcome: a line and the role for people, or the role's JSON object alone.</summary>
    private static void Write(CliContext context, Role role, bool json, string summary)
    {
        if (json)
        {
            context.Out.WriteLine(Json.Write(writer => RolesCommands.WriteJson(writer, role)));
            return;
        }

        context.Out.WriteLine(summary);
        RolesCommands.WriteText(context, role);
    }

    /// <summary>What changed, for people: <c>name 'a' -> 'b'; description changed; permissions +x -y; resources +r</c>.</summary>
    private static string Compare(Role before, Role after)
    {
        List<string> changes = [];
        if (!string.Equals(before.Name, after.Name, StringComparison.Ordinal))
        {
            changes.Add($"name '{before.Name}' -> '{after.Name}'");
        }

        if (!string.Equals(before.Description, after.Description, StringComparison.Ordinal))
        {
            changes.Add("description changed");
        }

        AddDifferences(changes, "permissions", before.Permissions, after.Permissions);
        AddDifferences(changes, "resources", before.Resources.Select(r => r.ToString()), after.Resources.Select(r => r.ToString()));
        return changes.Count == 0 ? "no change" : string.Join("; ", changes);
    }

    private static void AddDifferences(List<string> changes, string what, IEnumerable<string> before, IEnumerable<string> after)
    {
        string[] added = [.. after.Except(before, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        string[] removed = [.. before.Except(after, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (added.Length > 0 || removed.Length > 0)
        {
            changes.Add($"{what} {string.Join(' ', added.Select(a => "+" + a).Concat(removed.Select(r => "-" + r)))}");
        }
    }
}
