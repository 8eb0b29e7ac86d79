using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>Conveniences over <see cref="ITokenManager"/>.</summary>
public static class TokenManagerExtensions
{
    /// <summary>Generates a token for one role in the caller's organization.</summary>
    /// <param name="manager">The token manager.</param>
    /// <param name="caller">Who asks; needs <c>org-token-write</c> and every permission of the role.</param>
    /// <param name="role">The role's id or name.</param>
    /// <param name="options">Description, expiry, format.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token details (the only time the secret is available), or why not.</returns>
    public static Task<ManagementResult<Credentials.GeneratedToken>> GenerateAsync(
        this ITokenManager manager, TokenCaller caller, string role, TokenGenerateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(role);
        return manager.GenerateAsync(caller, [role], options, cancellationToken);
    }

    /// <summary>
    /// Lists every token of the caller's organization, page by page, in client id order; never a secret. For screens and
    /// tools that show the whole list (the management API, the CLI); use <see cref="ITokenManager.ListAsync"/> to page.
    /// </summary>
    /// <param name="manager">The token manager.</param>
    /// <param name="caller">Who asks; needs <c>org-token-read</c>.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Every token, or the first page's failure (for example <see cref="ManagementStatus.PermissionDenied"/>).</returns>
    public static async Task<ManagementResult<IReadOnlyList<TokenInfo>>> ListAllAsync(
        this ITokenManager manager, TokenCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(caller);
        var tokens = new List<TokenInfo>();
        string? after = null;
        do
        {
            ManagementResult<TokenPage> page = await manager.ListAsync(
                caller, new TokenListOptions { Limit = TokenListQuery.MaxLimit, After = after }, cancellationToken).ConfigureAwait(false);
            if (!page.Succeeded)
            {
                return ManagementResult<IReadOnlyList<TokenInfo>>.From(page);
            }

            tokens.AddRange(page.Value!.Tokens);
            after = page.Value.NextAfter;
        }
        while (after is not null);

        return ManagementResult<IReadOnlyList<TokenInfo>>.Ok(tokens);
    }
}
