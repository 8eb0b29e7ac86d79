using System.Security.Cryptography;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class TokenMaskTests
{
    [Fact]
    public void MaskToken_AstraToken_ShowsPrefixFirst4OfClientIdAndLast4()
    {
        // Arrange
        string token = AstraTokenFormat.Instance.Format("IFmJlTkNvptFzTDEQpQIEJud", RandomNumberGenerator.GetBytes(32));

        // Act
        string masked = TokenMask.MaskToken(token);

        // Assert
        Assert.Equal("AstraCS:IFmJ****" + token[^4..], masked);
    }

    [Theory]
    [InlineData("tsdk")]
    [InlineData("ab")]
    [InlineData("acme2024")]
    [InlineData("abcdefghijklmnop")]
    public void MaskToken_ChecksummedToken_ShowsPrefixFirst4OfClientIdAndLast4(string prefix)
    {
        // Arrange
        string token = new ChecksummedTokenFormat(prefix).Format("IFmJlTkNvptFzTDEQpQIEJud", RandomNumberGenerator.GetBytes(32));

        // Act
        string masked = TokenMask.MaskToken(token);

        // Assert
        Assert.Equal(prefix + "_IFmJ****" + token[^4..], masked);
    }

    [Fact]
    public void MaskToken_GeneratedTokens_NeverContainTheHashPart()
    {
        // Arrange
        List<string> leaks = [];

        // Act
        for (int i = 0; i < 200; i++)
        {
            string clientId = CredentialGenerator.NewClientId();
            string astra = AstraTokenFormat.Instance.Format(clientId, RandomNumberGenerator.GetBytes(32));
            string checksummed = ChecksummedTokenFormat.Default.Format(clientId, RandomNumberGenerator.GetBytes(32));
            string maskedAstra = TokenMask.MaskToken(astra);
            string maskedChecksummed = TokenMask.MaskToken(checksummed);

            // At most 4 hex characters of T may show (the Astra CLI's last 4); never 8 in a row, never the client id.
            if (maskedAstra.Length != 20 || maskedAstra.Contains(astra[^8..], StringComparison.Ordinal) || maskedAstra.Contains(clientId, StringComparison.Ordinal)
                || maskedChecksummed.Length != 17 || maskedChecksummed.Contains(checksummed[^12..^4], StringComparison.Ordinal) || maskedChecksummed.Contains(clientId, StringComparison.Ordinal))
            {
                leaks.Add(maskedAstra + " " + maskedChecksummed);
            }
        }

        // Assert
        Assert.Empty(leaks);
    }

    [Theory]
    [InlineData("AstraCS:", "AstraCS:****")]
    [InlineData("AstraCS:IFmJlTkN", "AstraCS:****")]
    [InlineData("AstraCS:IFmJlTkNvptFzTDEQpQIEJud:000102", "AstraCS:****")]
    [InlineData("tsdk_", "tsdk_****")]
    [InlineData("tsdk_IFmJ", "tsdk_****")]
    [InlineData("tsdk_IFmJlTkNvptFzTDEQpQIEJud_000102030", "tsdk_****")]
    [InlineData("acme_secret", "acme_****")]
    public void MaskToken_ShortValueWithRecognisedPrefix_ShowsOnlyThePrefix(string token, string expected)
    {
        // Act
        string masked = TokenMask.MaskToken(token);

        // Assert
        Assert.Equal(expected, masked);
    }

    [Fact]
    public void MaskToken_TruncatedTokens_ShowOnlyThePrefix()
    {
        // Arrange: every truncation shorter than 40 characters of a real token of each format.
        string astra = AstraTokenFormat.Instance.Format("IFmJlTkNvptFzTDEQpQIEJud", RandomNumberGenerator.GetBytes(32));
        string checksummed = ChecksummedTokenFormat.Default.Format("IFmJlTkNvptFzTDEQpQIEJud", RandomNumberGenerator.GetBytes(32));
        List<string> wrong = [];

        // Act
        for (int length = 8; length < 40; length++)
        {
            if (TokenMask.MaskToken(astra[..length]) != "AstraCS:****")
            {
                wrong.Add(astra[..length]);
            }
        }

        for (int length = 5; length < 40; length++)
        {
            if (TokenMask.MaskToken(checksummed[..length]) != "tsdk_****")
            {
                wrong.Add(checksummed[..length]);
            }
        }

        // Assert
        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("x")]
    [InlineData("hunter2")]
    [InlineData("AstraCS")]
    [InlineData("astracs:IFmJlTkNvptFzTDEQpQIEJud:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("pQ3xZ9kLm2Nv8RtY5wB7cD1eF4gH6jK0sU2vX3yA5bC7")]
    [InlineData("_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01234567")]
    [InlineData("t_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01234567")]
    [InlineData("TSDK_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01234567")]
    [InlineData("1sdk_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01234567")]
    [InlineData("ts-k_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01234567")]
    [InlineData("abcdefghijklmnopq_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("\uD800\uDC00\uD800 not a token at all, but long enough to be revealed")]
    public void MaskToken_UnrecognisedInput_ReturnsOnlyTheMask(string? token)
    {
        // Act
        string masked = TokenMask.MaskToken(token);

        // Assert
        Assert.Equal(TokenMask.Mask, masked);
        Assert.Equal("****", masked);
    }

    [Fact]
    public void MaskToken_RandomUnprefixedStrings_ReturnOnlyTheMask()
    {
        // Arrange: random alphanumerics of every length up to 300 (no '_' and no 'AstraCS:', so no prefix).
        var random = new Random(4);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-.=+/";
        List<string> revealed = [];

        // Act
        for (int length = 0; length <= 300; length++)
        {
            string value = new([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            if (TokenMask.MaskToken(value) != TokenMask.Mask)
            {
                revealed.Add(value);
            }
        }

        // Assert
        Assert.Empty(revealed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("pQ3xZ9kLm2Nv8RtY5wB7cD1eF4gH6jK0sU2vX3yA5bC7")]
    [InlineData("tsdk_IFmJlTkNvptFzTDEQpQIEJud_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01234567")]
    public void MaskSecret_AnyInput_ReturnsOnlyTheMask(string? secret)
    {
        // Act
        string masked = TokenMask.MaskSecret(secret);

        // Assert
        Assert.Equal("****", masked);
    }

    [Theory]
    [InlineData("mysql_password=hunter2hunter2hunter2hunter2", "mysql_****")]
    [InlineData("AstraCS:ABCDEFGHIJKLMNOPQRSTUVWX:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefXX", "AstraCS:****")]
    public void MaskToken_PrefixButNotTokenLength_RevealsOnlyThePrefix(string input, string expected)
    {
        // Act
        string masked = TokenMask.MaskToken(input);

        // Assert
        Assert.Equal(expected, masked);
    }
}
