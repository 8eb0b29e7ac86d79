using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class ChecksummedTokenFormatTests
{
    private const string ClientId = "IFmJlTkNvptFzTDEQpQIEJud";
    private const string Hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    // Replacement characters for the substitution test: letters, digits, hex digits, separators and case changes.
    private static readonly char[] s_replacements = ['a', 'f', 'g', 'z', 'A', 'F', 'Z', '0', '9', '_', ':', '-', ' '];

    [Fact]
    public void Pattern_DefaultPrefix_IsTheDocumentedPattern()
    {
        // Act
        var format = new ChecksummedTokenFormat();

        // Assert
        Assert.Equal("^(?:tsdk)_[A-Za-z]{24}_[0-9a-f]{72}$", format.Pattern);
        Assert.Equal("tsdk", format.Prefix);
        Assert.Equal(["tsdk"], format.AcceptedPrefixes);
        Assert.Equal(TokenFormatKind.Checksummed, format.Kind);
    }

    [Fact]
    public void Format_KnownClientIdAndHash_WritesPrefixClientIdHexAndCrc32COfTheBody()
    {
        // Arrange
        byte[] hash = Convert.FromHexString(Hex);
        string body = "tsdk_" + ClientId + "_" + Hex;
        string checksum = Crc32C.Compute(Encoding.ASCII.GetBytes(body)).ToString("x8", CultureInfo.InvariantCulture);

        // Act
        string token = ChecksummedTokenFormat.Default.Format(ClientId, hash);

        // Assert
        Assert.Equal(body + checksum, token);
    }

    public static TheoryData<string, string[]> Configurations => new()
    {
        { "tsdk", [] },
        { "acme", [] },
        { "ab", [] },
        { "a1b2c3d4e5f6g7h8", [] },
        { "acme", ["tsdk", "legacy01"] },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Format_ThenTryParse_ReturnsSameClientIdAndHash(string prefix, string[] additionalPrefixes)
    {
        // Arrange
        var format = new ChecksummedTokenFormat(prefix, additionalPrefixes);
        List<string> failures = [];
        byte[] parsedHash = new byte[32];

        for (int i = 0; i < 300; i++)
        {
            string clientId = CredentialGenerator.NewClientId();
            byte[] hash = i switch
            {
                0 => new byte[32],
                1 => Enumerable.Repeat((byte)0xFF, 32).ToArray(),
                _ => RandomNumberGenerator.GetBytes(32),
            };

            // Act
            string token = format.Format(clientId, hash);
            bool parsed = format.TryParse(token, out ReadOnlySpan<char> parsedClientId, parsedHash);

            // Assert (collected, so one failure reports every failing token)
            if (!parsed || !parsedClientId.SequenceEqual(clientId) || !parsedHash.AsSpan().SequenceEqual(hash))
            {
                failures.Add(token);
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Format_ManyTokens_MatchPatternAndHaveTheExpectedLength(string prefix, string[] additionalPrefixes)
    {
        // Arrange
        var format = new ChecksummedTokenFormat(prefix, additionalPrefixes);
        var regex = new Regex(format.Pattern, RegexOptions.CultureInvariant);
        List<string> mismatches = [];

        // Act
        for (int i = 0; i < 300; i++)
        {
            string token = format.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32));
            if (!regex.IsMatch(token) || token.Length != prefix.Length + 98 || !token.StartsWith(prefix + "_", StringComparison.Ordinal))
            {
                mismatches.Add(token);
            }
        }

        // Assert
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Pattern_AdditionalPrefixes_MatchesTokensOfEveryAcceptedPrefix()
    {
        // Arrange
        var format = new ChecksummedTokenFormat("acme", ["tsdk", "legacy01"]);
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        string[] tokens =
        [
            format.Format(ClientId, hash),
            new ChecksummedTokenFormat("tsdk").Format(ClientId, hash),
            new ChecksummedTokenFormat("legacy01").Format(ClientId, hash),
        ];
        string other = new ChecksummedTokenFormat("other").Format(ClientId, hash);

        // Act
        bool[] matches = [.. tokens.Select(t => Regex.IsMatch(t, format.Pattern))];
        bool otherMatches = Regex.IsMatch(other, format.Pattern);

        // Assert
        Assert.Equal("^(?:acme|tsdk|legacy01)_[A-Za-z]{24}_[0-9a-f]{72}$", format.Pattern);
        Assert.All(matches, Assert.True);
        Assert.False(otherMatches);
    }

    [Fact]
    public void TryParse_AdditionalPrefix_AcceptsTokensWrittenWithIt()
    {
        // Arrange
        var format = new ChecksummedTokenFormat("acme", ["tsdk", "legacy01"]);
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        string oldToken = new ChecksummedTokenFormat("tsdk").Format(ClientId, hash);
        string olderToken = new ChecksummedTokenFormat("legacy01").Format(ClientId, hash);
        byte[] parsedOld = new byte[32];
        byte[] parsedOlder = new byte[32];

        // Act
        bool oldParsed = format.TryParse(oldToken, out ReadOnlySpan<char> oldClientId, parsedOld);
        string oldClientIdText = oldClientId.ToString();
        bool olderParsed = format.TryParse(olderToken, out ReadOnlySpan<char> olderClientId, parsedOlder);

        // Assert
        Assert.True(oldParsed);
        Assert.Equal(ClientId, oldClientIdText);
        Assert.Equal(hash, parsedOld);
        Assert.True(olderParsed);
        Assert.Equal(ClientId, olderClientId.ToString());
        Assert.Equal(hash, parsedOlder);
    }

    [Fact]
    public void Format_AdditionalPrefixes_WritesThePrimaryPrefixOnly()
    {
        // Arrange
        var format = new ChecksummedTokenFormat("acme", ["tsdk"]);

        // Act
        string token = format.Format(ClientId, new byte[32]);

        // Assert
        Assert.StartsWith("acme_", token, StringComparison.Ordinal);
        Assert.Equal("acme", format.Prefix);
        Assert.Equal(["acme", "tsdk"], format.AcceptedPrefixes);
    }

    [Fact]
    public void Constructor_DuplicatePrefixes_AcceptsEachOnce()
    {
        // Act
        var format = new ChecksummedTokenFormat("acme", ["acme", "tsdk", "tsdk"]);

        // Assert
        Assert.Equal(["acme", "tsdk"], format.AcceptedPrefixes);
        Assert.Equal("^(?:acme|tsdk)_[A-Za-z]{24}_[0-9a-f]{72}$", format.Pattern);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("tsd")]
    [InlineData("tsdkx")]
    [InlineData("other")]
    public void TryParse_PrefixNotAccepted_ReturnsFalse(string writerPrefix)
    {
        // Arrange: the token is well formed with a correct checksum, only its prefix is not accepted.
        string token = new ChecksummedTokenFormat(writerPrefix).Format(ClientId, RandomNumberGenerator.GetBytes(32));
        var reader = new ChecksummedTokenFormat("tsdk", ["legacy01"]);
        byte[] hash = new byte[32];

        // Act
        bool parsed = reader.TryParse(token, out ReadOnlySpan<char> clientId, hash);

        // Assert
        Assert.False(parsed);
        Assert.True(clientId.IsEmpty);
    }

    [Fact]
    public void TryParse_ValidStructureWithWrongChecksum_ReturnsFalse()
    {
        // Arrange: every other checksum value than the right one, a few of them, all lowercase hex.
        string token = ChecksummedTokenFormat.Default.Format(ClientId, Convert.FromHexString(Hex));
        uint checksum = uint.Parse(token.AsSpan(token.Length - 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        uint[] wrongChecksums = [checksum + 1, checksum - 1, checksum ^ 0x80000000u, ~checksum, 0, uint.MaxValue];
        List<string> accepted = [];
        byte[] hash = new byte[32];

        // Act
        foreach (uint wrong in wrongChecksums.Where(c => c != checksum))
        {
            string candidate = string.Concat(token.AsSpan(0, token.Length - 8), wrong.ToString("x8", CultureInfo.InvariantCulture));
            if (ChecksummedTokenFormat.Default.TryParse(candidate, out _, hash))
            {
                accepted.Add(candidate);
            }
        }

        // Assert
        Assert.Matches(ChecksummedTokenFormat.Default.Pattern, token);
        Assert.True(ChecksummedTokenFormat.Default.TryParse(token, out _, hash));
        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData("tsdk" + "x" + ClientId + "_" + Hex)]
    [InlineData("tsdk" + "_" + ClientId + "x" + Hex)]
    [InlineData("tsdk" + "-" + ClientId + "-" + Hex)]
    [InlineData("tsdk" + "_" + "IFmJlTkNvptFzTDEQpQIEJu1" + "_" + Hex)]
    [InlineData("tsdk" + "_" + "IFmJlTkNvptFzTDEQpQIEJu_" + "_" + Hex)]
    [InlineData("tsdk" + "_" + ClientId + "_" + "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")]
    [InlineData("tsdk" + "_" + ClientId + "_" + "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("tsdk" + "_" + ClientId + "_" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e:f")]
    public void TryParse_CorrectChecksumOverMalformedBody_ReturnsFalse(string body)
    {
        // Arrange: the checksum matches, so only the structural checks can reject the token.
        string token = body + Crc32C.Compute(Encoding.ASCII.GetBytes(body)).ToString("x8", CultureInfo.InvariantCulture);
        byte[] hash = new byte[32];

        // Act
        bool parsed = ChecksummedTokenFormat.Default.TryParse(token, out ReadOnlySpan<char> clientId, hash);

        // Assert
        Assert.Equal(102, token.Length);
        Assert.False(parsed);
        Assert.True(clientId.IsEmpty);
    }

    [Fact]
    public void TryParse_UppercaseChecksum_ReturnsFalse()
    {
        // Arrange: find a token whose checksum has a letter, then write that checksum in uppercase.
        string token;
        do
        {
            token = ChecksummedTokenFormat.Default.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32));
        }
        while (!token.AsSpan(token.Length - 8).ContainsAny("abcdef"));

        string upper = string.Concat(token.AsSpan(0, token.Length - 8), token[^8..].ToUpperInvariant());
        byte[] hash = new byte[32];

        // Act
        bool parsed = ChecksummedTokenFormat.Default.TryParse(upper, out _, hash);

        // Assert
        Assert.False(parsed);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryParse_AnySingleCharacterSubstituted_ReturnsFalse(string prefix, string[] additionalPrefixes)
    {
        // Arrange
        var format = new ChecksummedTokenFormat(prefix, additionalPrefixes);
        string token = format.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32));
        List<string> accepted = [];
        byte[] hash = new byte[32];
        int tried = 0;

        // Act: every position, including the prefix, both separators, the hex and the checksum itself.
        for (int position = 0; position < token.Length; position++)
        {
            char[] replacements = [.. s_replacements, char.IsAsciiLetter(token[position]) ? (char)(token[position] ^ 0x20) : 'b'];
            foreach (char replacement in replacements.Where(r => r != token[position]))
            {
                string candidate = string.Create(token.Length, (token, position, replacement), static (span, state) =>
                {
                    state.token.CopyTo(span);
                    span[state.position] = state.replacement;
                });
                tried++;
                if (format.TryParse(candidate, out _, hash))
                {
                    accepted.Add($"position {position}: {candidate}");
                }
            }
        }

        // Assert
        Assert.True(format.TryParse(token, out _, hash));
        Assert.True(tried > token.Length * 10);
        Assert.Empty(accepted);
    }

    [Fact]
    public void TryParse_HostileInput_ReturnsFalseWithoutThrowing()
    {
        // Arrange
        var format = new ChecksummedTokenFormat("tsdk", ["legacy01"]);
        string token = format.Format(ClientId, Convert.FromHexString(Hex));
        IEnumerable<string> inputs = HostileTokenInputs.Around(token, checksummed: true)
            .Concat(HostileTokenInputs.Around(new ChecksummedTokenFormat("legacy01").Format(ClientId, Convert.FromHexString(Hex)), checksummed: true))
            .Append(AstraTokenFormat.Instance.Format(ClientId, Convert.FromHexString(Hex)));

        // Act
        List<string> accepted = HostileTokenInputs.FindAccepted(inputs, t => Accepts(format, t));

        // Assert
        Assert.Empty(accepted);
    }

    [Fact]
    public void TryParseSuffix_VectorizedAndPortablePaths_AgreeOnEveryInput()
    {
        // Arrange: valid tokens, and hostile inputs of the suffix's length around one (the only ones either path sees).
        const string Prefix = "tsdk";
        uint prefixState = Crc32C.Append(uint.MaxValue, Encoding.ASCII.GetBytes(Prefix));
        var format = new ChecksummedTokenFormat(Prefix);
        List<string> tokens = [.. Enumerable.Range(0, 200).Select(_ => format.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32)))];
        IEnumerable<string> suffixes = tokens
            .Concat(HostileTokenInputs.Around(tokens[0], checksummed: true))
            .Where(t => t.Length == Prefix.Length + ChecksummedTokenFormat.SuffixLength && t.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(t => t[Prefix.Length..]);
        Assert.SkipUnless(System.Runtime.Intrinsics.X86.Avx2.IsSupported, "This machine has no AVX2: only the portable path runs.");

        // Act
        (List<string> accepted, List<string> disagreements) = HostileTokenInputs.Compare(
            suffixes,
            (suffix, hash) => ChecksummedTokenFormat.TryParseSuffix(suffix, prefixState, hash),
            (suffix, hash) => ChecksummedTokenFormat.TryParseSuffixAvx2(suffix, prefixState, hash));

        // Assert: exactly the generated tokens pass, and the two paths never disagree.
        Assert.Empty(disagreements);
        Assert.Equal(tokens.Select(t => t[Prefix.Length..]), accepted);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(40)]
    [InlineData(101)]
    public void TryParse_MalformedToken_LeavesNoDecodedBytesInTheDestination(int position)
    {
        // Arrange: a token with one character broken; the destination filled beforehand.
        string token = ChecksummedTokenFormat.Default.Format(ClientId, RandomNumberGenerator.GetBytes(32));
        char[] broken = token.ToCharArray();
        broken[position] = '!';
        byte[] hash = Enumerable.Repeat((byte)0xAA, 32).ToArray();

        // Act
        bool parsed = ChecksummedTokenFormat.Default.TryParse(new string(broken), out ReadOnlySpan<char> clientId, hash);

        // Assert: untouched (rejected before decoding) or cleared, never part of T.
        Assert.False(parsed);
        Assert.True(clientId.IsEmpty);
        Assert.True(hash.All(b => b == 0xAA) || hash.All(b => b == 0), Convert.ToHexString(hash));
    }

    [Fact]
    public void TryParse_DestinationShorterThan32Bytes_ReturnsFalse()
    {
        // Arrange
        string token = ChecksummedTokenFormat.Default.Format(ClientId, Convert.FromHexString(Hex));
        byte[] hash = new byte[31];

        // Act
        bool parsed = ChecksummedTokenFormat.Default.TryParse(token, out _, hash);

        // Assert
        Assert.False(parsed);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("tsdk")]
    [InlineData("a1")]
    [InlineData("acme2024")]
    [InlineData("abcdefghijklmnop")]
    [InlineData("z0123456789abcde")]
    public void IsValidPrefix_TwoTo16LowercaseLettersOrDigitsStartingWithALetter_ReturnsTrue(string prefix)
    {
        // Act
        bool valid = ChecksummedTokenFormat.IsValidPrefix(prefix);

        // Assert
        Assert.True(valid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("abcdefghijklmnopq")]
    [InlineData("1abc")]
    [InlineData("Tsdk")]
    [InlineData("tsDk")]
    [InlineData("TSDK")]
    [InlineData("ts_k")]
    [InlineData("ts-k")]
    [InlineData("tsdk_")]
    [InlineData("tsdk ")]
    [InlineData(" tsdk")]
    [InlineData("tsdé")]
    [InlineData("\uFF54\uFF53\uFF44\uFF4B")]
    [InlineData("ts\u0663k")]
    public void IsValidPrefix_Malformed_ReturnsFalse(string? prefix)
    {
        // Act
        bool valid = ChecksummedTokenFormat.IsValidPrefix(prefix);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("Acme")]
    [InlineData("ac_me")]
    [InlineData("1acme")]
    [InlineData("abcdefghijklmnopq")]
    public void Constructor_MalformedPrefix_ThrowsArgumentExceptionSayingWhatToFix(string prefix)
    {
        // Act
        ChecksummedTokenFormat Act() => new(prefix);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Equal("prefix", exception.ParamName);
        Assert.Contains($"'{prefix}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("2 to 16 lowercase ASCII letters or digits", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Legacy")]
    [InlineData("x")]
    [InlineData("old-prefix")]
    public void Constructor_MalformedAdditionalPrefix_ThrowsArgumentException(string additional)
    {
        // Act
        ChecksummedTokenFormat Act() => new("acme", ["tsdk", additional]);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Equal("additionalPrefixes", exception.ParamName);
        Assert.Contains($"'{additional}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullPrefix_ThrowsArgumentNullException()
    {
        // Act
        static ChecksummedTokenFormat Act() => new(null!);

        // Assert
        Assert.Throws<ArgumentNullException>(Act);
    }

    [Fact]
    public void Format_MalformedClientIdOrHash_ThrowsArgumentException()
    {
        // Act
        static void BadClientId() => ChecksummedTokenFormat.Default.Format("IFmJlTkNvptFzTDEQpQIEJu1", new byte[32]);
        static void BadHash() => ChecksummedTokenFormat.Default.Format(ClientId, new byte[31]);

        // Assert
        Assert.Equal("clientId", Assert.Throws<ArgumentException>(BadClientId).ParamName);
        Assert.Equal("tokenHash", Assert.Throws<ArgumentException>(BadHash).ParamName);
    }

    private static bool Accepts(ChecksummedTokenFormat format, string token)
    {
        byte[] hash = new byte[32];
        return format.TryParse(token, out _, hash);
    }
}
