using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    // The CRC-32C state after each accepted prefix (same order as _prefixes): parsing starts from it.
    private readonly uint[] _prefixStates;

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
        _prefixStates = [.. prefixes.Select(p => Crc32C.Append(uint.MaxValue, System.Text.Encoding.ASCII.GetBytes(p)))];
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
        if (prefixLength is < 2 or > MaxPrefixLength || tokenHash.Length < 32)
        {
            return false;
        }

        int prefix = IndexOfPrefix(token[..prefixLength]);
        if (prefix < 0)
        {
            return false;
        }

        ReadOnlySpan<char> suffix = token[prefixLength..];
        bool parsed = Avx2.IsSupported
            ? TryParseSuffixAvx2(suffix, _prefixStates[prefix], tokenHash)
            : TryParseSuffix(suffix, _prefixStates[prefix], tokenHash);
        if (!parsed)
        {
            // Whatever was decoded before the token was found malformed is not T.
            tokenHash[..32].Clear();
            return false;
        }

        clientId = suffix.Slice(1, CredentialGenerator.ClientIdLength);
        return true;
    }

    // The suffix, after the prefix: '_' at 0, the client id at 1-24, '_' at 25, T in hex at 26-89, the checksum at
    // 90-97. The checksum is the CRC-32C of everything before it, continued here from the prefix's state.
    internal static bool TryParseSuffix(ReadOnlySpan<char> suffix, uint prefixState, Span<byte> tokenHash)
    {
        const int HashStart = 2 + CredentialGenerator.ClientIdLength;
        const int ChecksumStart = HashStart + 64;

        // The checksum first: it rejects typos and random strings before any hex decoding.
        return LowerHex.TryParseUInt32(suffix[ChecksumStart..], out uint checksum)
            && Crc32C.TryComputeAscii(prefixState, suffix[..ChecksumStart], out uint crc)
            && crc == checksum
            && suffix[0] == '_'
            && suffix[HashStart - 1] == '_'
            && CredentialGenerator.IsClientId(suffix.Slice(1, CredentialGenerator.ClientIdLength))
            && LowerHex.TryDecode(suffix[HashStart..ChecksumStart], tokenHash[..32]);
    }

    // The same in one pass over 256-bit vectors, with one branch (on the checksum): the CRC-32C (12 dependent steps,
    // the longest chain) runs beside the checks and the hex decoding. Kept out of line: inlined into the verifier it
    // competed for registers with the code around it (a bad checksum took 82-99 ns in BenchmarkDotNet, 46 ns now). Narrowing saturates (a character above 0xFF becomes
    // 0xFF, one above 0x7FFF 0), so a non-ASCII character fails the check of its position like any other wrong one.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool TryParseSuffixAvx2(ReadOnlySpan<char> suffix, uint prefixState, Span<byte> tokenHash)
    {
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(suffix));

        // Characters 0-95 as bytes. Packing works within 128-bit lanes: each vector holds the 8-byte groups of its 32
        // characters in the order 0-7, 16-23, 8-15, 24-31.
        Vector256<byte> head = Pack32(ref source);
        Vector256<byte> middle = Pack32(ref Unsafe.Add(ref source, 32));
        Vector256<byte> tail = Pack32(ref Unsafe.Add(ref source, 64));

        // CRC-32C of characters 0-89 (eleven 8-byte steps and one 2-byte step), its input taken from the vectors in
        // character order. (Not through a copy in memory: the token's own loads below would follow those stores, and
        // whether they alias them depends on where the string happens to be.)
        Vector256<ulong> h = head.AsUInt64();
        Vector256<ulong> m = middle.AsUInt64();
        Vector256<ulong> t = tail.AsUInt64();
        ulong state = prefixState;
        state = Crc32C.Step(state, h.GetElement(0));
        state = Crc32C.Step(state, h.GetElement(2));
        state = Crc32C.Step(state, h.GetElement(1));
        state = Crc32C.Step(state, h.GetElement(3));
        state = Crc32C.Step(state, m.GetElement(0));
        state = Crc32C.Step(state, m.GetElement(2));
        state = Crc32C.Step(state, m.GetElement(1));
        state = Crc32C.Step(state, m.GetElement(3));
        state = Crc32C.Step(state, t.GetElement(0));
        state = Crc32C.Step(state, t.GetElement(2));
        state = Crc32C.Step(state, t.GetElement(1));
        uint crc = ~BitOperations.Crc32C((uint)state, t.AsUInt16().GetElement(12));
        uint checksum = LowerHex.DecodeUInt32(ref Unsafe.Add(ref source, 90), out bool checksumValid);

        // A typo or a made-up token stops here, before decoding. For a valid token this branch is predicted, and
        // the work below runs beside the CRC chain all the same.
        if (!checksumValid | crc != checksum)
        {
            return false;
        }

        // '_' at 0 and 25, letters at 1-24 (characters 26-31 are hex digits, checked when decoded). The lane order
        // of 'head' only swaps two groups of letters, so the layout below is in character order.
        Vector256<byte> letter = (head | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a');
        Vector256<byte> isLetter = Avx2.CompareEqual(Avx2.Min(letter, Vector256.Create((byte)25)), letter);
        Vector256<byte> isUnderscore = Avx2.CompareEqual(head, Vector256.Create((byte)'_'));
        Vector256<byte> layout = Vector256.Create(HeadLayout);
        Vector256<byte> invalid = ~((isLetter & layout) | (isUnderscore & ~layout) | Vector256.Create(HeadHexLanes));

        invalid |= LowerHex.Decode64(ref Unsafe.Add(ref source, 26), ref MemoryMarshal.GetReference(tokenHash));
        return invalid == Vector256<byte>.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Pack32(ref ushort source) =>
        Avx2.PackUnsignedSaturate(Vector256.LoadUnsafe(ref source).AsInt16(), Vector256.LoadUnsafe(ref source, 16).AsInt16());

    // Lanes of the first 32 characters of the suffix: 0xFF where a letter belongs, 0 where '_' does (lanes 26-31,
    // hex digits, are masked out by HeadHexLanes).
    private static ReadOnlySpan<byte> HeadLayout =>
    [
        0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    private static ReadOnlySpan<byte> HeadHexLanes =>
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    private int IndexOfPrefix(ReadOnlySpan<char> candidate)
    {
        string[] prefixes = _prefixes;
        for (int i = 0; i < prefixes.Length; i++)
        {
            if (candidate.SequenceEqual(prefixes[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string PrefixRule(string prefix) =>
        $"Token prefix '{prefix}' is invalid: use 2 to 16 lowercase ASCII letters or digits, starting with a letter (for example 'tsdk' or 'acme').";
}
