using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

public class TokenManagerDeletionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DeletionReason.Compromised)]
    [InlineData(DeletionReason.NoLongerNeeded)]
    [InlineData(DeletionReason.RoleChange)]
    [InlineData(DeletionReason.Other)]
    public async Task DeleteAsync_ReasonGiven_DeletesAndRecordsWhoWhenWhy(DeletionReason reason)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        fixture.Time.Advance(TimeSpan.FromMinutes(42));

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(id: "carol"), token.ClientId, reason, Ct);

        Assert.True(result.Succeeded, result.ToString());
        TokenAuditEvent deleted = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
        Assert.Equal(token.ClientId, deleted.ClientId);
        Assert.Equal("carol", deleted.ActorId);
        Assert.Equal(ManagementFixture.Start.AddMinutes(42), deleted.OccurredAt);
        Assert.Equal(reason, deleted.Reason);
        Assert.Equal("delete", deleted.Operation);
        Assert.Equal("acme", deleted.OrganizationId);
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, deleted.RoleId);
        Assert.Equal(VerificationStatus.UnknownClient, (await fixture.VerifyAsync(token.Token)).Status);
    }

    [Theory]
    [InlineData(DeletionReason.Unspecified)]
    [InlineData((DeletionReason)99)]
    public async Task DeleteAsync_NoValidReason_IsInvalidRequestAndChangesNothing(DeletionReason reason)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        string before = await fixture.SnapshotAsync();

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, reason, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains("reason", result.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(token.Token)).IsValid);
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
    }

    [Theory]
    [InlineData(DeletionReason.Rotated)]
    [InlineData(DeletionReason.Expired)]
    public async Task DeleteAsync_ReasonReservedForTokenSdk_IsInvalidRequestAndChangesNothing(DeletionReason reason)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        string before = await fixture.SnapshotAsync();

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, reason, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains(reason.ToString(), result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(token.Token)).IsValid);
    }

    [Fact]
    public async Task DeleteAsync_AlreadyDeleted_IsNotFoundAndAuditsOnce()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        (await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();

        ManagementResult again = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, DeletionReason.NoLongerNeeded, Ct);
        ManagementResult<GeneratedToken> rotate = await fixture.Manager.RotateAsync(ManagementFixture.Admin(), token.ClientId, cancellationToken: Ct);

        Assert.Equal(ManagementStatus.NotFound, again.Status);
        Assert.Equal(ManagementStatus.NotFound, rotate.Status);
        Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
        StoredToken other = fixture.Generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Record;
        var resurrected = new StoredToken(token.ClientId, "acme", DefaultRoles.ReadOnlyUser.Id, other.Verifier, fixture.Time.GetUtcNow());
        Assert.False(await fixture.MemoryStore.TryAddAsync(resurrected, Ct));
    }

    [Fact]
    public async Task DeleteAsync_OnlyManagerTokenOfOrganization_IsLockoutPreventedAndChangesNothing()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator, ManagementFixture.Admin("globex", "gary"));
        string before = await fixture.SnapshotAsync();

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), manager.ClientId, DeletionReason.NoLongerNeeded, Ct);

        TokenAuditEvent denied = TokenManagerAuthorizationTests.AssertDenied(fixture, result, ManagementStatus.LockoutPrevented, "delete", missingPermission: null);
        Assert.Contains(manager.ClientId, result.Message, StringComparison.Ordinal);
        Assert.Contains("LockoutGuard", result.Message, StringComparison.Ordinal);
        Assert.Equal(manager.ClientId, denied.ClientId);
        Assert.Equal(DefaultRoles.OrganizationAdministrator.Id, denied.RoleId);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(manager.Token)).IsValid);
    }

    [Fact]
    public async Task DeleteAsync_OnlyManagerTokenByAPersonNotAToken_SucceedsAndTheTokenFails()
    {
        // A signed-in administrator is itself a way to manage tokens: deleting the last manager token locks nobody out.
        using var fixture = new ManagementFixture();
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Person(), manager.ClientId, DeletionReason.Compromised, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.False((await fixture.VerifyAsync(manager.Token)).IsValid);
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Denied));
    }

    [Fact]
    public async Task DeleteAsync_OnlyManagerTokenByItselfFromVerification_IsLockoutPrevented()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        TokenCaller self = TokenCaller.FromVerification(await fixture.VerifyAsync(manager.Token));

        ManagementResult result = await fixture.Manager.DeleteAsync(self, manager.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.Equal(manager.ClientId, self.ClientId);
        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
        Assert.True((await fixture.VerifyAsync(manager.Token)).IsValid);
    }

    [Fact]
    public async Task DeleteAsync_AnotherManagerTokenExists_SucceedsUntilTheLastOne()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken orgAdmin = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken dbAdmin = await fixture.GenerateAsync(DefaultRoles.DatabaseAdministrator);

        ManagementResult first = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), orgAdmin.ClientId, DeletionReason.NoLongerNeeded, Ct);
        ManagementResult last = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), dbAdmin.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal(ManagementStatus.LockoutPrevented, last.Status);
        Assert.True((await fixture.VerifyAsync(dbAdmin.Token)).IsValid);
    }

    [Fact]
    public async Task DeleteAsync_OtherManagerTokenExpired_IsLockoutPrevented()
    {
        var options = new TokenSdkOptions();
        options.Management.AllowExpiry = true;
        using var fixture = new ManagementFixture(options);
        await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator,
            options: new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddHours(1) });
        GeneratedToken lasting = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        fixture.Time.Advance(TimeSpan.FromHours(2));

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), lasting.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Fact]
    public async Task DeleteAsync_OtherManagerTokenOnlyInRotationGrace_IsLockoutPrevented()
    {
        // After a rotation with grace, the old token is already on its way out: a timer deletes it at the deadline
        // without anyone acting. Counting it as "another manager token" lets the organization lock itself out.
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken replacement = (await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromHours(1) }, Ct)).GetValueOrThrow();

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), replacement.ClientId, DeletionReason.NoLongerNeeded, Ct);
        fixture.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
        Assert.True((await fixture.VerifyAsync(replacement.Token)).IsValid);
    }

    [Fact]
    public async Task DeleteAsync_LockoutGuardOff_DeletesTheLastManagerToken()
    {
        var options = new TokenSdkOptions();
        options.Management.LockoutGuard = false;
        using var fixture = new ManagementFixture(options);
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), manager.ClientId, DeletionReason.Compromised, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(VerificationStatus.UnknownClient, (await fixture.VerifyAsync(manager.Token)).Status);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task DeleteAsync_LastTokenWithoutManagementRole_IsNotGuarded()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken readOnly = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult result = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), readOnly.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task DeleteAsync_CustomDeletionPolicyRefuses_ReturnsItsResultAndChangesNothing()
    {
        var store = new InMemoryTokenStore();
        var roles = new RoleCatalog();
        var audit = new RecordingAuditSink();
        ITokenDeletionPolicy policy = Substitute.For<ITokenDeletionPolicy>();
        policy.EvaluateAsync(Arg.Any<TokenDeletionContext>(), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<ManagementResult>(ManagementResult.Failed(ManagementStatus.InvalidRequest, "Deletions are frozen this week.")));
        using var manager = new TokenManager(store, roles, deletionPolicy: policy, auditSinks: [audit]);
        GeneratedToken token = (await manager.GenerateAsync(ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();

        ManagementResult result = await manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, DeletionReason.Compromised, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Equal("Deletions are frozen this week.", result.Message);
        Assert.NotNull(await store.FindAsync(token.ClientId, Ct));
        await policy.Received(1).EvaluateAsync(
            Arg.Is<TokenDeletionContext>(c => c.Token.ClientId == token.ClientId && c.Reason == DeletionReason.Compromised && c.Caller.Id == "alice"),
            Arg.Any<CancellationToken>());
        Assert.Equal("Deletions are frozen this week.", audit.Events[^1].Detail);
    }
}
