using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

public class TokenManagerRotationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RotateAsync_WithoutGrace_NewTokenWorksAndOldFailsAtOnce()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser, options: new TokenGenerateOptions { Description = "orders service" });
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(ManagementFixture.Admin(id: "carol"), old.ClientId, cancellationToken: Ct);

        GeneratedToken fresh = result.GetValueOrThrow();
        TokenVerificationResult freshVerified = await fixture.VerifyAsync(fresh.Token);
        Assert.True(freshVerified.IsValid);
        Assert.Same(DefaultRoles.ReadWriteUser, Assert.Single(freshVerified.Roles));
        Assert.Equal(VerificationStatus.UnknownClient, (await fixture.VerifyAsync(old.Token)).Status);
        Assert.NotEqual(old.ClientId, fresh.ClientId);
        Assert.Equal(old.RoleId, fresh.RoleId);
        Assert.Equal("acme", fresh.OrganizationId);
        Assert.Equal("orders service", fresh.Description);
        Assert.Equal(ManagementFixture.Start.AddMinutes(5), fresh.GeneratedOn);
        Assert.Equal("carol", (await fixture.Manager.GetAsync(ManagementFixture.Admin(), fresh.ClientId, Ct)).GetValueOrThrow().CreatedBy);
        Assert.Equal(ManagementStatus.NotFound, (await fixture.Manager.GetAsync(ManagementFixture.Admin(), old.ClientId, Ct)).Status);
        Assert.Equal(1, fixture.MemoryStore.Count);
    }

    [Theory]
    [InlineData(TokenFormatKind.Astra, "AstraCS:")]
    [InlineData(TokenFormatKind.Checksummed, "tsdk_")]
    public async Task RotateAsync_WithFormat_IssuesTheNewTokenInThatFormat(TokenFormatKind format, string prefix)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser, options: new TokenGenerateOptions { Format = TokenFormatKind.Astra });

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { Format = format }, Ct)).GetValueOrThrow();

        Assert.StartsWith(prefix, fresh.Token, StringComparison.Ordinal);
        Assert.Equal(format, fresh.Format);
        Assert.True((await fixture.VerifyAsync(fresh.Token)).IsValid);
    }

    [Fact]
    public async Task RotateAsync_WithoutGrace_AuditsDeletedThenRotated()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(ManagementFixture.Admin(id: "carol"), old.ClientId, cancellationToken: Ct)).GetValueOrThrow();

        TokenAuditEvent[] events = [.. fixture.Audit.Events.Where(e => e.Kind != TokenAuditEventKind.Generated)];
        Assert.Equal([TokenAuditEventKind.Deleted, TokenAuditEventKind.Rotated], events.Select(e => e.Kind));
        TokenAuditEvent deleted = events[0];
        Assert.Equal(old.ClientId, deleted.ClientId);
        Assert.Equal(DeletionReason.Rotated, deleted.Reason);
        Assert.Equal(fresh.ClientId, deleted.RelatedClientId);
        Assert.Equal("carol", deleted.ActorId);
        Assert.Equal("rotate", deleted.Operation);
        Assert.Equal(ManagementFixture.Start.AddMinutes(5), deleted.OccurredAt);
        TokenAuditEvent rotated = events[1];
        Assert.Equal(old.ClientId, rotated.ClientId);
        Assert.Equal(fresh.ClientId, rotated.RelatedClientId);
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, rotated.RoleId);
        Assert.Equal("carol", rotated.ActorId);
        Assert.Equal(ManagementFixture.Start.AddMinutes(5), rotated.OccurredAt);
        Assert.Equal(ManagementFixture.Start.AddMinutes(5), rotated.EffectiveAt);
    }

    [Fact]
    public async Task RotateAsync_NewRoleWithinCallersRights_IssuesTokenOfThatRole()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            dba, old.ClientId, new TokenRotateOptions { Roles = ["Read/Write User"], Description = "now writes too" }, Ct);

        GeneratedToken fresh = result.GetValueOrThrow();
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, fresh.RoleId);
        Assert.Equal("now writes too", fresh.Description);
        Assert.Same(DefaultRoles.ReadWriteUser, Assert.Single((await fixture.VerifyAsync(fresh.Token)).Roles));
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, fixture.Audit.OfKind(TokenAuditEventKind.Rotated).Single().RoleId);
    }

    [Fact]
    public async Task RotateAsync_UnknownNewRole_IsRoleNotFoundAndChangesNothing()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { Roles = ["no-such-role"] }, Ct);

        Assert.Equal(ManagementStatus.RoleNotFound, result.Status);
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task RotateAsync_OnlyManagerTokenSameRole_IsAllowed()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(ManagementFixture.Admin(), manager.ClientId, cancellationToken: Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.True((await fixture.VerifyAsync(result.Value!.Token)).HasPermission(Permissions.OrgTokenWrite));
    }

    [Fact]
    public async Task RotateAsync_OnlyManagerTokenIntoRoleThatCannotManage_IsLockoutPrevented()
    {
        // Rotating the last manager token into a role without org-token-write deletes the organization's last
        // manager token just as DeleteAsync would; the lock-out guard must see it.
        using var fixture = new ManagementFixture();
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), manager.ClientId, new TokenRotateOptions { Roles = [DefaultRoles.ReadOnlyUser.Id] }, Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(manager.Token)).IsValid);
    }

    [Fact]
    public async Task RotateAsync_WithGrace_BothWorkUntilTheDeadlineThenTheOldIsGoneWithoutAnyoneActing()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        TimeSpan grace = TimeSpan.FromHours(24);
        DateTimeOffset deadline = ManagementFixture.Start + grace;

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = grace }, Ct)).GetValueOrThrow();
        TokenInfo oldDuringGrace = (await fixture.Manager.GetAsync(ManagementFixture.Admin(), old.ClientId, Ct)).GetValueOrThrow();
        bool oldValidAtOnce = (await fixture.VerifyAsync(old.Token)).IsValid;
        fixture.Time.Advance(grace - TimeSpan.FromSeconds(1));
        bool oldValidJustBefore = (await fixture.VerifyAsync(old.Token)).IsValid;
        bool freshValidJustBefore = (await fixture.VerifyAsync(fresh.Token)).IsValid;
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        TokenVerificationResult oldAfter = await fixture.VerifyAsync(old.Token);

        Assert.Equal(deadline, oldDuringGrace.ExpiresAt);
        Assert.Null(fresh.ExpiresAt);
        Assert.True(oldValidAtOnce);
        Assert.True(oldValidJustBefore);
        Assert.True(freshValidJustBefore);
        Assert.False(oldAfter.IsValid);
        Assert.Null(await fixture.MemoryStore.FindAsync(old.ClientId, Ct));
        Assert.Equal(ManagementStatus.NotFound, (await fixture.Manager.GetAsync(ManagementFixture.Admin(), old.ClientId, Ct)).Status);
        Assert.True((await fixture.VerifyAsync(fresh.Token)).IsValid);
        TokenAuditEvent deleted = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
        Assert.Equal(TokenManager.SystemActorId, deleted.ActorId);
        Assert.Equal("tokensdk", deleted.ActorId);
        Assert.Equal(old.ClientId, deleted.ClientId);
        Assert.Equal(DeletionReason.Rotated, deleted.Reason);
        Assert.Equal(fresh.ClientId, deleted.RelatedClientId);
        Assert.Equal("acme", deleted.OrganizationId);
        Assert.Equal(deadline, deleted.OccurredAt);
    }

    [Fact]
    public async Task RotateAsync_WithGrace_AuditsScheduledDeletionAndRotation()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        TimeSpan grace = TimeSpan.FromHours(2);

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(id: "carol"), old.ClientId, new TokenRotateOptions { GracePeriod = grace }, Ct)).GetValueOrThrow();

        TokenAuditEvent[] events = [.. fixture.Audit.Events.Where(e => e.Kind != TokenAuditEventKind.Generated)];
        Assert.Equal([TokenAuditEventKind.DeletionScheduled, TokenAuditEventKind.Rotated], events.Select(e => e.Kind));
        TokenAuditEvent scheduled = events[0];
        Assert.Equal(old.ClientId, scheduled.ClientId);
        Assert.Equal(fresh.ClientId, scheduled.RelatedClientId);
        Assert.Equal("carol", scheduled.ActorId);
        Assert.Equal(DeletionReason.Rotated, scheduled.Reason);
        Assert.Equal(ManagementFixture.Start, scheduled.OccurredAt);
        Assert.Equal(ManagementFixture.Start + grace, scheduled.EffectiveAt);
        Assert.Equal(ManagementFixture.Start + grace, events[1].EffectiveAt);
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
    }

    [Fact]
    public async Task RotateAsync_ManagerDisposedDuringGrace_OldStillStopsAtDeadlineAndPurgeRemovesIt()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        GeneratedToken fresh = (await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromHours(1) }, Ct)).GetValueOrThrow();

        fixture.Manager.Dispose();
        fixture.Time.Advance(TimeSpan.FromHours(1));
        TokenVerificationResult oldAfter = await fixture.VerifyAsync(old.Token);
        bool storedAfterDeadline = await fixture.MemoryStore.FindAsync(old.ClientId, Ct) is not null;
        int purged = await fixture.Manager.PurgeExpiredAsync(Ct);

        Assert.Equal(VerificationStatus.Expired, oldAfter.Status);
        Assert.True(storedAfterDeadline);
        Assert.Equal(1, purged);
        Assert.Null(await fixture.MemoryStore.FindAsync(old.ClientId, Ct));
        Assert.True((await fixture.VerifyAsync(fresh.Token)).IsValid);
    }

    [Fact]
    public async Task RotateAsync_DeletedDuringGrace_TimerDoesNotDeleteAgain()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        await fixture.Manager.RotateAsync(ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromHours(1) }, Ct);

        ManagementResult deleted = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), old.ClientId, DeletionReason.Compromised, Ct);
        fixture.Time.Advance(TimeSpan.FromHours(2));

        Assert.True(deleted.Succeeded, deleted.ToString());
        TokenAuditEvent only = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
        Assert.Equal(DeletionReason.Compromised, only.Reason);
    }

    [Fact]
    public async Task RotateAsync_GraceOfExactlyTheMaximum_IsAllowed()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumGracePeriod = TimeSpan.FromHours(6);
        using var fixture = new ManagementFixture(options);
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromHours(6) }, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(ManagementFixture.Start.AddHours(6), (await fixture.Manager.GetAsync(ManagementFixture.Admin(), old.ClientId, Ct)).Value!.ExpiresAt);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-TimeSpan.TicksPerDay)]
    [InlineData((6 * TimeSpan.TicksPerHour) + 1)]
    [InlineData(TimeSpan.TicksPerDay * 365)]
    public async Task RotateAsync_GraceOutOfRange_IsInvalidRequestAndChangesNothing(long graceTicks)
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumGracePeriod = TimeSpan.FromHours(6);
        using var fixture = new ManagementFixture(options);
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromTicks(graceTicks) }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains(TimeSpan.FromHours(6).ToString(), result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(old.Token)).IsValid);
    }

    [Fact]
    public async Task RotateAsync_GraceAboveDefaultMaximumOf30Days_IsInvalidRequest()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromDays(30).Add(TimeSpan.FromSeconds(1)) }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Equal(1, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task RotateAsync_DeletingOldTokenFails_ThrowsAndLeavesOnlyTheOldToken()
    {
        FailingTokenStore? failing = null;
        using var fixture = new ManagementFixture(decorateStore: inner => failing = new FailingTokenStore(inner));
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        failing!.FailDeleteOf = old.ClientId;
        string before = await fixture.SnapshotAsync();

        await Assert.ThrowsAsync<IOException>(() => fixture.Manager.RotateAsync(ManagementFixture.Admin(), old.ClientId, cancellationToken: Ct));

        Assert.True((await fixture.VerifyAsync(old.Token)).IsValid);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.Equal(1, fixture.MemoryStore.Count);
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Rotated));
    }

    [Fact]
    public async Task RotateAsync_SchedulingOldTokenFails_ThrowsAndLeavesOnlyTheOldToken()
    {
        FailingTokenStore? failing = null;
        using var fixture = new ManagementFixture(decorateStore: inner => failing = new FailingTokenStore(inner));
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        failing!.FailSetExpiryOf = old.ClientId;
        string before = await fixture.SnapshotAsync();

        await Assert.ThrowsAsync<IOException>(() => fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromHours(1) }, Ct));
        fixture.Time.Advance(TimeSpan.FromHours(2));

        Assert.True((await fixture.VerifyAsync(old.Token)).IsValid);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Rotated));
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.DeletionScheduled));
    }

    [Fact]
    public async Task RotateAsync_MaximumLifetimeSet_NewTokenGetsTheDefaultExpiry()
    {
        var options = new TokenSdkOptions();
        options.Management.MaximumLifetime = TimeSpan.FromDays(90);
        using var fixture = new ManagementFixture(options);
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        fixture.Time.Advance(TimeSpan.FromDays(10));

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(ManagementFixture.Admin(), old.ClientId, cancellationToken: Ct)).GetValueOrThrow();

        Assert.Equal(ManagementFixture.Start.AddDays(100), fresh.ExpiresAt);
    }
}
