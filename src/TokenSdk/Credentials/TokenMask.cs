namespace TokenSdk.Credentials;

/// <summary>
/// Masked forms of tokens and secrets, safe for logs and screens: at most the format prefix, the first 4 characters
/// of the client id and the last 4 characters, as the Astra CLI prints them (<c>AstraCS:IFmJ****3b1c</c>).
/// </summary>
public static class TokenMask
{
    /// <summary>The mask shown in place of hidden characters.</summary>
    public const string Mask = "****";


    /// <summary>
    /// Masks a token, or anything presented as one. A recognised prefix (<c>AstraCS:</c>, or a checksummed prefix
    /// ending in <c>_</c>) is kept; 4 characters after it and the last 4 are shown only when the value has the
    /// length of a real token of that format; everything else is hidden.
    /// </summary>
    /// <param name="token">The token; may be malformed or <see langword="null"/>.</param>
    /// <returns>The masked form; <c>****</c> for input that is not token-shaped.</returns>
    public static string MaskToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Mask;
        }

        int prefixLength = PrefixLength(token);
        if (prefixLength == 0)
        {
            return Mask;
        }

        if (!HasTokenLength(token, prefixLength))
        {
            return string.Concat(token.AsSpan(0, prefixLength), Mask);
        }

        return string.Concat(token.AsSpan(0, prefixLength + 4), Mask, token.AsSpan(token.Length - 4));
    }

    /// <summary>Masks a secret completely.</summary>
    /// <param name="secret">The secret; ignored.</param>
    /// <returns><c>****</c>.</returns>
    public static string MaskSecret(string? secret) => Mask;

    private static bool HasTokenLength(string token, int prefixLength) =>
        prefixLength == AstraTokenFormat.Prefix.Length && token.StartsWith(AstraTokenFormat.Prefix, StringComparison.Ordinal)
            ? token.Length == AstraTokenFormat.TokenLength
            : token.Length == prefixLength + ChecksummedTokenFormat.SuffixLength - 1;

    private static int PrefixLength(string token)
    {
        if (token.StartsWith(AstraTokenFormat.Prefix, StringComparison.Ordinal))
        {
            return AstraTokenFormat.Prefix.Length;
        }

        int underscore = token.IndexOf('_', StringComparison.Ordinal);
        return underscore >= 2 && underscore <= 16 && ChecksummedTokenFormat.IsValidPrefix(token[..underscore])
            ? underscore + 1
            : 0;
    }
}
