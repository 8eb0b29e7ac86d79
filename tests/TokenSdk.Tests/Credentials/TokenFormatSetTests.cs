using System.Security.Cryptography;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class TokenFormatSetTests
{
    private const string ClientId = "IFmJlTkNvptFzTDEQpQIEJud";

    [Fact]
    public void TryParse_TokensOfEveryFormat_ReturnsClientIdAndHash()
    {
        // Arrange
        var options = new TokenSdkOptions { TokenPrefix = "acme" };
        options.AdditionalTokenPrefixes.Add("tsdk");
        var formats = new TokenFormatSet(options);
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        string[] tokens =
        [
            AstraTokenFormat.Instance.Format(ClientId, hash),
            new ChecksummedTokenFormat("acme").Format(ClientId, hash),
            ChecksummedTokenFormat.Default.Format(ClientId, hash),
        ];
        List<string> failures = [];
        byte[] parsedHash = new byte[32];

        // Act
        foreach (string token in tokens)
        {
            if (!formats.TryParse(token, out ReadOnlySpan<char> clientId, parsedHash)
                || !clientId.SequenceEqual(ClientId) || !parsedHash.AsSpan().SequenceEqual(hash))
            {
                failures.Add(token);
            }
        }

        // Assert
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(TokenFormatKind.Checksummed)]
    [InlineData(TokenFormatKind.Astra)]
    public void Generation_GenerationFormatOption_IsThatFormat(TokenFormatKind kind)
    {
        // Arrange
        var options = new TokenSdkOptions { GenerationFormat = kind };

        // Act
        var formats = new TokenFormatSet(options);

        // Assert
        Assert.Equal(kind, formats.Generation.Kind);
        Assert.Equal(kind, formats.Get(kind).Kind);
    }

    [Fact]
    public void TryParse_HostileInput_ReturnsFalseWithoutThrowing()
    {
        // Arrange
        var formats = new TokenFormatSet(new TokenSdkOptions());
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        IEnumerable<string> inputs = HostileTokenInputs.Around(ChecksummedTokenFormat.Default.Format(ClientId, hash), checksummed: true)
            .Concat(HostileTokenInputs.Around(AstraTokenFormat.Instance.Format(ClientId, hash), checksummed: false))
            .Append(new ChecksummedTokenFormat("acme").Format(ClientId, hash));

        // Act
        List<string> accepted = HostileTokenInputs.FindAccepted(inputs, t => Accepts(formats, t));

        // Assert
        Assert.Empty(accepted);
    }

    private static bool Accepts(TokenFormatSet formats, string token)
    {
        byte[] hash = new byte[32];
        return formats.TryParse(token, out _, hash);
    }
}
