namespace TokenSdk.Credentials;

internal static class TokenFormatArguments
{
    public static void Validate(string clientId, ReadOnlySpan<byte> tokenHash)
    {
        if (!CredentialGenerator.IsClientId(clientId))
        {
            throw new ArgumentException("A client id is 24 ASCII letters.", nameof(clientId));
        }

        if (tokenHash.Length != 32)
        {
            throw new ArgumentException("The token hash is a 32-byte SHA-256 digest.", nameof(tokenHash));
        }
    }
}
