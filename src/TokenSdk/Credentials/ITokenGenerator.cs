namespace TokenSdk.Credentials;

/// <summary>Creates new credentials: client id, secret, token, and the one-way record to store.</summary>
/// <remarks>The generator stores nothing and checks no caller; the management layer authorizes and stores.</remarks>
public interface ITokenGenerator
{
    /// <summary>Generates a token.</summary>
    /// <param name="request">What to generate.</param>
    /// <returns>The details (shown once) and the record to store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request is malformed (organization id, description, expiry in the past).</exception>
    IssuedToken Generate(TokenGenerationRequest request);
}
