using System.Buffers.Text;
using System.Security.Cryptography;
using TokenSdk.Hashing;

namespace TokenSdk.Tests.Hashing;

public class StoredVerifierTests
{
    // 32 bytes whose base64url form is 43 characters without padding.
    private static readonly byte[] s_value = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];
    private static readonly string s_encodedValue = Base64Url.EncodeToString(s_value);

    [Fact]
    public void Encode_Sha256_WritesVersionAlgorithmAndBase64UrlValue()
    {
        // Arrange
        var verifier = new StoredVerifier(VerifierAlgorithm.Sha256, null, s_value);

        // Act
        string encoded = verifier.Encode();

        // Assert
        Assert.Equal("v1$sha256$" + s_encodedValue, encoded);
        Assert.Equal(43, s_encodedValue.Length);
    }

    [Fact]
    public void Encode_HmacSha256_WritesKeyIdBeforeTheValue()
    {
        // Arrange
        var verifier = new StoredVerifier(VerifierAlgorithm.HmacSha256, "2024-01", s_value);

        // Act
        string encoded = verifier.Encode();

        // Assert
        Assert.Equal("v1$hmac-sha256$2024-01$" + s_encodedValue, encoded);
    }

    [Theory]
    [InlineData(VerifierAlgorithm.Sha256, null)]
    [InlineData(VerifierAlgorithm.HmacSha256, "2024-01")]
    [InlineData(VerifierAlgorithm.HmacSha256, "k")]
    [InlineData(VerifierAlgorithm.HmacSha256, "A.b-C_d.0123456789abcdefghijklmn")]
    public void Parse_EncodedVerifier_RoundTrips(VerifierAlgorithm algorithm, string? keyId)
    {
        // Arrange
        byte[] value = RandomNumberGenerator.GetBytes(32);
        var original = new StoredVerifier(algorithm, keyId, value);

        // Act
        StoredVerifier parsed = StoredVerifier.Parse(original.Encode());

        // Assert
        byte[] parsedValue = new byte[32];
        parsed.CopyValueTo(parsedValue);
        Assert.Equal(algorithm, parsed.Algorithm);
        Assert.Equal(keyId, parsed.KeyId);
        Assert.Equal(StoredVerifier.CurrentVersion, parsed.Version);
        Assert.False(parsed.IsEmpty);
        Assert.Equal(value, parsedValue);
        Assert.Equal(original, parsed);
        Assert.Equal(original.Encode(), parsed.Encode());
    }

    [Fact]
    public void TryParse_ManyRandomValues_RoundTrip()
    {
        // Arrange: random values cover base64url's '-' and '_' characters.
        List<string> failures = [];

        // Act
        for (int i = 0; i < 500; i++)
        {
            var original = new StoredVerifier(VerifierAlgorithm.HmacSha256, "k1", RandomNumberGenerator.GetBytes(32));
            string encoded = original.Encode();
            if (!StoredVerifier.TryParse(encoded, out StoredVerifier parsed) || parsed != original)
            {
                failures.Add(encoded);
            }
        }

        // Assert
        Assert.Empty(failures);
    }

    public static TheoryData<string, string?> MalformedTexts => new()
    {
        { "null", null },
        { "empty", "" },
        { "version only", "v1" },
        { "no value", "v1$sha256" },
        { "empty value", "v1$sha256$" },
        { "version 2", "v2$sha256$" + s_encodedValue },
        { "version 0", "v0$sha256$" + s_encodedValue },
        { "uppercase version", "V1$sha256$" + s_encodedValue },
        { "no version", "sha256$" + s_encodedValue },
        { "leading space", " v1$sha256$" + s_encodedValue },
        { "unknown algorithm", "v1$sha512$" + s_encodedValue },
        { "uppercase algorithm", "v1$SHA256$" + s_encodedValue },
        { "empty algorithm", "v1$$" + s_encodedValue },
        { "bad base64", "v1$sha256$!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" },
        { "31 bytes", "v1$sha256$" + Base64Url.EncodeToString(new byte[31]) },
        { "33 bytes", "v1$sha256$" + Base64Url.EncodeToString(new byte[33]) },
        { "64 bytes", "v1$sha256$" + Base64Url.EncodeToString(new byte[64]) },
        { "one character short", "v1$sha256$" + s_encodedValue[..^1] },
        { "one character long", "v1$sha256$" + s_encodedValue + "A" },
        { "trailing separator", "v1$sha256$" + s_encodedValue + "$" },
        { "sha256 with a key id", "v1$sha256$k1$" + s_encodedValue },
        { "hmac without key id", "v1$hmac-sha256$" + s_encodedValue },
        { "hmac with empty key id", "v1$hmac-sha256$$" + s_encodedValue },
        { "hmac key id with space", "v1$hmac-sha256$bad key$" + s_encodedValue },
        { "hmac key id with slash", "v1$hmac-sha256$a/b$" + s_encodedValue },
        { "hmac key id non-ASCII", "v1$hmac-sha256$clé$" + s_encodedValue },
        { "hmac key id 33 characters", "v1$hmac-sha256$" + new string('k', 33) + "$" + s_encodedValue },
        { "hmac extra part", "v1$hmac-sha256$k1$" + s_encodedValue + "$x" },
        { "hmac bad base64", "v1$hmac-sha256$k1$" + s_encodedValue[..^1] + "*" },
    };

    [Theory]
    [MemberData(nameof(MalformedTexts))]
    public void TryParse_MalformedText_ReturnsFalseAndEmptyVerifier(string description, string? text)
    {
        // Act
        bool parsed = StoredVerifier.TryParse(text, out StoredVerifier verifier);

        // Assert
        Assert.False(parsed, description);
        Assert.True(verifier.IsEmpty, description);
    }

    public static TheoryData<string, string> TextsWithWhitespace => new()
    {
        { "space inside the value", "v1$sha256$" + s_encodedValue[..20] + " " + s_encodedValue[20..] },
        { "line break inside the value", "v1$sha256$" + s_encodedValue[..20] + "\n" + s_encodedValue[20..] },
        { "space before the value", "v1$sha256$ " + s_encodedValue },
        { "trailing space", "v1$sha256$" + s_encodedValue + " " },
        { "trailing carriage return", "v1$hmac-sha256$k1$" + s_encodedValue + "\r" },
        { "leading space", " v1$sha256$" + s_encodedValue },
        { "space inside the key id", "v1$hmac-sha256$k 1$" + s_encodedValue },
    };

    [Theory]
    [MemberData(nameof(TextsWithWhitespace))]
    public void TryParse_WhitespaceAnywhere_ReturnsFalse(string description, string text)
    {
        // Encode never writes whitespace, so text with whitespace is not the text form (and would make it
        // non-canonical: several stored strings for one verifier).

        // Act
        bool parsed = StoredVerifier.TryParse(text, out StoredVerifier verifier);

        // Assert
        Assert.False(parsed, $"{description}: parsed as {(parsed ? verifier.Encode() : "")}");
        Assert.True(verifier.IsEmpty, description);
    }

    [Fact]
    public void Parse_MalformedText_ThrowsFormatException()
    {
        // Act
        static void Act() => StoredVerifier.Parse("v1$md5$abc");

        // Assert
        FormatException exception = Assert.Throws<FormatException>(Act);
        Assert.Contains("v1$sha256$", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        // Act
        static void Act() => StoredVerifier.Parse(null!);

        // Assert
        Assert.Throws<ArgumentNullException>(Act);
    }

    [Theory]
    [InlineData(VerifierAlgorithm.Sha256, null, "v1 sha256")]
    [InlineData(VerifierAlgorithm.HmacSha256, "2024-01", "v1 hmac-sha256 key 2024-01")]
    public void ToString_Verifier_ShowsAlgorithmAndKeyIdButNoValue(VerifierAlgorithm algorithm, string? keyId, string expected)
    {
        // Arrange
        var verifier = new StoredVerifier(algorithm, keyId, s_value);

        // Act
        string text = verifier.ToString();

        // Assert
        Assert.Equal(expected, text);
        Assert.DoesNotContain(s_encodedValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(s_value)[..8], text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Default_Always_IsEmptyAndCannotBeEncoded()
    {
        // Arrange
        StoredVerifier verifier = default;

        // Act
        void Act() => verifier.Encode();

        // Assert
        Assert.True(verifier.IsEmpty);
        Assert.Equal((VerifierAlgorithm)0, verifier.Algorithm);
        Assert.Null(verifier.KeyId);
        Assert.Equal("(empty)", verifier.ToString());
        Assert.Throws<InvalidOperationException>(Act);
    }

    [Fact]
    public void IsEmpty_ConstructedVerifier_IsFalse()
    {
        // Act
        var verifier = new StoredVerifier(VerifierAlgorithm.Sha256, null, new byte[32]);

        // Assert
        Assert.False(verifier.IsEmpty);
    }

    [Fact]
    public void CopyValueTo_DestinationShorterThan32Bytes_ThrowsArgumentException()
    {
        // Arrange
        var verifier = new StoredVerifier(VerifierAlgorithm.Sha256, null, s_value);

        // Act
        void Act() => verifier.CopyValueTo(new byte[31]);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Equal("destination", exception.ParamName);
    }

    [Fact]
    public void CopyValueTo_LongerDestination_WritesTheFirst32Bytes()
    {
        // Arrange
        var verifier = new StoredVerifier(VerifierAlgorithm.Sha256, null, s_value);
        byte[] destination = Enumerable.Repeat((byte)0xEE, 40).ToArray();

        // Act
        verifier.CopyValueTo(destination);

        // Assert
        Assert.Equal(s_value, destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Equals_SameAlgorithmKeyIdAndValue_IsTrue()
    {
        // Arrange
        var a = new StoredVerifier(VerifierAlgorithm.HmacSha256, "k1", s_value);
        var b = new StoredVerifier(VerifierAlgorithm.HmacSha256, "k1", (byte[])s_value.Clone());

        // Act
        bool equal = a.Equals(b);

        // Assert
        Assert.True(equal);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(default, default(StoredVerifier));
    }

    [Fact]
    public void Equals_DifferentValueAlgorithmOrKeyId_IsFalse()
    {
        // Arrange
        byte[] otherValue = (byte[])s_value.Clone();
        otherValue[31] ^= 1;
        var reference = new StoredVerifier(VerifierAlgorithm.HmacSha256, "k1", s_value);
        StoredVerifier[] others =
        [
            new(VerifierAlgorithm.HmacSha256, "k1", otherValue),
            new(VerifierAlgorithm.HmacSha256, "k2", s_value),
            new(VerifierAlgorithm.HmacSha256, "K1", s_value),
            new(VerifierAlgorithm.Sha256, null, s_value),
            default,
        ];

        // Act
        bool[] equal = [.. others.Select(o => reference.Equals(o) || reference == o || !(reference != o) || o.Equals(reference))];

        // Assert
        Assert.All(equal, Assert.False);
        Assert.False(reference.Equals((object)"v1$hmac-sha256$k1$" + s_encodedValue));
        Assert.False(reference.Equals(null));
    }
}
