namespace TokenSdk.Credentials;

/// <summary>
/// The default token format: <c>&lt;prefix&gt;_&lt;clientId&gt;_&lt;64 hex of T&gt;&lt;8 hex of CRC-32C&gt;</c>, for example
/// <c>tsdk_IFmJlTkNvptFzTDEQpQIEJud_9f86d0…a08e3b1c</c>.
/// </summary>
/// <remarks>
/// <para>Only letters, digits and <c>_</c>, so a double-click selects the whole token. The checksum is the CRC-32C
/// (Castagnoli) of the ASCII text before it, written as 8 lowercase hex digits: a typo or a random string is
/// rejected without hashing and without touching the store, and a secret scanner can confirm a match offline.</para>
/// <para>The prefix is 2 to 16 lowercase ASCII letters or digits, starting with a letter; old prefixes can stay
/// accepted after a change (<see cref="AcceptedPrefixes"/>).</para>
/// </remarks>
public sealed class ChecksummedTokenFormat : ITokenFormat
{
    /// <summary>The default prefix, <c>tsdk</c>.</summary>
    public const string DefaultPrefix = "tsdk";

    // '_' + client id + '_' + 64 hex + 8 hex
    internal const int SuffixLength = 1 + CredentialGenerator.ClientIdLength + 1 + 64 + 8;
    private const int MaxPrefixLength = 16;

    private readonly string[] _prefixes;

    /// <summary>Creates the format with the default prefix.</summary>
    public ChecksummedTokenFormat()
        : this(DefaultPrefix)
    {
    }

    /// <summary>Creates the format.</summary>
    /// <param name="prefix">The prefix written into new tokens.</param>
    /// <param name="additionalPrefixes">Earlier prefixes still accepted when parsing.</param>
    /// <exception cref="ArgumentException">A prefix is malformed.</exception>
    public ChecksummedTokenFormat(string prefix, IEnumerable<string>? additionalPrefixes = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!IsValidPrefix(prefix))
        {
            throw new ArgumentException(PrefixRule(prefix), nameof(prefix));
        }

        List<string> prefixes = [prefix];
        foreach (string extra in additionalPrefixes ?? [])
        {
            if (!IsValidPrefix(extra))
            {
                throw new ArgumentException(PrefixRule(extra), nameof(additionalPrefixes));
            }

            if (!prefixes.Contains(extra))
            {
                prefixes.Add(extra);
            }
        }

        Prefix = prefix;
        _prefixes = [.. prefixes];
        AcceptedPrefixes = _prefixes.AsReadOnly();
        Pattern = $"^(?:{string.Join('|', _prefixes)})_[A-Za-z]{{24}}_[0-9a-f]{{72}}$";
    }

    /// <summary>Gets the shared instance with the default prefix.</summary>
    public static ChecksummedTokenFormat Default { get; } = new();

    /// <summary>Gets the prefix written into new tokens.</summary>
    public string Prefix { get; }

    /// <summary>Gets every prefix accepted when parsing: <see cref="Prefix"/> first.</summary>
    public IReadOnlyList<string> AcceptedPrefixes { get; }

    /// <inheritdoc/>
    public TokenFormatKind Kind => TokenFormatKind.Checksummed;

    /// <inheritdoc/>
    /// <remarks>For the default prefix: <c>^(?:tsdk)_[A-Za-z]{24}_[0-9a-f]{72}$</c>. Drop the anchors to scan text.</remarks>
    public string Pattern { get; }

    /// <summary>Returns whether <paramref name="prefix"/> is a valid prefix: 2 to 16 lowercase ASCII letters or digits, starting with a letter.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidPrefix(string? prefix)
    {
        if (prefix is null || prefix.Length is < 2 or > MaxPrefixLength || !char.IsAsciiLetterLower(prefix[0]))
        {
            return false;
        }

        foreach (char c in prefix)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public string Format(string clientId, ReadOnlySpan<byte> tokenHash)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        TokenFormatArguments.Validate(clientId, tokenHash);
        int bodyLength = Prefix.Length + SuffixLength - 8;
        Span<char> chars = stackalloc char[Prefix.Length + SuffixLength];
        Prefix.CopyTo(chars);
        chars[Prefix.Length] = '_';
        clientId.CopyTo(chars[(Prefix.Length + 1)..]);
        chars[Prefix.Length + 1 + CredentialGenerator.ClientIdLength] = '_';
        Convert.TryToHexStringLower(tokenHash, chars[(Prefix.Length + 2 + CredentialGenerator.ClientIdLength)..], out _);

        Crc32C.TryComputeAscii(chars[..bodyLength], out uint crc);
        crc.TryFormat(chars[bodyLength..], out _, "x8", System.Globalization.CultureInfo.InvariantCulture);
        return new string(chars);
    }

    /// <inheritdoc/>
    public bool TryParse(ReadOnlySpan<char> token, out ReadOnlySpan<char> clientId, Span<byte> tokenHash)
    {
        clientId = default;
        int prefixLength = token.Length - SuffixLength;
        if (prefixLength is < 2 or > MaxPrefixLength || tokenHash.Length < 32 || !HasAcceptedPrefix(token, prefixLength))
        {
            return false;
        }

        int idStart = prefixLength + 1;
        int hashStart = idStart + CredentialGenerator.ClientIdLength + 1;
        if (token[prefixLength] != '_' || token[hashStart - 1] != '_')
        {
            return false;
        }

        // The checksum first: it rejects typos and random strings before any hex decoding or hashing.
        int bodyLength = token.Length - 8;
        if (!LowerHex.TryParseUInt32(token[bodyLength..], out uint checksum)
            || !Crc32C.TryComputeAscii(token[..bodyLength], out uint crc)
            || crc != checksum)
        {
            return false;
        }

        ReadOnlySpan<char> id = token.Slice(idStart, CredentialGenerator.ClientIdLength);
        if (!CredentialGenerator.IsClientId(id) || !LowerHex.TryDecode(token[hashStart..bodyLength], tokenHash[..32]))
        {
            return false;
        }

        clientId = id;
        return true;
    }

    private bool HasAcceptedPrefix(ReadOnlySpan<char> token, int prefixLength)
    {
        ReadOnlySpan<char> candidate = token[..prefixLength];
        foreach (string prefix in _prefixes)
        {
            if (candidate.SequenceEqual(prefix))
            {
                return true;
            }
        }

        return false;
    }

    private static string PrefixRule(string prefix) =>
        $"Token prefix '{prefix}' is invalid: use 2 to 16 lowercase ASCII letters or digits, starting with a letter (for example 'tsdk' or 'acme').";
}
