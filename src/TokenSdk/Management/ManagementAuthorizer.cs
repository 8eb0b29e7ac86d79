using TokenSdk.Roles;

namespace TokenSdk.Management;

/// <summary>
/// The one place management decides who may do what: the caller's permission for an operation, and no escalation
/// (a token never gets more than its creator holds). Every refusal is audited before it is returned.
/// </summary>
internal sealed class ManagementAuthorizer
{
    private readonly TokenAuditor _auditor;
    private readonly IRoleCatalog _roles;
    private readonly TimeProvider _timeProvider;

    public ManagementAuthorizer(TokenAuditor auditor, IRoleCatalog roles, TimeProvider timeProvider)
    {
        _auditor = auditor;
        _roles = roles;
        _timeProvider = timeProvider;
    }

    /// <summary>Returns <see langword="null"/> when <paramref name="caller"/> holds <paramref name="permission"/>; otherwise audits and returns the refusal.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="operation">The operation, as audited (<c>generate</c>, <c>delete</c>, ...).</param>
    /// <param name="permission">The permission it needs.</param>
    /// <param name="clientId">The token it is about, if any, as the caller gave it (echoed masked unless it is a client id).</param>
    /// <param name="cancellationToken">Cancels the audit.</param>
    /// <param name="subject">What the operation acts on, for the message.</param>
    public async ValueTask<ManagementResult?> AuthorizeAsync(
        TokenCaller caller, string operation, string permission, string? clientId, CancellationToken cancellationToken, string subject = "tokens")
    {
        if (caller.HasPermission(permission))
        {
            return null;
        }

        string message = $"Caller '{caller.Id}' lacks the permission '{permission}' needed to {operation} {subject}.";
        await DenyAsync(caller, operation, clientId is null ? null : SafeEcho.ClientId(clientId), null, message, cancellationToken).ConfigureAwait(false);
        return ManagementResult.Failed(ManagementStatus.PermissionDenied, message, permission);
    }

    /// <summary>
    /// Returns <see langword="null"/> when <paramref name="organizationId"/> is the caller's own (or not given); otherwise
    /// audits and returns the refusal, which does not say whether that organization exists.
    /// </summary>
    public async ValueTask<ManagementResult?> AuthorizeOrganizationAsync(TokenCaller caller, string operation, string? organizationId, CancellationToken cancellationToken)
    {
        if (organizationId is null || string.Equals(organizationId, caller.OrganizationId, StringComparison.Ordinal))
        {
            return null;
        }

        string message = $"Caller '{caller.Id}' can {operation} tokens only in its own organization.";
        await DenyAsync(caller, operation, null, null, message, cancellationToken).ConfigureAwait(false);
        return ManagementResult.Failed(ManagementStatus.PermissionDenied, message);
    }

    /// <summary>
    /// Returns <see langword="null"/> when <paramref name="caller"/> may grant every role of <paramref name="targets"/>
    /// (each with its own resource scopes, so the token's union is what the caller holds); otherwise audits and returns
    /// the refusal, naming the first role and permission that would be an escalation.
    /// </summary>
    public async ValueTask<ManagementResult?> CheckEscalationAsync(TokenCaller caller, string operation, IReadOnlyList<Role> targets, string? clientId, CancellationToken cancellationToken)
    {
        Role? target = null;
        string? missing = null;
        foreach (Role role in targets)
        {
            missing = caller.FindEscalation(role, _roles);
            if (missing is not null)
            {
                target = role;
                break;
            }
        }

        if (target is null)
        {
            return null;
        }

        string message = $"Caller '{caller.Id}' cannot create a token of role '{target.Name}': the role grants '{missing}', which the caller does not hold on every resource the role covers.";
        System.Diagnostics.Debug.Assert(missing is not null, "Set with target.");
        await DenyAsync(caller, operation, clientId, target.Id, message, cancellationToken).ConfigureAwait(false);
        return ManagementResult.Failed(ManagementStatus.EscalationDenied, message, missing);
    }

    /// <summary>Audits a refusal decided elsewhere (the deletion policy).</summary>
    public ValueTask DenyAsync(TokenCaller caller, string operation, string? clientId, string? roleId, string? detail, CancellationToken cancellationToken) =>
        _auditor.WriteAsync(new TokenAuditEvent
        {
            Kind = TokenAuditEventKind.Denied,
            Operation = operation,
            OccurredAt = _timeProvider.GetUtcNow(),
            ActorId = caller.Id,
            OrganizationId = caller.OrganizationId,
            ClientId = clientId,
            RoleId = roleId,
            Detail = detail,
        }, cancellationToken);
}
