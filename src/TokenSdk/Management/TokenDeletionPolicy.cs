using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>
/// The default <see cref="ITokenDeletionPolicy"/>: a reason is required, and (unless
/// <see cref="TokenManagementOptions.LockoutGuard"/> is off) a caller that is itself a token
/// (<see cref="TokenCaller.ClientId"/>) cannot delete the last live token of its organization that can manage tokens,
/// which would leave the organization's token-authenticated administrators no way back. A caller that is not a token
/// (a signed-in person, the CLI) is such a way, so the guard does not apply to it.
/// </summary>
public sealed class TokenDeletionPolicy : ITokenDeletionPolicy
{
    private readonly ITokenStore _store;
    private readonly IRoleCatalog _roles;
    private readonly bool _lockoutGuard;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the policy.</summary>
    /// <param name="store">The store, to find the organization's other tokens.</param>
    /// <param name="roles">The role catalog.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock, to ignore expired tokens; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public TokenDeletionPolicy(ITokenStore store, IRoleCatalog roles, TokenSdkOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(roles);
        _store = store;
        _roles = roles;
        _lockoutGuard = (options ?? new TokenSdkOptions()).Management.LockoutGuard;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async ValueTask<ManagementResult> EvaluateAsync(TokenDeletionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Reason == DeletionReason.Unspecified || !Enum.IsDefined(context.Reason))
        {
            return ManagementResult.Failed(ManagementStatus.InvalidRequest,
                "A deletion reason is required: Compromised, NoLongerNeeded, RoleChange or Other.");
        }

        // Only a token can lock its organization out by deleting the last token that can manage tokens: any other caller
        // (a signed-in person, the CLI) is itself a way to manage them.
        if (!_lockoutGuard || context.Caller.ClientId is null || context.Reason is DeletionReason.Rotated or DeletionReason.Expired || !CanManage(context.Token.RoleIds))
        {
            return ManagementResult.Success;
        }

        // Another manager token counts only if it lasts at least as long as the one being deleted: an old token in
        // its rotation grace period (or about to expire) would leave the organization locked out soon after.
        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset? deletedExpiry = context.Token.ExpiresAt;
        bool OutlivesDeleted(DateTimeOffset? expiresAt) =>
            expiresAt is null || (expiresAt > now && deletedExpiry is not null && expiresAt >= deletedExpiry);

        await foreach (StoredToken other in StorePaging.EnumerateAllAsync(_store, context.Token.OrganizationId, cancellationToken).ConfigureAwait(false))
        {
            if (other.ClientId != context.Token.ClientId && OutlivesDeleted(other.ExpiresAt) && CanManage(other.RoleIds))
            {
                return ManagementResult.Success;
            }
        }

        return ManagementResult.Failed(ManagementStatus.LockoutPrevented,
            $"Token {context.Token.ClientId} is the last token of organization '{context.Token.OrganizationId}' that can manage tokens; " +
            "create another one first, or turn off TokenSdk:Management:LockoutGuard.");
    }

    private bool CanManage(IReadOnlyList<string> roleIds) =>
        roleIds.Any(id => _roles.TryGetRole(id, out Role? role) && role.HasPermission(Permissions.OrgTokenWrite));
}
