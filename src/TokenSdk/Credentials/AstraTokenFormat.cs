namespace TokenSdk.Credentials;

/// <summary>
/// The Astra-compatible format: exactly <c>AstraCS:&lt;clientId&gt;:&lt;64 lowercase hex of T&gt;</c>, 97 characters,
/// matching <see cref="RegexPattern"/>. Drivers and tools written for Astra accept these tokens unchanged.
/// </summary>
public sealed class AstraTokenFormat : ITokenFormat
{
    /// <summary>The literal prefix, <c>AstraCS:</c>.</summary>
    public const string Prefix = "AstraCS:";

    /// <summary>The length of every token of this format: 97.</summary>
    public const int TokenLength = 97;

    /// <summary>The regular expression that matches a whole token of this format.</summary>
    public const string RegexPattern = "^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$";

    private const int ClientIdStart = 8;
    private const int HashStart = ClientIdStart + CredentialGenerator.ClientIdLength + 1;

    /// <summary>Gets the shared instance.</summary>
    public static AstraTokenFormat Instance { get; } = new();

    /// <inheritdoc/>
    public TokenFormatKind Kind => TokenFormatKind.Astra;

    /// <inheritdoc/>
    public string Pattern => RegexPattern;

    /// <inheritdoc/>
    public string Format(string clientId, ReadOnlySpan<byte> tokenHash)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        TokenFormatArguments.Validate(clientId, tokenHash);
        return string.Concat(Prefix, clientId, ":", Convert.ToHexStringLower(tokenHash));
    }

    /// <inheritdoc/>
    public bool TryParse(ReadOnlySpan<char> token, out ReadOnlySpan<char> clientId, Span<byte> tokenHash)
    {
        clientId = default;
        if (token.Length != TokenLength
            || tokenHash.Length < 32
            || !token.StartsWith(Prefix, StringComparison.Ordinal)
            || token[HashStart - 1] != ':')
        {
            return false;
        }

        ReadOnlySpan<char> id = token.Slice(ClientIdStart, CredentialGenerator.ClientIdLength);
        if (!CredentialGenerator.IsClientId(id) || !LowerHex.TryDecode(token[HashStart..], tokenHash[..32]))
        {
            return false;
        }

        clientId = id;
        return true;
    }
}
