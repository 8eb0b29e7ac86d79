using TokenSdk.Cli.Output;

namespace TokenSdk.Cli.Tests;

public sealed class SecretMaskerTests
{
    private const string Hex64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string ClientId = "IFmJlTkNvptFzTDEQpQIEJud";

    [Theory]
    [InlineData("tsdk_" + ClientId + "_" + Hex64 + "e3b1c4d2", "tsdk_IFmJ****c4d2")]
    [InlineData("acme2_" + ClientId + "_" + Hex64 + "e3b1c4d2", "acme2_IFmJ****c4d2")]
    [InlineData("AstraCS:" + ClientId + ":" + Hex64, "AstraCS:IFmJ****0a08")]
    public void Mask_WholeToken_TheLibrarysMaskedForm(string token, string masked)
    {
        string result = SecretMasker.Mask($"Unrecognized command or argument '{token}'.");

        Assert.Equal($"Unrecognized command or argument '{masked}'.", result);
    }

    [Theory]
    [InlineData("tsdk_" + ClientId + "_" + Hex64 + "e3b1c4d", "tsdk_****")]
    [InlineData("tsdk_" + ClientId + "_9f86d081884c", "tsdk_****")]
    [InlineData("astracs:" + ClientId + ":" + Hex64, "****")]
    [InlineData("AstraCS:" + ClientId + Hex64, "AstraCS:****")]
    [InlineData("TSDK_" + ClientId + "_" + Hex64 + "e3b1c4d2", "TSDK_" + ClientId + "_****")]
    [InlineData(ClientId + Hex64, "****")]
    [InlineData(Hex64, "****")]
    [InlineData("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "****")]
    [InlineData("Zq3vN8xKp2LmT7wYb4RcJ9dHs6FgA1eUo5iQz0nVy8Mk", "****")]
    [InlineData("ZqvNxKpLmTwYbRcJdHsFgAeUoiQznVyMkaBcDeFgHiJk", "****")]
    public void Mask_NearTokenOrSecret_HidesTheSecretPart(string value, string masked)
    {
        string result = SecretMasker.Mask($"value '{value}' rejected");

        Assert.Equal($"value '{masked}' rejected", result);
    }

    [Theory]
    [InlineData("No token with client id 'IFmJlTkNvptFzTDEQpQIEJud' in this organization.")]
    [InlineData("The store directory '/var/lib/my_service_tokens_directory' does not exist.")]
    [InlineData("The configuration file '/etc/acme/appsettings.Production.json' does not exist.")]
    [InlineData("Argument 'xml' not recognized. Must be one of: 'table', 'json'. See 'tokensdk tokens list --help'.")]
    [InlineData("Tokens start with 'AstraCS:' or 'tsdk_'; role read_only_user_2 is unknown.")]
    [InlineData("the old token IFmJlTkNvptFzTDEQpQIEJud keeps working until 2030-01-01T00:00:00.000Z.")]
    [InlineData("")]
    public void Mask_OrdinaryMessage_Unchanged(string message)
    {
        string result = SecretMasker.Mask(message);

        Assert.Equal(message, result);
    }

    [Fact]
    public void Mask_SeveralCredentials_MasksEach()
    {
        string result = SecretMasker.Mask($"a AstraCS:{ClientId}:{Hex64} b {Hex64} c tsdk_{ClientId}_{Hex64}e3b1c4d2");

        Assert.Equal("a AstraCS:IFmJ****0a08 b **** c tsdk_IFmJ****c4d2", result);
    }

    [Fact]
    public void Mask_KnownValue_StaysReadableWhereItOccursWhole()
    {
        const string database = "tokensdk_test_3f2a9c4e1b7d4e0f8a6c5b4d3e2f1a0b";
        string message = $"Cannot open the store (database={database} user=app): the key {Hex64} and {database}x are not it.";

        string result = SecretMasker.Mask(message, [database]);

        Assert.Equal($"Cannot open the store (database={database} user=app): the key **** and tokensdk_**** are not it.", result);
        Assert.DoesNotContain(database, SecretMasker.Mask(message), StringComparison.Ordinal);
    }
}
