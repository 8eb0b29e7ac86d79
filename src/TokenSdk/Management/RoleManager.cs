using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>
/// The default <see cref="IRoleManager"/>: authorize (<c>org-role-*</c>, same organization, no escalation) → validate
/// the definition → write to the <see cref="IRoleStore"/> (compare-and-set) → audit.
/// </summary>
/// <remarks>
/// The roles it writes are read back through the <see cref="IRoleCatalog"/>, which must have been created over the same
/// store (<see cref="RoleCatalog(IEnumerable{Role}, IEnumerable{string}, IEnumerable{IRoleSource}, IRoleStore)"/>;
/// <c>AddTokenSdk</c> wires both). With a token store that keeps no roles, roles can be listed and read but not
/// changed: writes fail with <see cref="ManagementStatus.InvalidRequest"/> saying so.
/// </remarks>
public sealed class RoleManager : IRoleManager
{
    /// <summary>The most custom roles an organization may create.</summary>
    public const int MaxRolesPerOrganization = 1000;

    // Last writer wins by retrying on a concurrent change; this many writers racing on one role is not a real load.
    private const int MaxUpdateAttempts = 16;

    private readonly IRoleStore? _store;
    private readonly IRoleCatalog _roles;
    private readonly HashSet<string> _knownPermissions;
    private readonly TokenAuditor _auditor;
    private readonly ManagementAuthorizer _authorizer;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a manager.</summary>
    /// <param name="store">The store of run-time roles (usually the token store); <see langword="null"/> when the token store keeps none.</param>
    /// <param name="roles">The role catalog, created over the same store.</param>
    /// <param name="options">The options (the permissions the host declares); <see langword="null"/> for the defaults.</param>
    /// <param name="auditSinks">Where audit events go; <see langword="null"/> for a <see cref="LoggerTokenAuditSink"/>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for none.</param>
    public RoleManager(
        IRoleStore? store,
        IRoleCatalog roles,
        TokenSdkOptions? options = null,
        IEnumerable<ITokenAuditSink>? auditSinks = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        options ??= new TokenSdkOptions();
        _store = store;
        _roles = roles;
        _knownPermissions = new HashSet<string>(Permissions.All.Concat(options.CustomPermissions), StringComparer.Ordinal);
        _timeProvider = timeProvider ?? TimeProvider.System;
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RoleManager>();
        _auditor = new TokenAuditor(auditSinks?.ToArray() ?? [new LoggerTokenAuditSink(loggerFactory)], logger);
        _authorizer = new ManagementAuthorizer(_auditor, roles, _timeProvider);
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<IReadOnlyList<Role>>> ListAsync(TokenCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        using Activity? activity = StartActivity("list", caller);
        ManagementResult? denied = await AuthorizeReadAsync(caller, "list-roles", cancellationToken).ConfigureAwait(false);
        return Finish(activity, denied is null
            ? ManagementResult<IReadOnlyList<Role>>.Ok(_roles.GetRoles(caller.OrganizationId))
            : ManagementResult<IReadOnlyList<Role>>.From(denied));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<Role>> GetAsync(TokenCaller caller, string roleIdOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(roleIdOrName);
        using Activity? activity = StartActivity("get", caller);
        ManagementResult? denied = await AuthorizeReadAsync(caller, "get-role", cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return Finish(activity, ManagementResult<Role>.From(denied));
        }

        return Finish(activity, Find(caller, roleIdOrName) is { } role ? ManagementResult<Role>.Ok(role) : RoleNotFound<Role>(roleIdOrName));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<Role>> CreateAsync(TokenCaller caller, RoleDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(definition);
        using Activity? activity = StartActivity("create", caller);
        ManagementResult? refused = await AuthorizeAsync(caller, "create-role", Permissions.OrgRoleWrite, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return Finish(activity, ManagementResult<Role>.From(refused));
        }

        if (!TryValidate(caller, definition, out ValidDefinition? valid, out ManagementResult? invalid))
        {
            return Finish(activity, ManagementResult<Role>.From(invalid));
        }

        if (_store!.Roles.InOrganization(caller.OrganizationId).Count >= MaxRolesPerOrganization)
        {
            return Finish(activity, ManagementResult<Role>.Failed(ManagementStatus.InvalidRequest, $"The organization has {MaxRolesPerOrganization} custom roles, the most it may have; delete one first."));
        }

        refused = await CheckEscalationAsync(caller, "create-role", valid, null, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return Finish(activity, ManagementResult<Role>.From(refused));
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        RoleStoreResult written;
        do
        {
            // A new id is a random UUID, as in the reference system; a clash is retried, never reported.
            var stored = new StoredRole(Guid.NewGuid().ToString("D"), caller.OrganizationId, valid.Name, valid.Permissions, valid.Resources, valid.Description, now, now, caller.Id, version: 1);
            written = await _store.AddRoleAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        while (written.Status == RoleStoreStatus.IdTaken);

        if (written.Status == RoleStoreStatus.NameTaken)
        {
            return Finish(activity, NameTaken<Role>(valid.Name));
        }

        Role role = Resolve(written.Role!);
        activity?.SetTag("tokensdk.role_id", role.Id);
        await AuditAsync(TokenAuditEventKind.RoleCreated, "create-role", caller, role.Id, $"name '{role.Name}'; {Describe(written.Role!)}", cancellationToken).ConfigureAwait(false);
        return Finish(activity, ManagementResult<Role>.Ok(role));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<Role>> UpdateAsync(TokenCaller caller, string roleId, RoleDefinition definition, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(roleId);
        ArgumentNullException.ThrowIfNull(definition);
        using Activity? activity = StartActivity("update", caller);
        ManagementResult? refused = await AuthorizeAsync(caller, "update-role", Permissions.OrgRoleWrite, cancellationToken).ConfigureAwait(false)
            ?? await FindEditableAsync(caller, "update-role", roleId, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return Finish(activity, ManagementResult<Role>.From(refused));
        }

        if (!TryValidate(caller, definition, out ValidDefinition? valid, out ManagementResult? invalid))
        {
            return Finish(activity, ManagementResult<Role>.From(invalid));
        }

        refused = await CheckEscalationAsync(caller, "update-role", valid, roleId, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return Finish(activity, ManagementResult<Role>.From(refused));
        }

        for (int attempt = 1; ; attempt++)
        {
            if (!_store!.Roles.TryGet(roleId, out StoredRole? current) || current.OrganizationId != caller.OrganizationId)
            {
                return Finish(activity, RoleNotFound<Role>(roleId));
            }

            long version = expectedVersion ?? current.Version;
            var changed = new StoredRole(current.Id, current.OrganizationId, valid.Name, valid.Permissions, valid.Resources, valid.Description, current.CreatedAt, _timeProvider.GetUtcNow(), caller.Id, version + 1);
            RoleStoreResult written = await _store.UpdateRoleAsync(changed, cancellationToken).ConfigureAwait(false);
            switch (written.Status)
            {
                case RoleStoreStatus.Succeeded:
                    Role role = Resolve(changed);
                    await AuditAsync(TokenAuditEventKind.RoleUpdated, "update-role", caller, role.Id, $"version {changed.Version}; {Compare(current, changed)}", cancellationToken).ConfigureAwait(false);
                    return Finish(activity, ManagementResult<Role>.Ok(role));
                case RoleStoreStatus.NameTaken:
                    return Finish(activity, NameTaken<Role>(valid.Name));
                case RoleStoreStatus.VersionMismatch when expectedVersion is null && attempt < MaxUpdateAttempts:
                    // Last writer wins: the store's snapshot now holds the newer version; apply this change over it.
                    continue;
                case RoleStoreStatus.VersionMismatch:
                    return Finish(activity, PreconditionFailed<Role>(roleId, expectedVersion, written.Role!.Version));
                default:
                    return Finish(activity, RoleNotFound<Role>(roleId));
            }
        }
    }

    /// <inheritdoc/>
    public async Task<ManagementResult> DeleteAsync(TokenCaller caller, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(roleId);
        using Activity? activity = StartActivity("delete", caller);
        ManagementResult? refused = await AuthorizeAsync(caller, "delete-role", Permissions.OrgRoleDelete, cancellationToken).ConfigureAwait(false)
            ?? await FindEditableAsync(caller, "delete-role", roleId, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return Finish(activity, refused);
        }

        RoleStoreResult deleted = await _store!.DeleteRoleAsync(caller.OrganizationId, roleId, expectedVersion, cancellationToken).ConfigureAwait(false);
        switch (deleted.Status)
        {
            case RoleStoreStatus.Succeeded:
                await AuditAsync(TokenAuditEventKind.RoleDeleted, "delete-role", caller, deleted.Role!.Id, $"name '{deleted.Role.Name}'; version {deleted.Role.Version}", cancellationToken).ConfigureAwait(false);
                return Finish(activity, ManagementResult.Success);
            case RoleStoreStatus.InUse:
                string message = $"The role '{deleted.Role!.Name}' is held by {deleted.TokenCount} token(s); delete them, or rotate them to another role, first. Expired tokens count until they are purged.";
                await _authorizer.DenyAsync(caller, "delete-role", null, deleted.Role.Id, message, cancellationToken).ConfigureAwait(false);
                return Finish(activity, ManagementResult.RoleInUse(message, deleted.TokenCount));
            case RoleStoreStatus.VersionMismatch:
                return Finish(activity, PreconditionFailed<Role>(roleId, expectedVersion, deleted.Role!.Version));
            default:
                return Finish(activity, RoleNotFound<Role>(roleId));
        }
    }

    private Role? Find(TokenCaller caller, string roleIdOrName) =>
        roleIdOrName.Length == 0 ? null : _roles.FindRole(roleIdOrName, caller.OrganizationId);

    /// <summary>The role as the catalog now holds it (the same instance verification gets), or built from the record.</summary>
    private Role Resolve(StoredRole stored) =>
        _roles.TryGetRole(stored.Id, out Role? role) && role.Version == stored.Version
            ? role
            : new Role(stored.Id, stored.Name, stored.Permissions, stored.Description, stored.Resources.Select(ResourceScope.Parse), isDefault: false, stored.OrganizationId, stored.Version, stored.UpdatedAt, stored.UpdatedBy);

    private async ValueTask<ManagementResult?> AuthorizeReadAsync(TokenCaller caller, string operation, CancellationToken cancellationToken) =>
        caller.HasPermission(Permissions.OrgTokenRead)
            ? null
            : await _authorizer.AuthorizeAsync(caller, operation, Permissions.OrgRoleRead, null, cancellationToken, subject: "roles").ConfigureAwait(false);

    private async ValueTask<ManagementResult?> AuthorizeAsync(TokenCaller caller, string operation, string permission, CancellationToken cancellationToken)
    {
        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, operation, permission, null, cancellationToken, subject: "roles").ConfigureAwait(false);
        if (denied is null && _store is null)
        {
            return ManagementResult.Failed(ManagementStatus.InvalidRequest, "The token store keeps no roles, so roles cannot be created, changed or deleted at run time. Use a store of this library (in-memory, file or PostgreSQL), or configure roles in TokenSdkOptions.CustomRoles.");
        }

        return denied;
    }

    /// <summary>Refuses unless <paramref name="roleId"/> names a role of the caller's organization that can change.</summary>
    private async ValueTask<ManagementResult?> FindEditableAsync(TokenCaller caller, string operation, string roleId, CancellationToken cancellationToken)
    {
        Role? role = roleId.Length == 0 ? null : _roles.TryGetRole(roleId, out Role? byId) && byId.IsUsableIn(caller.OrganizationId) ? byId : null;
        if (role is null)
        {
            return RoleNotFound<Role>(roleId);
        }

        if (role.IsEditable)
        {
            return null;
        }

        string message = $"The role '{role.Name}' is {(role.IsDefault ? "a default role" : "configured by the host")} and cannot be changed or deleted; create a custom role instead.";
        await _authorizer.DenyAsync(caller, operation, null, role.Id, message, cancellationToken).ConfigureAwait(false);
        return ManagementResult.Failed(ManagementStatus.RoleReadOnly, message);
    }

    private async ValueTask<ManagementResult?> CheckEscalationAsync(TokenCaller caller, string operation, ValidDefinition valid, string? roleId, CancellationToken cancellationToken)
    {
        var candidate = new Role(roleId ?? "new-role", valid.Name, valid.Permissions, valid.Description, valid.Scopes);
        string? missing = caller.FindEscalation(candidate, _roles);
        if (missing is null)
        {
            return null;
        }

        string message = $"Caller '{caller.Id}' cannot {(roleId is null ? "create" : "change")} a role that grants '{missing}': the caller does not hold it on every resource the role covers.";
        await _authorizer.DenyAsync(caller, operation, null, roleId, message, cancellationToken).ConfigureAwait(false);
        return ManagementResult.Failed(ManagementStatus.EscalationDenied, message, missing);
    }

    /// <summary>Checks every field; the first problem is reported, naming the field and why.</summary>
    private bool TryValidate(TokenCaller caller, RoleDefinition definition, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ValidDefinition? valid, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ManagementResult? invalid)
    {
        valid = null;
        string? name = definition.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            invalid = Invalid("The role's name is missing; give 1 to 100 characters.");
            return false;
        }

        if (!Identifiers.IsValidRoleName(name) || !DisplayText.IsSafe(name))
        {
            invalid = Invalid("The role's name is invalid: use 1 to 100 characters without control or direction-changing characters or surrounding whitespace.");
            return false;
        }

        string? description = string.IsNullOrEmpty(definition.Description) ? null : definition.Description;
        if (description is { Length: > StoredRole.MaxDescriptionLength })
        {
            invalid = Invalid($"The role's description is {description.Length} characters long; the most is {StoredRole.MaxDescriptionLength}.");
            return false;
        }

        if (description is not null && !DisplayText.IsSafe(description))
        {
            invalid = Invalid("The role's description holds control or direction-changing characters.");
            return false;
        }

        if (definition.Permissions.Count is 0 or > StoredRole.MaxPermissions)
        {
            invalid = Invalid($"A role grants 1 to {StoredRole.MaxPermissions} permissions (actions); {definition.Permissions.Count} were given.");
            return false;
        }

        var permissions = new List<string>(definition.Permissions.Count);
        foreach (string? permission in definition.Permissions)
        {
            if (permission is null || !_knownPermissions.Contains(permission))
            {
                invalid = Invalid($"The permission (action) '{SafeEcho.Role(permission ?? "null")}' is unknown; use a name from TokenSdk.Roles.Permissions or one the host declares.");
                return false;
            }

            if (!permissions.Contains(permission))
            {
                permissions.Add(permission);
            }
        }

        if (definition.Resources.Count > StoredRole.MaxResources)
        {
            invalid = Invalid($"A role names at most {StoredRole.MaxResources} resources; {definition.Resources.Count} were given.");
            return false;
        }

        var resources = new List<string>(definition.Resources.Count);
        var scopes = new List<ResourceScope>(definition.Resources.Count);
        foreach (string? resource in definition.Resources)
        {
            if (resource is null || resource.Length > StoredRole.MaxResourceLength || !ResourceScope.TryParse(resource, out ResourceScope? scope))
            {
                invalid = Invalid($"The resource '{SafeEcho.Role(resource ?? "null")}' is not a valid DRN; use 'drn:astra:org:<org>[:db:<db>[:keyspace:<keyspace>[:table:<table>]]]', with '*' for any.");
                return false;
            }

            if (scope.Organization != ResourceScope.Wildcard && scope.Organization != caller.OrganizationId)
            {
                invalid = Invalid($"The resource '{SafeEcho.Role(resource)}' is in another organization; a role can name only its own organization's resources (or 'drn:astra:org:*...').");
                return false;
            }

            if (!scopes.Contains(scope))
            {
                scopes.Add(scope);
                resources.Add(resource);
            }
        }

        // A read-only role's name cannot be taken by a custom role: a user typing it must get one role, not two.
        Role? readOnly = _roles.GetRoles(caller.OrganizationId).FirstOrDefault(r => !r.IsEditable && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        if (readOnly is not null)
        {
            invalid = NameTaken<Role>(name);
            return false;
        }

        valid = new ValidDefinition(name, description, [.. permissions], [.. resources], [.. scopes]);
        invalid = null;
        return true;
    }

    private ValueTask AuditAsync(TokenAuditEventKind kind, string operation, TokenCaller caller, string roleId, string detail, CancellationToken cancellationToken) =>
        _auditor.WriteAsync(new TokenAuditEvent
        {
            Kind = kind,
            Operation = operation,
            OccurredAt = _timeProvider.GetUtcNow(),
            ActorId = caller.Id,
            OrganizationId = caller.OrganizationId,
            RoleId = roleId,
            Detail = detail,
        }, cancellationToken);

    private static string Describe(StoredRole role) =>
        $"permissions {string.Join(' ', role.Permissions)}; resources {(role.Resources.Count == 0 ? "all of the organization" : string.Join(' ', role.Resources))}";

    /// <summary>What an update changed, for the audit trail: name, description, permissions and resources added and removed.</summary>
    internal static string Compare(StoredRole before, StoredRole after)
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

        AddDifferences(changes, "permissions", before.Permissions, after.Permissions, StringComparer.Ordinal);
        AddDifferences(changes, "resources", before.Resources, after.Resources, StringComparer.OrdinalIgnoreCase);
        return changes.Count == 0 ? "no change" : string.Join("; ", changes);
    }

    private static void AddDifferences(List<string> changes, string what, IReadOnlyList<string> before, IReadOnlyList<string> after, StringComparer comparer)
    {
        string[] added = [.. after.Except(before, comparer)];
        string[] removed = [.. before.Except(after, comparer)];
        if (added.Length > 0 || removed.Length > 0)
        {
            changes.Add($"{what} {string.Join(' ', added.Select(a => "+" + a).Concat(removed.Select(r => "-" + r)))}");
        }
    }

    private static ManagementResult Invalid(string message) => ManagementResult.Failed(ManagementStatus.InvalidRequest, message);

    private static ManagementResult<T> RoleNotFound<T>(string roleId)
        where T : class =>
        ManagementResult<T>.Failed(ManagementStatus.RoleNotFound, $"No role has the id or name '{SafeEcho.Role(roleId)}' in this organization.");

    private static ManagementResult<T> NameTaken<T>(string name)
        where T : class =>
        ManagementResult<T>.Failed(ManagementStatus.Conflict, $"A role named '{name}' already exists in this organization; role names are unique (case-insensitive).");

    private static ManagementResult<T> PreconditionFailed<T>(string roleId, long? expected, long actual)
        where T : class =>
        ManagementResult<T>.Failed(ManagementStatus.PreconditionFailed, $"The role '{SafeEcho.Role(roleId)}' is at version {actual}, not {expected}: it changed meanwhile. Read it again and retry.");

    private static Activity? StartActivity(string operation, TokenCaller caller) =>
        ManagementActivity.Start("tokensdk.role." + operation, operation + "-role", caller);

    private static T Finish<T>(Activity? activity, T result)
        where T : ManagementResult => ManagementActivity.Finish(activity, result);

    private sealed record ValidDefinition(string Name, string? Description, string[] Permissions, string[] Resources, ResourceScope[] Scopes);
}
