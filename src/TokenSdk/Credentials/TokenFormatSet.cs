namespace TokenSdk.Credentials;

/// <summary>The formats a deployment writes and reads: one for generation, every one for parsing.</summary>
internal sealed class TokenFormatSet
{
    private readonly ChecksummedTokenFormat _checksummed;

    public TokenFormatSet(TokenSdkOptions options)
    {
        _checksummed = new ChecksummedTokenFormat(options.TokenPrefix, options.AdditionalTokenPrefixes);
        Generation = options.GenerationFormat == TokenFormatKind.Astra ? AstraTokenFormat.Instance : _checksummed;
    }

    /// <summary>Gets the format new tokens are written in.</summary>
    public ITokenFormat Generation { get; }

    public ITokenFormat Get(TokenFormatKind kind) => kind == TokenFormatKind.Astra ? AstraTokenFormat.Instance : _checksummed;

    /// <summary>Parses a token of any format; dispatches on the Astra prefix so only one parser runs.</summary>
    public bool TryParse(ReadOnlySpan<char> token, out ReadOnlySpan<char> clientId, Span<byte> tokenHash) =>
        token.StartsWith(AstraTokenFormat.Prefix, StringComparison.Ordinal)
            ? AstraTokenFormat.Instance.TryParse(token, out clientId, tokenHash)
            : _checksummed.TryParse(token, out clientId, tokenHash);
}
