using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class AstraTokenFormatTests
{
    private const string ClientId = "IFmJlTkNvptFzTDEQpQIEJud";
    private const string Hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string UpperHex = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
    private const string ValidToken = "AstraCS:" + ClientId + ":" + Hex;

    private static readonly AstraTokenFormat s_format = AstraTokenFormat.Instance;

    [Fact]
    public void RegexPattern_Always_IsTheAstraPattern()
    {
        // Assert
        Assert.Equal("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$", AstraTokenFormat.RegexPattern);
        Assert.Equal(AstraTokenFormat.RegexPattern, s_format.Pattern);
        Assert.Equal(TokenFormatKind.Astra, s_format.Kind);
    }

    [Fact]
    public void Format_KnownClientIdAndHash_WritesPrefixClientIdAndLowercaseHex()
    {
        // Arrange
        byte[] hash = Convert.FromHexString(Hex);

        // Act
        string token = s_format.Format(ClientId, hash);

        // Assert
        Assert.Equal(ValidToken, token);
    }

    [Fact]
    public void Format_ThenTryParse_ReturnsSameClientIdAndHash()
    {
        // Arrange
        List<string> failures = [];
        byte[] parsedHash = new byte[32];

        for (int i = 0; i < 500; i++)
        {
            string clientId = CredentialGenerator.NewClientId();
            byte[] hash = i switch
            {
                0 => new byte[32],
                1 => Enumerable.Repeat((byte)0xFF, 32).ToArray(),
                _ => RandomNumberGenerator.GetBytes(32),
            };

            // Act
            string token = s_format.Format(clientId, hash);
            bool parsed = s_format.TryParse(token, out ReadOnlySpan<char> parsedClientId, parsedHash);

            // Assert (collected, so one failure reports every failing token)
            if (!parsed || !parsedClientId.SequenceEqual(clientId) || !parsedHash.AsSpan().SequenceEqual(hash))
            {
                failures.Add(token);
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void TryParse_ValidToken_ReturnsClientIdAsSliceAndHash()
    {
        // Arrange
        byte[] hash = new byte[32];

        // Act
        bool parsed = s_format.TryParse(ValidToken, out ReadOnlySpan<char> clientId, hash);

        // Assert
        Assert.True(parsed);
        Assert.Equal(ClientId, clientId.ToString());
        Assert.Equal(Convert.FromHexString(Hex), hash);
    }

    [Fact]
    public void TryParse_DestinationLongerThan32Bytes_WritesOnlyTheFirst32()
    {
        // Arrange
        byte[] hash = Enumerable.Repeat((byte)0xAA, 40).ToArray();

        // Act
        bool parsed = s_format.TryParse(ValidToken, out _, hash);

        // Assert
        Assert.True(parsed);
        Assert.Equal(Convert.FromHexString(Hex), hash[..32]);
        Assert.All(hash[32..], b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void TryParse_VectorizedAndPortablePaths_AgreeOnEveryInput()
    {
        // Arrange: valid tokens, and hostile inputs of the token's length around one (the only ones either path sees).
        List<string> tokens = [.. Enumerable.Range(0, 200).Select(_ => AstraTokenFormat.Instance.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32)))];
        IEnumerable<string> inputs = tokens
            .Concat(HostileTokenInputs.Around(tokens[0], checksummed: false))
            .Where(t => t.Length == AstraTokenFormat.TokenLength);
        Assert.SkipUnless(System.Runtime.Intrinsics.X86.Avx2.IsSupported, "This machine has no AVX2: only the portable path runs.");

        // Act
        (List<string> accepted, List<string> disagreements) = HostileTokenInputs.Compare(
            inputs,
            static (input, hash) => AstraTokenFormat.TryParsePortable(input, hash),
            static (input, hash) => AstraTokenFormat.TryParseAvx2(input, hash));

        // Assert: exactly the generated tokens pass (the hostile inputs include random well-shaped ones only for
        // checksummed formats), and the two paths never disagree.
        Assert.Empty(disagreements);
        Assert.Equal(tokens, accepted);
        Assert.All(accepted, t => Assert.Matches(AstraTokenFormat.RegexPattern, t));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(32)]
    [InlineData(96)]
    public void TryParse_MalformedToken_LeavesNoDecodedBytesInTheDestination(int position)
    {
        // Arrange: a token with one character broken; the destination filled beforehand.
        string token = AstraTokenFormat.Instance.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32));
        char[] broken = token.ToCharArray();
        broken[position] = '!';
        byte[] hash = Enumerable.Repeat((byte)0xAA, 32).ToArray();

        // Act
        bool parsed = AstraTokenFormat.Instance.TryParse(new string(broken), out ReadOnlySpan<char> clientId, hash);

        // Assert: untouched (rejected before decoding) or cleared, never part of T.
        Assert.False(parsed);
        Assert.True(clientId.IsEmpty);
        Assert.True(hash.All(b => b == 0xAA) || hash.All(b => b == 0), Convert.ToHexString(hash));
    }

    [Fact]
    public void TryParse_DestinationShorterThan32Bytes_ReturnsFalse()
    {
        // Arrange
        byte[] hash = new byte[31];

        // Act
        bool parsed = s_format.TryParse(ValidToken, out ReadOnlySpan<char> clientId, hash);

        // Assert
        Assert.False(parsed);
        Assert.True(clientId.IsEmpty);
    }

    [Fact]
    public void Format_ManyTokens_Are97CharactersAndMatchRegexPattern()
    {
        // Arrange
        var regex = new Regex(AstraTokenFormat.RegexPattern, RegexOptions.CultureInvariant);
        List<string> mismatches = [];

        // Act
        for (int i = 0; i < 500; i++)
        {
            string token = s_format.Format(CredentialGenerator.NewClientId(), RandomNumberGenerator.GetBytes(32));
            if (token.Length != AstraTokenFormat.TokenLength || token.Length != 97 || !regex.IsMatch(token))
            {
                mismatches.Add(token);
            }
        }

        // Assert
        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("AstraCS:" + ClientId + ":" + UpperHex)]
    [InlineData("AstraCS:" + ClientId + ":" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1F")]
    [InlineData("AstraCS:" + ClientId + ":" + "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("AstraCS:" + ClientId + ":" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1")]
    [InlineData("AstraCS:" + ClientId + ":" + Hex + "0")]
    [InlineData("AstraCS:" + ClientId + ":" + Hex + "00")]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJu" + ":" + Hex)]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJudX" + ":" + Hex)]
    [InlineData("AstraCS:" + ClientId + ":" + Hex + "\n")]
    [InlineData(" AstraCS:" + ClientId + ":" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1")]
    [InlineData("astraCS:" + ClientId + ":" + Hex)]
    [InlineData("ASTRACS:" + ClientId + ":" + Hex)]
    [InlineData("AstraXS:" + ClientId + ":" + Hex)]
    [InlineData("AstraCS_" + ClientId + ":" + Hex)]
    [InlineData("AstraCSx" + ClientId + ":" + Hex)]
    [InlineData("AstraCS:" + ClientId + "x" + Hex)]
    [InlineData("AstraCS:" + ClientId + "_" + Hex)]
    [InlineData("AstraCS:" + ClientId + Hex)]
    [InlineData("AstraCS:" + ClientId + Hex + "0")]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJu1" + ":" + Hex)]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJu_" + ":" + Hex)]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJu-" + ":" + Hex)]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJu " + ":" + Hex)]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJu:" + ":" + Hex)]
    [InlineData("AstraCS:" + "IFmJlTkNvptFzTDEQpQIEJué" + ":" + Hex)]
    public void TryParse_MalformedToken_ReturnsFalse(string token)
    {
        // Arrange
        byte[] hash = new byte[32];

        // Act
        bool parsed = s_format.TryParse(token, out ReadOnlySpan<char> clientId, hash);

        // Assert
        Assert.False(parsed);
        Assert.True(clientId.IsEmpty);
    }

    [Fact]
    public void TryParse_HostileInput_ReturnsFalseWithoutThrowing()
    {
        // Arrange
        IEnumerable<string> inputs = HostileTokenInputs.Around(ValidToken, checksummed: false)
            .Append(ChecksummedTokenFormat.Default.Format(ClientId, Convert.FromHexString(Hex)));

        // Act
        List<string> accepted = HostileTokenInputs.FindAccepted(inputs, Accepts);

        // Assert
        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJud1")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu1")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu:")]
    [InlineData("")]
    public void Format_MalformedClientId_ThrowsArgumentException(string clientId)
    {
        // Arrange
        byte[] hash = new byte[32];

        // Act
        void Act() => s_format.Format(clientId, hash);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Equal("clientId", exception.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Format_HashNot32Bytes_ThrowsArgumentException(int length)
    {
        // Arrange
        byte[] hash = new byte[length];

        // Act
        void Act() => s_format.Format(ClientId, hash);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Equal("tokenHash", exception.ParamName);
    }

    [Fact]
    public void Format_NullClientId_ThrowsArgumentNullException()
    {
        // Arrange
        byte[] hash = new byte[32];

        // Act
        void Act() => s_format.Format(null!, hash);

        // Assert
        Assert.Throws<ArgumentNullException>(Act);
    }

    private static bool Accepts(string token)
    {
        byte[] hash = new byte[32];
        return s_format.TryParse(token, out _, hash);
    }
}
