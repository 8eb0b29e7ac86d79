namespace TokenSdk.Management;

/// <summary>
/// Decides whether a token may be deleted, after the caller's permission has been checked. The default,
/// <see cref="TokenDeletionPolicy"/>, requires a reason and guards against lock-out.
/// </summary>
public interface ITokenDeletionPolicy
{
    /// <summary>Evaluates a deletion.</summary>
    /// <param name="context">The caller, the token and the reason.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns><see cref="ManagementResult.Success"/> to allow; a failed result (its message says why) to refuse.</returns>
    ValueTask<ManagementResult> EvaluateAsync(TokenDeletionContext context, CancellationToken cancellationToken = default);
}

/// <summary>A deletion to be evaluated by an <see cref="ITokenDeletionPolicy"/>.</summary>
public sealed class TokenDeletionContext
{
    /// <summary>Gets who deletes; for scheduled deletions, a system caller with id <c>tokensdk</c>.</summary>
    public required TokenCaller Caller { get; init; }

    /// <summary>Gets the token to delete.</summary>
    public required TokenInfo Token { get; init; }

    /// <summary>Gets why.</summary>
    public required DeletionReason Reason { get; init; }
}
