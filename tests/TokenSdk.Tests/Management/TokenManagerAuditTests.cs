using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Management;

public class TokenManagerAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_Succeeds_AuditsGeneratedWithWhoWhenWhat()
    {
        using var fixture = new ManagementFixture();
        fixture.Time.Advance(TimeSpan.FromMinutes(3));

        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser, ManagementFixture.Admin(id: "alice"));

        TokenAuditEvent generated = Assert.Single(fixture.Audit.Events);
        Assert.Equal(TokenAuditEventKind.Generated, generated.Kind);
        Assert.Equal("generate", generated.Operation);
        Assert.Equal("alice", generated.ActorId);
        Assert.Equal("acme", generated.OrganizationId);
        Assert.Equal(token.ClientId, generated.ClientId);
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, generated.RoleId);
        Assert.Equal(ManagementFixture.Start.AddMinutes(3), generated.OccurredAt);
        Assert.Null(generated.Reason);
        Assert.Null(generated.Detail);
    }

    [Fact]
    public async Task DeleteAsync_Succeeds_AuditsDeletedWithWhoWhenWhy()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        fixture.Time.Advance(TimeSpan.FromDays(2));

        await fixture.Manager.DeleteAsync(ManagementFixture.Admin(id: "bob"), token.ClientId, DeletionReason.RoleChange, Ct);

        TokenAuditEvent deleted = fixture.Audit.Events[^1];
        Assert.Equal(TokenAuditEventKind.Deleted, deleted.Kind);
        Assert.Equal("bob", deleted.ActorId);
        Assert.Equal(ManagementFixture.Start.AddDays(2), deleted.OccurredAt);
        Assert.Equal(DeletionReason.RoleChange, deleted.Reason);
        Assert.Equal(token.ClientId, deleted.ClientId);
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, deleted.RoleId);
        Assert.Null(deleted.RelatedClientId);
        Assert.Contains("RoleChange", deleted.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeniedOperations_EachAuditsDeniedWithDetail()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken manager = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        TokenCaller reader = ManagementFixture.Caller("rita", DefaultRoles.ReadOnlyUser);
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);

        await fixture.Manager.ListAsync(reader, cancellationToken: Ct);
        await fixture.Manager.GenerateAsync(dba, DefaultRoles.OrganizationAdministrator.Id, cancellationToken: Ct);
        await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), manager.ClientId, DeletionReason.Other, Ct);

        TokenAuditEvent[] denied = [.. fixture.Audit.OfKind(TokenAuditEventKind.Denied)];
        Assert.Equal(["list", "generate", "delete"], denied.Select(e => e.Operation));
        Assert.Equal(["rita", "dora", "alice"], denied.Select(e => e.ActorId));
        Assert.Contains(Permissions.OrgTokenRead, denied[0].Detail, StringComparison.Ordinal);
        Assert.Null(denied[0].ClientId);
        Assert.Equal(DefaultRoles.OrganizationAdministrator.Id, denied[1].RoleId);
        Assert.Equal(manager.ClientId, denied[2].ClientId);
        Assert.Contains("last token", denied[2].Detail, StringComparison.Ordinal);
        Assert.All(denied, e => Assert.Equal("acme", e.OrganizationId));
    }

    [Fact]
    public async Task DefaultLoggerSink_WritesAuditEventsWithStableEventIds()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        await fixture.Manager.ListAsync(ManagementFixture.Caller("rita", DefaultRoles.ReadOnlyUser), cancellationToken: Ct);
        await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, DeletionReason.Compromised, Ct);

        FakeLogRecord[] audit = [.. fixture.Logs.GetSnapshot().Where(r => r.Category == "TokenSdk.Audit")];

        Assert.Equal([2001, 2002, 2001], audit.Select(r => r.Id.Id));
        Assert.Equal([LogLevel.Information, LogLevel.Warning, LogLevel.Information], audit.Select(r => r.Level));
        Assert.Contains(token.ClientId, audit[0].Message, StringComparison.Ordinal);
        Assert.Contains("Compromised", audit[2].Message, StringComparison.Ordinal);
        Assert.Contains(audit[1].StructuredState!, kv => kv.Key == "Detail" && kv.Value!.Contains(Permissions.OrgTokenRead, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThrowingAuditSink_OperationSucceedsOtherSinksStillReceiveAndErrorIsLogged()
    {
        ITokenAuditSink throwing = Substitute.For<ITokenAuditSink>();
        throwing.WriteAsync(Arg.Any<TokenAuditEvent>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new InvalidOperationException("The audit database is down."));
        var after = new RecordingAuditSink();
        using var fixture = new ManagementFixture(extraAuditSinks: [throwing, after]);

        ManagementResult<GeneratedToken> generated = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);
        ManagementResult deleted = await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), generated.Value!.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.True(generated.Succeeded, generated.ToString());
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.Null(await fixture.MemoryStore.FindAsync(generated.Value.ClientId, Ct));
        Assert.Equal([TokenAuditEventKind.Generated, TokenAuditEventKind.Deleted], after.Events.Select(e => e.Kind));
        Assert.Equal([TokenAuditEventKind.Generated, TokenAuditEventKind.Deleted], fixture.Audit.Events.Select(e => e.Kind));
        await throwing.Received(2).WriteAsync(Arg.Any<TokenAuditEvent>(), Arg.Any<CancellationToken>());
        FakeLogRecord[] errors = [.. fixture.Logs.GetSnapshot().Where(r => r.Id.Id == 2101)];
        Assert.Equal(2, errors.Length);
        Assert.All(errors, r =>
        {
            Assert.Equal(LogLevel.Error, r.Level);
            Assert.Equal(typeof(TokenManager).FullName, r.Category);
            Assert.IsType<InvalidOperationException>(r.Exception);
        });
        Assert.Contains("Generated", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("Deleted", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FaultedAsyncAuditSink_IsLoggedAndDoesNotFailTheOperation()
    {
        ITokenAuditSink faulting = Substitute.For<ITokenAuditSink>();
        faulting.WriteAsync(Arg.Any<TokenAuditEvent>(), Arg.Any<CancellationToken>())
            .Returns(_ => new ValueTask(Task.FromException(new TimeoutException("SIEM timed out."))));
        var after = new RecordingAuditSink();
        using var fixture = new ManagementFixture(extraAuditSinks: [faulting, after]);

        ManagementResult<GeneratedToken> generated = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);

        Assert.True(generated.Succeeded, generated.ToString());
        Assert.Single(after.Events);
        Assert.IsType<TimeoutException>(Assert.Single(fixture.Logs.GetSnapshot(), r => r.Id.Id == 2101).Exception);
    }

    [Fact]
    public async Task TimerDrivenDeletion_AuditSinkThrows_TokenIsStillDeleted()
    {
        ITokenAuditSink throwing = Substitute.For<ITokenAuditSink>();
        throwing.WriteAsync(Arg.Any<TokenAuditEvent>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new InvalidOperationException("down"));
        using var fixture = new ManagementFixture(extraAuditSinks: [throwing]);
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        await fixture.Manager.RotateAsync(ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromMinutes(10) }, Ct);

        fixture.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(await fixture.MemoryStore.FindAsync(old.ClientId, Ct));
        Assert.Contains(fixture.Audit.Events, e => e.Kind == TokenAuditEventKind.Deleted && e.ActorId == TokenManager.SystemActorId);
        Assert.DoesNotContain(fixture.Logs.GetSnapshot(), r => r.Id.Id == 2102);
    }
}
