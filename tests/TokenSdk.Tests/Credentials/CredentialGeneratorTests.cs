using System.Security.Cryptography;
using System.Text;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class CredentialGeneratorTests
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Alphanumerics = Letters + "0123456789";

    [Fact]
    public void NewClientId_Always_Is24AsciiLetters()
    {
        // Arrange
        List<string> malformed = [];

        // Act
        for (int i = 0; i < 1000; i++)
        {
            string clientId = CredentialGenerator.NewClientId();
            if (clientId.Length != 24 || !clientId.All(char.IsAsciiLetter) || !CredentialGenerator.IsClientId(clientId))
            {
                malformed.Add(clientId);
            }
        }

        // Assert
        Assert.Empty(malformed);
    }

    [Fact]
    public void NewClientId_ManyCalls_AreDistinct()
    {
        // Arrange
        const int count = 10_000;

        // Act
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            ids.Add(CredentialGenerator.NewClientId());
        }

        // Assert
        Assert.Equal(count, ids.Count);
    }

    [Fact]
    public void NewClientId_ManyIds_UseEveryLetterWithSimilarFrequency()
    {
        // Arrange: 20,000 ids are 480,000 letters, about 9,231 of each; a 20% deviation is about 19 standard
        // deviations, so a correct generator never fails this, while a skewed or truncated alphabet does.
        const int ids = 20_000;
        var counts = new Dictionary<char, int>();

        // Act
        for (int i = 0; i < ids; i++)
        {
            foreach (char c in CredentialGenerator.NewClientId())
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        // Assert
        double expected = ids * 24.0 / Letters.Length;
        Assert.Equal(Letters.Order(), counts.Keys.Order());
        Assert.InRange(counts['A'], expected * 0.8, expected * 1.2);
        Assert.InRange(counts['z'], expected * 0.8, expected * 1.2);
        Assert.InRange(counts['A'] / (double)counts['z'], 0.8, 1.25);
        Assert.All(counts.Values, count => Assert.InRange(count, expected * 0.8, expected * 1.2));
    }

    [Fact]
    public void NewSecret_Always_Is44AsciiAlphanumerics()
    {
        // Arrange
        List<string> malformed = [];

        // Act
        for (int i = 0; i < 1000; i++)
        {
            string secret = CredentialGenerator.NewSecret();
            if (secret.Length != 44 || !secret.All(char.IsAsciiLetterOrDigit))
            {
                malformed.Add(secret);
            }
        }

        // Assert
        Assert.Empty(malformed);
    }

    [Fact]
    public void NewSecret_ManySecrets_AreDistinctAndUseTheWholeAlphabet()
    {
        // Arrange: 5,000 secrets are 220,000 characters, about 3,548 of each of the 62.
        const int count = 5_000;
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<char, int>();

        // Act
        for (int i = 0; i < count; i++)
        {
            string secret = CredentialGenerator.NewSecret();
            secrets.Add(secret);
            foreach (char c in secret)
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        // Assert
        double expected = count * 44.0 / Alphanumerics.Length;
        Assert.Equal(count, secrets.Count);
        Assert.Equal(Alphanumerics.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, expected * 0.75, expected * 1.25));
    }

    [Theory]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJud")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzz")]
    public void IsClientId_24AsciiLetters_ReturnsTrue(string clientId)
    {
        // Act
        bool valid = CredentialGenerator.IsClientId(clientId);

        // Assert
        Assert.True(valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJudX")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu1")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu_")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu ")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJué")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu\uFF21")]
    [InlineData("IFmJlTkNvptFzTDEQpQIEJu\u212A")]
    public void IsClientId_NotExactly24AsciiLetters_ReturnsFalse(string clientId)
    {
        // Act
        bool valid = CredentialGenerator.IsClientId(clientId);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(23)]
    public void IsClientId_EveryCharacterAtAPosition_AcceptsExactlyTheAsciiLetters(int position)
    {
        // Arrange: all 65,536 UTF-16 units at one position of a valid id (the positions where the two overlapping
        // vectors of the vectorized check start and end).
        char[] id = "IFmJlTkNvptFzTDEQpQIEJud".ToCharArray();
        List<int> wrong = [];

        // Act
        for (int c = 0; c <= char.MaxValue; c++)
        {
            id[position] = (char)c;
            if (CredentialGenerator.IsClientId(id) != char.IsAsciiLetter((char)c))
            {
                wrong.Add(c);
            }
        }

        // Assert
        Assert.Empty(wrong);
    }

    public static TheoryData<string> HashableSecrets => new()
    {
        "a",
        "pQ3xZ9kLm2Nv8RtY5wB7cD1eF4gH6jK0sU2vX3yA5bC7",
        "pässwörd with spaces",
        "emoji \U0001F600 pair",
        new string('x', 256),
        new string('\u20AC', 256),
    };

    [Theory]
    [MemberData(nameof(HashableSecrets))]
    public void TryComputeTokenHash_ValidSecret_ReturnsSha256OfUtf8(string secret)
    {
        // Arrange
        byte[] hash = new byte[32];

        // Act
        bool computed = CredentialGenerator.TryComputeTokenHash(secret, hash);

        // Assert
        Assert.True(computed);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), hash);
    }

    [Fact]
    public void TryComputeTokenHash_GeneratedSecrets_ReturnsSha256OfUtf8()
    {
        // Arrange
        List<string> wrong = [];
        byte[] hash = new byte[32];

        // Act
        for (int i = 0; i < 200; i++)
        {
            string secret = CredentialGenerator.NewSecret();
            if (!CredentialGenerator.TryComputeTokenHash(secret, hash)
                || !hash.AsSpan().SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(secret))))
            {
                wrong.Add(secret);
            }
        }

        // Assert
        Assert.Empty(wrong);
    }

    public static TheoryData<string, string> UnhashableSecrets => new()
    {
        { "empty", "" },
        { "257 ASCII characters", new string('x', 257) },
        { "257 three-byte characters", new string('\u20AC', 257) },
        { "lone high surrogate", "\uD800" },
        { "lone low surrogate", "abc\uDC00def" },
        { "high surrogate at the end", "abcdef\uD83D" },
        { "surrogates in the wrong order", "\uDE00\uD83D" },
    };

    [Theory]
    [MemberData(nameof(UnhashableSecrets), DisableDiscoveryEnumeration = true)]
    public void TryComputeTokenHash_EmptyTooLongOrInvalidUtf16_ReturnsFalse(string description, string secret)
    {
        // Arrange
        byte[] hash = new byte[32];

        // Act
        bool computed = CredentialGenerator.TryComputeTokenHash(secret, hash);

        // Assert
        Assert.False(computed, description);
    }
}
