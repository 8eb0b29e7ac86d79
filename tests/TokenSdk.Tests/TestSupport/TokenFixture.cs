using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Tests.TestSupport;

/// <summary>A generator, an in-memory store and a verifier wired together without DI, sharing options and clock.</summary>
internal sealed class TokenFixture
{
    public TokenFixture(TokenSdkOptions? options = null, TimeProvider? timeProvider = null, IRoleCatalog? roles = null, ITokenStore? store = null)
    {
        Options = options ?? new TokenSdkOptions();
        TimeProvider = timeProvider ?? TimeProvider.System;
        Roles = roles ?? new RoleCatalog();
        Store = store ?? new InMemoryTokenStore();
        Generator = new TokenGenerator(Options, TimeProvider);
        Verifier = new TokenVerifier(Store, Roles, Options, TimeProvider);
    }

    public TokenSdkOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public IRoleCatalog Roles { get; }

    public ITokenStore Store { get; }

    public TokenGenerator Generator { get; }

    public TokenVerifier Verifier { get; }

    /// <summary>Generates a token for <paramref name="role"/> and adds its record to the store.</summary>
    public async Task<GeneratedToken> IssueAsync(Role? role = null, TokenFormatKind? format = null, DateTimeOffset? expiresAt = null, string? organizationId = null)
    {
        IssuedToken issued = Generator.Generate(new TokenGenerationRequest(role ?? DefaultRoles.ReadWriteUser)
        {
            Format = format,
            ExpiresAt = expiresAt,
            OrganizationId = organizationId,
        });
        Assert.True(await Store.TryAddAsync(issued.Record, TestContext.Current.CancellationToken));
        return issued.Details;
    }
}
