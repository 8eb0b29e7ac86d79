using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.Management;

/// <summary>
/// Token management as the original portal offers it: generate a token for a role (details shown once), list and
/// read existing tokens, delete one, rotate one. Every operation is authorized for a <see cref="TokenCaller"/>:
/// list and get need <c>org-token-read</c>; generate, delete and rotate need <c>org-token-write</c>; nobody can
/// create a token whose role grants more than they hold; a caller sees only its own organization.
/// </summary>
/// <remarks>
/// A token holds one or more roles; its permissions are the union of theirs. No operation changes a token's roles: to
/// change them, rotate with other roles, or delete and generate.
/// </remarks>
public interface ITokenManager
{
    /// <summary>
    /// Generates a token for one or more roles in the caller's organization: its permissions are the union of theirs,
    /// each role keeping its own resource scopes. The caller must be able to grant every one of them. For one role,
    /// <see cref="TokenManagerExtensions.GenerateAsync(ITokenManager, TokenCaller, string, TokenGenerateOptions?, CancellationToken)"/>
    /// takes it as a string.
    /// </summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="roles">
    /// The roles' ids or names, 1 to <see cref="TokenGenerationRequest.MaxRoles"/>, none twice; in the order to show them.
    /// </param>
    /// <param name="options">Description, expiry, format.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// The token details (the only time the secret is available), or why not: <see cref="ManagementStatus.RoleNotFound"/>
    /// naming the first unknown role, <see cref="ManagementStatus.InvalidRequest"/> for none, too many or a repeated role.
    /// </returns>
    Task<ManagementResult<GeneratedToken>> GenerateAsync(TokenCaller caller, IReadOnlyList<string> roles, TokenGenerateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the roles a token can be generated for (default and custom), with their permissions: what anyone choosing a
    /// role sees first. Requires <c>org-token-read</c>.
    /// </summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The roles, or <see cref="ManagementStatus.PermissionDenied"/> (audited).</returns>
    Task<ManagementResult<IReadOnlyList<Role>>> ListRolesAsync(TokenCaller caller, CancellationToken cancellationToken = default);

    /// <summary>Lists the tokens of the caller's organization, one page at a time. Never a secret.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="options">The page and filter.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of token metadata, or why not.</returns>
    Task<ManagementResult<TokenPage>> ListAsync(TokenCaller caller, TokenListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the metadata of one token of the caller's organization.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The metadata, or why not (<see cref="ManagementStatus.NotFound"/> also for other organizations' tokens).</returns>
    Task<ManagementResult<TokenInfo>> GetAsync(TokenCaller caller, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a token; from then on it fails verification. Of concurrent deletions of one token exactly one succeeds.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Success, or why not.</returns>
    Task<ManagementResult> DeleteAsync(TokenCaller caller, string clientId, DeletionReason reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a token with a new one (optionally of another role). The old token is deleted at once, or after a
    /// grace period during which both work. The new token is stored before the old one is touched, and is removed
    /// again if the old one cannot be handled, so the caller is never left with neither.
    /// </summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="clientId">The client id of the token to replace.</param>
    /// <param name="options">New role, grace period, description.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new token's details, or why not.</returns>
    Task<ManagementResult<GeneratedToken>> RotateAsync(TokenCaller caller, string clientId, TokenRotateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Maintenance, with no caller: deletes every token whose expiry date has passed (reason
    /// <see cref="DeletionReason.Expired"/>), including rotated tokens whose grace period ended while no process was
    /// running. Expired tokens already fail verification; this removes them from listings. Run it periodically.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many tokens were deleted.</returns>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default);
}
