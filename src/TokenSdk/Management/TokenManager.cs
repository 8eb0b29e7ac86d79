using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Credentials;
using TokenSdk.Diagnostics;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>
/// The default <see cref="ITokenManager"/>. Generate: authorize (<c>org-token-write</c>, no escalation, same
/// organization) → new credentials → store the one-way record → audit → details returned once.
/// </summary>
/// <remarks>
/// Rotation grace periods are scheduled with the <see cref="TimeProvider"/> and also written to the token's expiry
/// date, so the old token stops verifying on time even if this process stops; <see cref="PurgeExpiredAsync"/>
/// removes what a stopped process left behind. Dispose the manager to cancel pending timers.
/// </remarks>
public sealed class TokenManager : ITokenManager, IDisposable
{
    /// <summary>The actor id recorded for scheduled work (expiry, grace periods).</summary>
    public const string SystemActorId = "tokensdk";

    private const int MaxAddAttempts = 3;

    private static readonly IReadOnlyDictionary<string, DateTimeOffset> s_noLastUsed = new Dictionary<string, DateTimeOffset>();

    private readonly ITokenStore _store;
    private readonly IRoleCatalog _roles;
    private readonly ITokenGenerator _generator;
    private readonly TokenManagementOptions _options;
    private readonly ITokenDeletionPolicy _deletionPolicy;
    private readonly TokenAuditor _auditor;
    private readonly ManagementAuthorizer _authorizer;
    private readonly DeletionScheduler _scheduler;
    private readonly TimeProvider _timeProvider;
    private readonly TokenCaller _system;
    private readonly OrganizationLocks _organizationLocks = new();
    private readonly TokenExpiryPolicy _expiry;
    private readonly TokenSdkMetrics _metrics;

    /// <summary>Creates a manager.</summary>
    /// <param name="store">The token store.</param>
    /// <param name="roles">The role catalog.</param>
    /// <param name="generator">The generator; <see langword="null"/> for a <see cref="TokenGenerator"/> with <paramref name="options"/>.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="deletionPolicy">The deletion policy; <see langword="null"/> for <see cref="TokenDeletionPolicy"/>.</param>
    /// <param name="auditSinks">Where audit events go; <see langword="null"/> for a <see cref="LoggerTokenAuditSink"/>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">
    /// Creates the <c>TokenSdk</c> meter that counts deleted tokens (and generated ones, with the default generator);
    /// <see langword="null"/> for a meter shared by the components built without one. Dependency injection passes the
    /// registered <see cref="IMeterFactory"/>.
    /// </param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><paramref name="options"/> are invalid.</exception>
    public TokenManager(
        ITokenStore store,
        IRoleCatalog roles,
        ITokenGenerator? generator = null,
        TokenSdkOptions? options = null,
        ITokenDeletionPolicy? deletionPolicy = null,
        IEnumerable<ITokenAuditSink>? auditSinks = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(roles);
        options ??= new TokenSdkOptions();
        DependencyInjection.TokenSdkOptionsValidator.ThrowIfInvalid(options);

        _store = store;
        _roles = roles;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _options = options.Management;
        _expiry = new TokenExpiryPolicy(_options, _timeProvider);
        _metrics = TokenSdkMetrics.For(meterFactory);
        _generator = generator ?? new TokenGenerator(options, _timeProvider, loggerFactory?.CreateLogger<TokenGenerator>(), meterFactory);
        _deletionPolicy = deletionPolicy ?? new TokenDeletionPolicy(store, roles, options, _timeProvider);
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TokenManager>();
        _auditor = new TokenAuditor(auditSinks?.ToArray() ?? [new LoggerTokenAuditSink(loggerFactory)], logger);
        _authorizer = new ManagementAuthorizer(_auditor, _roles, _timeProvider);
        _system = new TokenCaller(SystemActorId, options.DefaultOrganizationId, [DefaultRoles.OrganizationAdministrator]);
        _scheduler = new DeletionScheduler(
            _timeProvider,
            (record, related) => DeleteRecordAsync(_system, record, DeletionReason.Rotated, CancellationToken.None, related),
            logger);
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<GeneratedToken>> GenerateAsync(TokenCaller caller, IReadOnlyList<string> roles, TokenGenerateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(roles);
        options ??= new TokenGenerateOptions();
        using Activity? activity = StartActivity("generate", caller);

        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, "generate", Permissions.OrgTokenWrite, null, cancellationToken).ConfigureAwait(false)
            ?? await _authorizer.AuthorizeOrganizationAsync(caller, "generate", options.OrganizationId, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(denied));
        }

