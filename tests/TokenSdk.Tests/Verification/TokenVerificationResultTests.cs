using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Verification;

public class TokenVerificationResultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Default_StatusIsNone()
    {
        TokenVerificationResult result = default;

        Assert.Equal(VerificationStatus.None, result.Status);
        Assert.NotEqual(VerificationStatus.Valid, result.Status);
    }

    [Fact]
    public void Default_IsNotValidAndGrantsNothing()
    {
        TokenVerificationResult result = default;

        Assert.False(result.IsValid);
        Assert.False(result.HasPermission(Permissions.OrgTokenWrite));
        Assert.False(result.Allows(Permissions.DbCql, ResourceScope.ForDatabase("acme", "orders")));
        Assert.Empty(result.Permissions);
        Assert.Empty(result.Roles);
        Assert.Null(result.ClientId);
        Assert.Equal("None", result.ToString());
    }

    [Fact]
    public async Task Status_EveryOutcomeOfTheVerifier_OnlyValidIsValid()
    {
        var roles = new RoleCatalog([new Role("temporary", "Temporary", [Permissions.DbCql])]);
        var fixture = new TokenFixture(roles: roles);
        GeneratedToken valid = await fixture.IssueAsync();
        GeneratedToken deleted = await fixture.IssueAsync();
        await fixture.Store.DeleteAsync(deleted.ClientId, Ct);
        var withoutRole = new TokenFixture(roles: new RoleCatalog(), store: fixture.Store);
        GeneratedToken orphan = await fixture.IssueAsync(roles.FindRole("temporary"));

        TokenVerificationResult[] results =
        [
            await fixture.Verifier.VerifyAsync(valid.Token, Ct),
            await fixture.Verifier.VerifyAsync("not-a-token", Ct),
            await fixture.Verifier.VerifyAsync(deleted.Token, Ct),
            await fixture.Verifier.VerifyClientSecretAsync(valid.ClientId, deleted.Secret, Ct),
            await withoutRole.Verifier.VerifyAsync(orphan.Token, Ct),
        ];

        Assert.Equal(
            [VerificationStatus.Valid, VerificationStatus.Malformed, VerificationStatus.UnknownClient, VerificationStatus.Mismatch, VerificationStatus.RoleNotFound],
            results.Select(r => r.Status));
        Assert.Equal([true, false, false, false, false], results.Select(r => r.IsValid));
        Assert.Equal([true, false, false, false, false], results.Select(r => r.HasPermission(Permissions.DbCql)));
    }
}
