namespace TokenSdk.Verification;

/// <summary>
/// Checks a presented credential and tells who it is and what it may do. Bad input is a result, never an
/// exception; with an in-memory store (<see cref="Storage.ITokenLookup"/>) verification completes synchronously
/// and allocates nothing.
/// </summary>
public interface ITokenVerifier
{
    /// <summary>Verifies a token string of any accepted format.</summary>
    /// <param name="token">The presented token.</param>
    /// <param name="cancellationToken">Cancels a store lookup that goes to I/O.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    ValueTask<TokenVerificationResult> VerifyAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Verifies a client id and secret pair, as CQL drivers present them.</summary>
    /// <param name="clientId">The presented client id.</param>
    /// <param name="secret">The presented secret.</param>
    /// <param name="cancellationToken">Cancels a store lookup that goes to I/O.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientId"/> or <paramref name="secret"/> is <see langword="null"/>.</exception>
    ValueTask<TokenVerificationResult> VerifyClientSecretAsync(string clientId, string secret, CancellationToken cancellationToken = default);
}
