using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Storage;

/// <summary>
/// An optional capability of an <see cref="ITokenStore"/> that holds its records in memory: a synchronous lookup by
/// a span of characters, so verification needs no string for the client id and completes without allocating.
/// </summary>
public interface ITokenLookup
{
    /// <summary>Finds a live record by client id.</summary>
    /// <param name="clientId">The client id (ordinal).</param>
    /// <param name="token">The record when found.</param>
    /// <returns><see langword="true"/> when a live record has that client id.</returns>
    bool TryFind(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token);
}