        ManagementResult<Role[]> targets = ResolveRoles(roles, caller.OrganizationId);
        if (!targets.Succeeded)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(targets));
        }

        denied = await _authorizer.CheckEscalationAsync(caller, "generate", targets.Value!, null, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(denied));
        }

        if (!_expiry.TryResolve(caller.OrganizationId, options.ExpiresAt, out DateTimeOffset? expiresAt, out string? expiryError))
        {
            return Finish(activity, ManagementResult<GeneratedToken>.Failed(ManagementStatus.InvalidRequest, expiryError!));
        }

        var request = new TokenGenerationRequest(targets.Value!)
        {
            OrganizationId = caller.OrganizationId,
            Description = options.Description,
            CreatedBy = caller.Id,
            ExpiresAt = expiresAt,
            Format = options.Format,
        };
        ManagementResult<IssuedToken> issued = await IssueAsync(request, cancellationToken).ConfigureAwait(false);
        if (!issued.Succeeded)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(issued));
        }

        GeneratedToken details = issued.Value!.Details;
        activity?.SetTag("tokensdk.client_id", details.ClientId);
        await _auditor.WriteAsync(new TokenAuditEvent
        {
            Kind = TokenAuditEventKind.Generated,
            Operation = "generate",
            OccurredAt = details.GeneratedOn,
            ActorId = caller.Id,
            OrganizationId = caller.OrganizationId,
            ClientId = details.ClientId,
            RoleId = details.RoleId,
        }, cancellationToken).ConfigureAwait(false);
        return Finish(activity, ManagementResult<GeneratedToken>.Ok(details));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<IReadOnlyList<Role>>> ListRolesAsync(TokenCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        using Activity? activity = StartActivity("list-roles", caller);
        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, "list", Permissions.OrgTokenRead, null, cancellationToken, subject: "roles").ConfigureAwait(false);
        return Finish(activity, denied is null ? ManagementResult<IReadOnlyList<Role>>.Ok(_roles.GetRoles(caller.OrganizationId)) : ManagementResult<IReadOnlyList<Role>>.From(denied));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<TokenPage>> ListAsync(TokenCaller caller, TokenListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        options ??= new TokenListOptions();
        using Activity? activity = StartActivity("list", caller);

        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, "list", Permissions.OrgTokenRead, null, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return Finish(activity, ManagementResult<TokenPage>.From(denied));
        }

        if (options.Limit is < 1 or > TokenListQuery.MaxLimit)
        {
            return Finish(activity, ManagementResult<TokenPage>.Failed(ManagementStatus.InvalidRequest, $"The page size must be 1 to {TokenListQuery.MaxLimit}."));
        }

        var tokens = new List<TokenInfo>(Math.Min(options.Limit, 128));
        string? after = options.After;
        bool exhausted = false;
        while (tokens.Count < options.Limit && !exhausted)
        {
            // Ask for one page of the store at a time; a role filter may need several.
            IReadOnlyList<StoredToken> page = await _store.ListAsync(
                new TokenListQuery { OrganizationId = caller.OrganizationId, AfterClientId = after, Limit = options.Limit },
                cancellationToken).ConfigureAwait(false);
            exhausted = page.Count < options.Limit;
            IReadOnlyDictionary<string, DateTimeOffset> lastUsed = await ReadLastUsedAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (StoredToken record in page)
            {
                after = record.ClientId;
                DateTimeOffset? used = LastUsed(record, lastUsed);
                if ((options.RoleId is null || TokenRoleIds.Contains(record.RoleId, options.RoleId))
                    && (options.UnusedSince is not { } since || (used ?? record.CreatedAt) < since))
                {
                    tokens.Add(ToInfo(record, used));
                    if (tokens.Count == options.Limit)
                    {
                        break;
                    }
                }
            }
        }

        // A full page may be followed by an empty one; keyset paging cannot know without reading ahead.
        string? nextAfter = tokens.Count == options.Limit ? tokens[^1].ClientId : null;
        return Finish(activity, ManagementResult<TokenPage>.Ok(new TokenPage(tokens, nextAfter)));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<TokenInfo>> GetAsync(TokenCaller caller, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(clientId);
        using Activity? activity = StartActivity("get", caller);

        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, "get", Permissions.OrgTokenRead, clientId, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return Finish(activity, ManagementResult<TokenInfo>.From(denied));
        }

        StoredToken? record = await FindInOrganizationAsync(caller, clientId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return Finish(activity, ManagementResult<TokenInfo>.From(NotFound(clientId)));
        }

        IReadOnlyDictionary<string, DateTimeOffset> lastUsed = await ReadLastUsedAsync([record], cancellationToken).ConfigureAwait(false);
        return Finish(activity, ManagementResult<TokenInfo>.Ok(ToInfo(record, LastUsed(record, lastUsed))));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult> DeleteAsync(TokenCaller caller, string clientId, DeletionReason reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(clientId);
        using Activity? activity = StartActivity("delete", caller);

        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, "delete", Permissions.OrgTokenWrite, clientId, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return Finish(activity, denied);
        }

        if (reason is DeletionReason.Rotated or DeletionReason.Expired)
        {
            return Finish(activity, ManagementResult.Failed(ManagementStatus.InvalidRequest,
                $"The reason {reason} is set by TokenSdk itself; use Compromised, NoLongerNeeded, RoleChange or Other."));
        }

        StoredToken? record = await FindInOrganizationAsync(caller, clientId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return Finish(activity, NotFound(clientId));
        }

        // The guard's check and the deletion must not interleave with another deletion in the same organization,
        // or two concurrent deletions could remove its last two manager tokens.
        using OrganizationLocks.Held organizationLock = await _organizationLocks.EnterAsync(caller.OrganizationId, cancellationToken).ConfigureAwait(false);
        ManagementResult policy = await _deletionPolicy.EvaluateAsync(
            new TokenDeletionContext { Caller = caller, Token = ToInfo(record), Reason = reason }, cancellationToken).ConfigureAwait(false);
        if (!policy.Succeeded)
        {
            await _authorizer.DenyAsync(caller, "delete", record.ClientId, record.RoleId, policy.Message, cancellationToken).ConfigureAwait(false);
            return Finish(activity, policy);
        }

        bool deleted = await DeleteRecordAsync(caller, record, reason, cancellationToken).ConfigureAwait(false);
        return Finish(activity, deleted ? ManagementResult.Success : NotFound(clientId));
    }

    /// <inheritdoc/>
    public async Task<ManagementResult<GeneratedToken>> RotateAsync(TokenCaller caller, string clientId, TokenRotateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(clientId);
        options ??= new TokenRotateOptions();
        using Activity? activity = StartActivity("rotate", caller);

        ManagementResult<RotationPlan> plan = await PlanRotationAsync(caller, clientId, options, cancellationToken).ConfigureAwait(false);
        if (!plan.Succeeded)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(plan));
        }

        using OrganizationLocks.Held organizationLock = await _organizationLocks.EnterAsync(caller.OrganizationId, cancellationToken).ConfigureAwait(false);
        ManagementResult allowed = await CheckRotationPolicyAsync(caller, plan.Value!, cancellationToken).ConfigureAwait(false);
        if (!allowed.Succeeded)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(allowed));
        }

        ManagementResult<IssuedToken> issued = await IssueReplacementAsync(caller, plan.Value!, options, cancellationToken).ConfigureAwait(false);
        if (!issued.Succeeded)
        {
            return Finish(activity, ManagementResult<GeneratedToken>.From(issued));
        }

        GeneratedToken details = issued.Value!.Details;
        DateTimeOffset retiredAt = await RetireRotatedAsync(caller, plan.Value!, details.ClientId, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("tokensdk.client_id", details.ClientId);
        await AuditRotationAsync(caller, plan.Value!, details.ClientId, retiredAt, cancellationToken).ConfigureAwait(false);
        return Finish(activity, ManagementResult<GeneratedToken>.Ok(details));
    }

    /// <inheritdoc/>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        List<StoredToken> expired = [];
        await foreach (StoredToken record in StorePaging.EnumerateAllAsync(_store, null, cancellationToken).ConfigureAwait(false))
        {
            if (record.ExpiresAt <= now)
            {
                expired.Add(record);
            }
        }

        int deleted = 0;
        foreach (StoredToken record in expired)
        {
            if (await DeleteRecordAsync(_system, record, DeletionReason.Expired, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Cancels pending scheduled deletions (their tokens still stop verifying at their expiry date).</summary>
    public void Dispose()
    {
        _scheduler.Dispose();
    }

    private async Task<ManagementResult<IssuedToken>> IssueAsync(TokenGenerationRequest request, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            IssuedToken issued;
            try
            {
                issued = _generator.Generate(request);
            }
            catch (ArgumentException ex)
            {
                return ManagementResult<IssuedToken>.Failed(ManagementStatus.InvalidRequest, ArgumentMessages.WithoutParameterName(ex));
            }

            try
            {
                if (await _store.TryAddAsync(issued.Record, cancellationToken).ConfigureAwait(false))
                {
                    return ManagementResult<IssuedToken>.Ok(issued);
                }
            }
            catch (RoleDeletedException ex)
            {
                // The role was deleted (on this node or another) after it was resolved: the store added nothing.
                return ManagementResult<IssuedToken>.Failed(ManagementStatus.RoleNotFound, $"The role '{SafeEcho.Role(ex.RoleId)}' was deleted meanwhile; no token was created.");
            }

            // A client id collision (2^-137 per pair) or a deleted id: draw again.
            if (attempt == MaxAddAttempts)
            {
                throw new InvalidOperationException($"The store refused {MaxAddAttempts} new client ids in a row; check that it does not reject every add.");
            }
        }
    }

    private async Task<bool> DeleteRecordAsync(TokenCaller caller, StoredToken record, DeletionReason reason, CancellationToken cancellationToken, string? relatedClientId = null)
    {
        if (!await _store.DeleteAsync(record.ClientId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _scheduler.Cancel(record.ClientId);

        _metrics.RecordDeletion(reason);
        await _auditor.WriteAsync(new TokenAuditEvent
        {
            Kind = TokenAuditEventKind.Deleted,
            Operation = reason == DeletionReason.Expired ? "expire" : reason == DeletionReason.Rotated ? "rotate" : "delete",
            OccurredAt = _timeProvider.GetUtcNow(),
            ActorId = caller.Id,
            OrganizationId = record.OrganizationId,
            ClientId = record.ClientId,
            RoleId = record.RoleId,
            Reason = reason,
            RelatedClientId = relatedClientId,
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Rotation, step 1: the caller may rotate, the grace period is allowed, the token and the new role exist, no escalation.</summary>
    private async Task<ManagementResult<RotationPlan>> PlanRotationAsync(TokenCaller caller, string clientId, TokenRotateOptions options, CancellationToken cancellationToken)
    {
        ManagementResult? denied = await _authorizer.AuthorizeAsync(caller, "rotate", Permissions.OrgTokenWrite, clientId, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return ManagementResult<RotationPlan>.From(denied);
        }

        TimeSpan grace = options.GracePeriod ?? TimeSpan.Zero;
        if (grace < TimeSpan.Zero || grace > _options.MaximumGracePeriod)
        {
            return ManagementResult<RotationPlan>.Failed(ManagementStatus.InvalidRequest, $"The grace period must lie between zero and {_options.MaximumGracePeriod}.");
        }

        StoredToken? old = await FindInOrganizationAsync(caller, clientId, cancellationToken).ConfigureAwait(false);
        if (old is null)
        {
            return ManagementResult<RotationPlan>.From(NotFound(clientId));
        }

        // The replacement keeps the old token's roles unless others are given; by id, as the store has them.
        ManagementResult<Role[]> targets = ResolveRoles(options.Roles ?? old.RoleIds, old.OrganizationId, byIdOnly: options.Roles is null);
        if (!targets.Succeeded)
        {
            return ManagementResult<RotationPlan>.From(targets);
        }

        denied = await _authorizer.CheckEscalationAsync(caller, "rotate", targets.Value!, old.ClientId, cancellationToken).ConfigureAwait(false);
        return denied is not null ? ManagementResult<RotationPlan>.From(denied) : ManagementResult<RotationPlan>.Ok(new RotationPlan(old, targets.Value!, grace));
    }

    /// <summary>Rotation, step 2 (under the organization lock): the deletion policy allows retiring the old token.</summary>
    private async Task<ManagementResult> CheckRotationPolicyAsync(TokenCaller caller, RotationPlan plan, CancellationToken cancellationToken)
    {
        // A replacement that can still manage tokens keeps the organization able to; one that cannot is, for the
        // lock-out guard, a role change.
        DeletionReason policyReason = plan.Targets.Any(r => r.HasPermission(Permissions.OrgTokenWrite)) ? DeletionReason.Rotated : DeletionReason.RoleChange;
        ManagementResult policy = await _deletionPolicy.EvaluateAsync(
            new TokenDeletionContext { Caller = caller, Token = ToInfo(plan.Old), Reason = policyReason }, cancellationToken).ConfigureAwait(false);
        if (!policy.Succeeded)
        {
            await _authorizer.DenyAsync(caller, "rotate", plan.Old.ClientId, plan.Old.RoleId, policy.Message, cancellationToken).ConfigureAwait(false);
        }

        return policy;
    }

    /// <summary>Rotation, step 3: the new token, with the old one's description unless another is given.</summary>
    private Task<ManagementResult<IssuedToken>> IssueReplacementAsync(TokenCaller caller, RotationPlan plan, TokenRotateOptions options, CancellationToken cancellationToken)
    {
        _expiry.TryResolve(caller.OrganizationId, null, out DateTimeOffset? expiresAt, out _);
        return IssueAsync(new TokenGenerationRequest(plan.Targets)
        {
            OrganizationId = caller.OrganizationId,
            Description = options.Description ?? plan.Old.Description,
            CreatedBy = caller.Id,
            ExpiresAt = expiresAt,
            Format = options.Format,
        }, cancellationToken);
    }

    /// <summary>
    /// Rotation, step 4: the old token is deleted now, or at the end of the grace period (its expiry date in the store,
    /// and a timer). If that fails, the new token is deleted again: the caller keeps the old one and no unknown new
    /// token lingers.
    /// </summary>
    /// <returns>When the old token stops working.</returns>
    private async Task<DateTimeOffset> RetireRotatedAsync(TokenCaller caller, RotationPlan plan, string newClientId, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        try
        {
            if (plan.Grace == TimeSpan.Zero)
            {
                await DeleteRecordAsync(caller, plan.Old, DeletionReason.Rotated, cancellationToken, relatedClientId: newClientId).ConfigureAwait(false);
            }
            else
            {
                await ScheduleDeletionAsync(caller, plan.Old, now + plan.Grace, newClientId, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await _store.DeleteAsync(newClientId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return now + plan.Grace;
    }

    /// <summary>Rotation, step 5: the audit event that ties the old and the new token together.</summary>
    private ValueTask AuditRotationAsync(TokenCaller caller, RotationPlan plan, string newClientId, DateTimeOffset retiredAt, CancellationToken cancellationToken) =>
        _auditor.WriteAsync(new TokenAuditEvent
        {
            Kind = TokenAuditEventKind.Rotated,
            Operation = "rotate",
            OccurredAt = retiredAt - plan.Grace,
            ActorId = caller.Id,
            OrganizationId = caller.OrganizationId,
            ClientId = plan.Old.ClientId,
            RoleId = string.Join(TokenRoleIds.Separator, plan.Targets.Select(r => r.Id)),
            RelatedClientId = newClientId,
            EffectiveAt = retiredAt,
        }, cancellationToken);

    private async Task ScheduleDeletionAsync(TokenCaller caller, StoredToken old, DateTimeOffset deleteAt, string newClientId, CancellationToken cancellationToken)
    {
        // The deadline goes into the store first: verification honours it even if the timer never fires.
        await _store.SetExpiryAsync(old.ClientId, deleteAt, cancellationToken).ConfigureAwait(false);
        _scheduler.Schedule(old, deleteAt, newClientId);
        await _auditor.WriteAsync(new TokenAuditEvent
        {
            Kind = TokenAuditEventKind.DeletionScheduled,
            Operation = "rotate",
            OccurredAt = _timeProvider.GetUtcNow(),
            ActorId = caller.Id,
            OrganizationId = old.OrganizationId,
            ClientId = old.ClientId,
            RoleId = old.RoleId,
            Reason = DeletionReason.Rotated,
            RelatedClientId = newClientId,
            EffectiveAt = deleteAt,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<StoredToken?> FindInOrganizationAsync(TokenCaller caller, string clientId, CancellationToken cancellationToken)
    {
        if (!CredentialGenerator.IsClientId(clientId))
        {
            return null;
        }

        StoredToken? record = await _store.FindAsync(clientId, cancellationToken).ConfigureAwait(false);

        // Another organization's token is reported as not found, so client ids cannot be probed across tenants.
        return record is not null && string.Equals(record.OrganizationId, caller.OrganizationId, StringComparison.Ordinal) ? record : null;
    }

    /// <summary>The last-used times the store keeps for <paramref name="records"/>, when it keeps them.</summary>
    private async Task<IReadOnlyDictionary<string, DateTimeOffset>> ReadLastUsedAsync(IReadOnlyList<StoredToken> records, CancellationToken cancellationToken) =>
        _store is ITokenUsageStore usage && records.Count > 0
            ? await usage.GetLastUsedAsync([.. records.Select(r => r.ClientId)], cancellationToken).ConfigureAwait(false)
            : s_noLastUsed;

    /// <summary>
    /// The later of the store's time and this process's own mark not yet written; never before the token was generated
    /// (a mark is the start of its period, which may precede a token generated within that period).
    /// </summary>
    private static DateTimeOffset? LastUsed(StoredToken record, IReadOnlyDictionary<string, DateTimeOffset> stored)
    {
        DateTimeOffset? fromStore = stored.TryGetValue(record.ClientId, out DateTimeOffset at) ? at : null;
        DateTimeOffset? inMemory = record.LastUsedUtcTicks > 0 ? new DateTimeOffset(record.LastUsedUtcTicks, TimeSpan.Zero) : null;
        DateTimeOffset? latest = fromStore > inMemory || inMemory is null ? fromStore : inMemory;
        return latest < record.CreatedAt ? record.CreatedAt.ToUniversalTime() : latest;
    }

    private TokenInfo ToInfo(StoredToken record, DateTimeOffset? lastUsed = null)
    {
        IReadOnlyList<string> ids = record.RoleIds;
        string?[] names = new string?[ids.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = _roles.TryGetRole(ids[i], out Role? role) ? role.Name : null;
        }

        return new TokenInfo(record, names) { LastUsedAt = lastUsed };
    }

    /// <summary>Resolves requested roles (by id or name, or by id only): each must exist, none twice, 1 to the maximum.</summary>
    private ManagementResult<Role[]> ResolveRoles(IReadOnlyList<string> requested, string organizationId, bool byIdOnly = false)
    {
        if (requested.Count is 0 or > TokenGenerationRequest.MaxRoles)
        {
            return ManagementResult<Role[]>.Failed(ManagementStatus.InvalidRequest, $"A token holds 1 to {TokenGenerationRequest.MaxRoles} roles; {requested.Count} were given.");
        }

        var roles = new Role[requested.Count];
        for (int i = 0; i < roles.Length; i++)
        {
            string? wanted = requested[i];
            Role? role = string.IsNullOrEmpty(wanted) ? null
                : byIdOnly ? (_roles.TryGetRole(wanted, out Role? byId) && byId.IsUsableIn(organizationId) ? byId : null)
                : _roles.FindRole(wanted, organizationId);
            if (role is null)
            {
                return ManagementResult<Role[]>.Failed(ManagementStatus.RoleNotFound, $"No role has the id or name '{SafeEcho.Role(wanted ?? string.Empty)}'.");
            }

            if (Array.FindIndex(roles, 0, i, r => string.Equals(r.Id, role.Id, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                return ManagementResult<Role[]>.Failed(ManagementStatus.InvalidRequest, $"The role '{role.Name}' is given twice.");
            }

            roles[i] = role;
        }

        return ManagementResult<Role[]>.Ok(roles);
    }

    private static ManagementResult NotFound(string clientId) =>
        ManagementResult.Failed(ManagementStatus.NotFound, $"No token with client id '{SafeEcho.ClientId(clientId)}' in this organization.");

    private static Activity? StartActivity(string operation, TokenCaller caller) =>
        ManagementActivity.Start("tokensdk.token." + operation, operation, caller);

    private static T Finish<T>(Activity? activity, T result)
        where T : ManagementResult => ManagementActivity.Finish(activity, result);

    /// <summary>What a rotation replaces, with what, and when the old token stops working.</summary>
    private sealed record RotationPlan(StoredToken Old, Role[] Targets, TimeSpan Grace);
}
