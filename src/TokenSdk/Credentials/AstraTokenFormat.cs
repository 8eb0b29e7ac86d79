using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (token.Length != TokenLength || tokenHash.Length < 32)
        {
            return false;
        }

        bool parsed = Avx2.IsSupported
            ? TryParseAvx2(token, tokenHash)
            : TryParsePortable(token, tokenHash);
        if (!parsed)
        {
            // Whatever was decoded before the token was found malformed is not T.
            tokenHash[..32].Clear();
            return false;
        }

        clientId = token.Slice(ClientIdStart, CredentialGenerator.ClientIdLength);
        return true;
    }

    // A token of the right length: the prefix, the letters, the ':' and the 64 hex digits.
    internal static bool TryParsePortable(ReadOnlySpan<char> token, Span<byte> tokenHash) =>
        token.StartsWith(Prefix, StringComparison.Ordinal)
        && token[HashStart - 1] == ':'
        && CredentialGenerator.IsClientId(token.Slice(ClientIdStart, CredentialGenerator.ClientIdLength))
        && LowerHex.TryDecode(token[HashStart..], tokenHash[..32]);

    // The same side by side in 256-bit vectors, one branch at the end.
    internal static bool TryParseAvx2(ReadOnlySpan<char> token, Span<byte> tokenHash)
    {
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(token));
        Vector256<byte> invalid = LowerHex.Decode64(ref Unsafe.Add(ref source, HashStart), ref MemoryMarshal.GetReference(tokenHash));
        return (Vector128.LoadUnsafe(ref source) == Vector128.Create((ushort)'A', 's', 't', 'r', 'a', 'C', 'S', ':'))
            & (Unsafe.Add(ref source, HashStart - 1) == ':')
            & CredentialGenerator.AreLetters24(ref Unsafe.Add(ref source, ClientIdStart))
            & (invalid == Vector256<byte>.Zero);
    }
}
