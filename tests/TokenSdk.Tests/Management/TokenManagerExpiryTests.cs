using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

public class TokenManagerExpiryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_ExpiryByDefault_IsInvalidRequestAndStoresNothing()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(1) }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains("AllowExpiry", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_WithoutExpiryByDefault_NeverExpires()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        fixture.Time.Advance(TimeSpan.FromDays(3650));

        Assert.Null(token.ExpiresAt);
        Assert.True((await fixture.VerifyAsync(token.Token)).IsValid);
        Assert.Equal(0, await fixture.Manager.PurgeExpiredAsync(Ct));
    }

    [Fact]
    public async Task GenerateAsync_ExpiryAllowed_TokenExpiresAtThatDate()
    {
        var options = new TokenSdkOptions();
        options.Management.AllowExpiry = true;
        using var fixture = new ManagementFixture(options);
        DateTimeOffset expiresAt = ManagementFixture.Start.AddDays(7);

        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions { ExpiresAt = expiresAt });
        TokenInfo info = (await fixture.Manager.GetAsync(ManagementFixture.Admin(), token.ClientId, Ct)).GetValueOrThrow();
        fixture.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromTicks(1));
        TokenVerificationResult before = await fixture.VerifyAsync(token.Token);
        fixture.Time.Advance(TimeSpan.FromTicks(1));
        TokenVerificationResult after = await fixture.VerifyAsync(token.Token);

        Assert.Equal(expiresAt, token.ExpiresAt);
        Assert.Equal(expiresAt, info.ExpiresAt);
        Assert.True(before.IsValid);
        Assert.Equal(VerificationStatus.Expired, after.Status);
        Assert.Equal(expiresAt, after.ExpiresAt);
    }

    [Fact]
    public async Task GenerateAsync_ExpiryInThePast_IsInvalidRequest()
    {
        var options = new TokenSdkOptions();
        options.Management.AllowExpiry = true;
        using var fixture = new ManagementFixture(options);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains("future", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_MaximumLifetime_AppliesDefaultExpiry()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumLifetime = TimeSpan.FromDays(90);
        using var fixture = new ManagementFixture(options);

        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        fixture.Time.Advance(TimeSpan.FromDays(90));

        Assert.Equal(ManagementFixture.Start.AddDays(90), token.ExpiresAt);
        Assert.Equal(VerificationStatus.Expired, (await fixture.VerifyAsync(token.Token)).Status);
    }

    [Fact]
    public async Task GenerateAsync_MaximumLifetime_RefusesLaterDateAndAcceptsEarlierOne()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumLifetime = TimeSpan.FromDays(90);
        using var fixture = new ManagementFixture(options);

        ManagementResult<GeneratedToken> tooLate = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(90).AddSeconds(1) }, Ct);
        ManagementResult<GeneratedToken> atMaximum = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(90) }, Ct);
        ManagementResult<GeneratedToken> earlier = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(10) }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, tooLate.Status);
        Assert.Contains("acme", tooLate.Message, StringComparison.Ordinal);
        Assert.Equal(ManagementFixture.Start.AddDays(90), atMaximum.GetValueOrThrow().ExpiresAt);
        Assert.Equal(ManagementFixture.Start.AddDays(10), earlier.GetValueOrThrow().ExpiresAt);
        Assert.Equal(2, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_MaximumLifetimeByOrganization_OverridesTheGlobalMaximum()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumLifetime = TimeSpan.FromDays(90);
        options.Management.MaximumLifetimeByOrganization["acme"] = TimeSpan.FromDays(1);
        options.Management.MaximumLifetimeByOrganization["initech"] = TimeSpan.FromDays(365);
        using var fixture = new ManagementFixture(options);

        GeneratedToken acme = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken globex = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, ManagementFixture.Admin("globex"));
        GeneratedToken initech = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, ManagementFixture.Admin("initech"));
        ManagementResult<GeneratedToken> acmeTooLate = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(2) }, Ct);

        Assert.Equal(ManagementFixture.Start.AddDays(1), acme.ExpiresAt);
        Assert.Equal(ManagementFixture.Start.AddDays(90), globex.ExpiresAt);
        Assert.Equal(ManagementFixture.Start.AddDays(365), initech.ExpiresAt);
        Assert.Equal(ManagementStatus.InvalidRequest, acmeTooLate.Status);
    }

    [Fact]
    public async Task GenerateAsync_OnlyOrganizationMaximum_OtherOrganizationsNeverExpire()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumLifetimeByOrganization["acme"] = TimeSpan.FromDays(30);
        using var fixture = new ManagementFixture(options);

        GeneratedToken acme = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken globex = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, ManagementFixture.Admin("globex"));
        ManagementResult<GeneratedToken> globexWithExpiry = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin("globex"), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(1) }, Ct);

        Assert.Equal(ManagementFixture.Start.AddDays(30), acme.ExpiresAt);
        Assert.Null(globex.ExpiresAt);
        Assert.Equal(ManagementStatus.InvalidRequest, globexWithExpiry.Status);
    }

    [Fact]
    public async Task PurgeExpiredAsync_DeletesOnlyExpiredTokensAndAuditsThem()
    {
        var options = new TokenSdkOptions();
        options.Management.AllowExpiry = true;
        using var fixture = new ManagementFixture(options);
        GeneratedToken soon = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddHours(1) });
        GeneratedToken soonElsewhere = await fixture.GenerateAsync(
            DefaultRoles.ReadOnlyUser, ManagementFixture.Admin("globex"), new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddHours(1) });
        GeneratedToken later = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddDays(10) });
        GeneratedToken never = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        fixture.Time.Advance(TimeSpan.FromHours(2));

        int purged = await fixture.Manager.PurgeExpiredAsync(Ct);
        int purgedAgain = await fixture.Manager.PurgeExpiredAsync(Ct);

        Assert.Equal(2, purged);
        Assert.Equal(0, purgedAgain);
        Assert.Null(await fixture.MemoryStore.FindAsync(soon.ClientId, Ct));
        Assert.Null(await fixture.MemoryStore.FindAsync(soonElsewhere.ClientId, Ct));
        Assert.True((await fixture.VerifyAsync(later.Token)).IsValid);
        Assert.True((await fixture.VerifyAsync(never.Token)).IsValid);
        TokenPage acme = (await fixture.Manager.ListAsync(ManagementFixture.Admin(), cancellationToken: Ct)).GetValueOrThrow();
        Assert.Equal(new[] { later.ClientId, never.ClientId }.Order(StringComparer.Ordinal), acme.Tokens.Select(t => t.ClientId));

        TokenAuditEvent[] deleted = [.. fixture.Audit.OfKind(TokenAuditEventKind.Deleted)];
        Assert.Equal(new[] { soon.ClientId, soonElsewhere.ClientId }.Order(StringComparer.Ordinal), deleted.Select(e => e.ClientId).Order(StringComparer.Ordinal));
        Assert.All(deleted, e =>
        {
            Assert.Equal(DeletionReason.Expired, e.Reason);
            Assert.Equal(TokenManager.SystemActorId, e.ActorId);
            Assert.Equal("expire", e.Operation);
            Assert.Equal(ManagementFixture.Start.AddHours(2), e.OccurredAt);
        });
        Assert.Equal("globex", deleted.Single(e => e.ClientId == soonElsewhere.ClientId).OrganizationId);
    }

    [Fact]
    public async Task PurgeExpiredAsync_MoreThanOneStorePage_DeletesEveryExpiredToken()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumLifetime = TimeSpan.FromHours(1);
        using var fixture = new ManagementFixture(options);
        for (int i = 0; i < 1005; i++)
        {
            await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        }

        fixture.Time.Advance(TimeSpan.FromHours(1));
        int purged = await fixture.Manager.PurgeExpiredAsync(Ct);

        Assert.Equal(1005, purged);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }
}
