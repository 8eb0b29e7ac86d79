namespace TokenSdk.Storage;

/// <summary>
/// Keeps token records. A store stores and finds; it does not decide: who may add or delete, and what a record
/// means, is decided by its callers.
/// </summary>
/// <remarks>
/// <para>Implementations must be thread-safe. A deleted client id is never accepted again (no resurrection), and
/// a deletion is visible to <see cref="FindAsync"/> as soon as <see cref="DeleteAsync"/> returns.</para>
/// <para>Stores that answer lookups from memory should also implement <see cref="ITokenLookup"/>, which lets
/// verification complete synchronously without allocating.</para>
/// </remarks>
public interface ITokenStore
{
    /// <summary>Adds a record unless its client id exists or was deleted.</summary>
    /// <param name="token">The record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when the client id is taken or was deleted.</returns>
    Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default);

    /// <summary>Finds a live record by client id.</summary>
    /// <param name="clientId">The client id (ordinal).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/> when there is none or it was deleted.</returns>
    ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Lists live records, ordered by client id (ordinal), one page at a time.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Up to <see cref="TokenListQuery.Limit"/> records with client ids after <see cref="TokenListQuery.AfterClientId"/>.</returns>
    Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings a live record's expiry date forward to <paramref name="expiresAt"/> (an earlier expiry date is kept).
    /// Used for scheduled deletions, such as the grace period of a rotation, so the deadline survives a restart.
    /// </summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="expiresAt">The latest moment the token may still verify.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a live record was found (and now expires no later than <paramref name="expiresAt"/>).</returns>
    Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes a record. Of several concurrent deletions of one client id exactly one returns <see langword="true"/>.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when this call deleted a live record.</returns>
    Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default);
}
