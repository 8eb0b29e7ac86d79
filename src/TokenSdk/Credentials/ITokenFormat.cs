namespace TokenSdk.Credentials;

/// <summary>
/// A token string format: writes a token from a client id and the token hash T, and parses one back without
/// allocating. Verification accepts every format, whichever one generation uses.
/// </summary>
public interface ITokenFormat
{
    /// <summary>Gets which format this is.</summary>
    TokenFormatKind Kind { get; }

    /// <summary>Gets a regular expression that matches a whole token of this format (anchored with <c>^</c> and <c>$</c>).</summary>
    string Pattern { get; }

    /// <summary>Writes a token.</summary>
    /// <param name="clientId">The client id: 24 ASCII letters.</param>
    /// <param name="tokenHash">T = SHA-256(UTF-8(secret)): 32 bytes.</param>
    /// <returns>The token string.</returns>
    /// <exception cref="ArgumentException">The client id or the hash has the wrong shape.</exception>
    string Format(string clientId, ReadOnlySpan<byte> tokenHash);

    /// <summary>Parses a token of this format. Never throws; does not allocate.</summary>
    /// <param name="token">The presented token.</param>
    /// <param name="clientId">The client id part, a slice of <paramref name="token"/>, when parsing succeeded.</param>
    /// <param name="tokenHash">
    /// Receives T (32 bytes) when parsing succeeded. When it failed, its first 32 bytes are left as they were or
    /// cleared: never part of a T.
    /// </param>
    /// <returns><see langword="true"/> when <paramref name="token"/> is a well-formed token of this format.</returns>
    bool TryParse(ReadOnlySpan<char> token, out ReadOnlySpan<char> clientId, Span<byte> tokenHash);
}
