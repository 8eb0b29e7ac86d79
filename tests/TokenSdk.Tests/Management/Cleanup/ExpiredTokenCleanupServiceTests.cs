using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Management.Cleanup;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Tests.Management.Cleanup;

public class ExpiredTokenCleanupServiceTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecuteAsync_TokenExpires_DeletedByTheFirstRunAfterItsExpiryAndAudited()
    {
        using var fixture = new ManagementFixture(ExpiryAllowed());
        var time = new ObservedTimeProvider(fixture.Time);
        GeneratedToken expiring = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddSeconds(90) });
        GeneratedToken lasting = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using var service = new ExpiredTokenCleanupService(
            fixture.Manager, new ExpiredTokenCleanupOptions { InitialDelay = Minute, Interval = Minute }, time, fixture.LoggerFactory.CreateLogger<ExpiredTokenCleanupService>());

        await service.StartAsync(Ct);
        await time.PassNextWaitAsync(Minute);
        TimeSpan afterFirstRun = await time.NextWaitAsync();
        bool presentAfterFirstRun = fixture.MemoryStore.TryFind(expiring.ClientId, out _);
        time.Fake.Advance(afterFirstRun);
        await time.NextWaitAsync();
        await service.StopAsync(Ct);

        Assert.Equal(Minute, afterFirstRun);
        Assert.True(presentAfterFirstRun);
        Assert.False(fixture.MemoryStore.TryFind(expiring.ClientId, out _));
        Assert.True(fixture.MemoryStore.TryFind(lasting.ClientId, out _));
        TokenAuditEvent deleted = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted));
        Assert.Equal(expiring.ClientId, deleted.ClientId);
        Assert.Equal(DeletionReason.Expired, deleted.Reason);
        Assert.Equal(TokenManager.SystemActorId, deleted.ActorId);
        FakeLogRecord purged = Assert.Single(fixture.Logs.GetSnapshot(), r => r.Id.Id == 2201);
        Assert.Equal("1", purged.GetStructuredStateValue("Count"));
    }

    [Fact]
    public async Task ExecuteAsync_StoreThrowsOnce_LogsTheFailureAndTheNextRunDeletes()
    {
        using var fixture = new ManagementFixture(ExpiryAllowed(), decorateStore: FailingOnceOnList);
        var time = new ObservedTimeProvider(fixture.Time);
        GeneratedToken expiring = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions { ExpiresAt = ManagementFixture.Start.AddSeconds(1) });
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        using var service = new ExpiredTokenCleanupService(
            fixture.Manager, new ExpiredTokenCleanupOptions { InitialDelay = TimeSpan.Zero, Interval = Minute }, time, fixture.LoggerFactory.CreateLogger<ExpiredTokenCleanupService>());

        await service.StartAsync(Ct);
        await time.PassNextWaitAsync(2 * Minute);
        await time.PassNextWaitAsync(Minute);
        await service.StopAsync(Ct);

        Assert.False(fixture.MemoryStore.TryFind(expiring.ClientId, out _));
        Assert.Equal(DeletionReason.Expired, Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted)).Reason);
        FakeLogRecord failure = Assert.Single(fixture.Logs.GetSnapshot(), r => r.Id.Id == 2202);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.IsType<TokenStoreException>(failure.Exception);
        Assert.Single(fixture.Logs.GetSnapshot(), r => r.Id.Id == 2203);
        Assert.False(service.ExecuteTask!.IsFaulted);
    }

    [Fact]
    public async Task ExecuteAsync_RunsFailInARow_WaitDoublesUpToTheMaximumThenResetsAfterASuccess()
    {
        ITokenManager manager = Substitute.For<ITokenManager>();
        manager.PurgeExpiredAsync(Arg.Any<CancellationToken>()).Returns(
            Task.FromResult(0),
            Task.FromException<int>(new TokenStoreException("The store is unavailable.")),
            Task.FromException<int>(new IOException("Disk gone.")),
            Task.FromException<int>(new TokenStoreException("The store is unavailable.")),
            Task.FromResult(2),
            Task.FromResult(0));
        var time = new ObservedTimeProvider(new FakeTimeProvider(ManagementFixture.Start));
        var logs = new FakeLogCollector();
        using var service = new ExpiredTokenCleanupService(
            manager,
            new ExpiredTokenCleanupOptions { InitialDelay = Minute, Interval = Minute, MaximumBackoff = 3 * Minute },
            time,
            new FakeLogger<ExpiredTokenCleanupService>(logs));

        await service.StartAsync(Ct);
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 7; i++)
        {
            TimeSpan wait = await time.NextWaitAsync();
            waits.Add(wait);
            time.Fake.Advance(wait);
        }

        await time.NextWaitAsync();
        await service.StopAsync(Ct);

        // Initial delay; after a success; after 1, 2 and 3 failures (2x, 4x capped at 3x); after successes again.
        Assert.Equal([Minute, Minute, 2 * Minute, 3 * Minute, 3 * Minute, Minute, Minute], waits);
        await manager.Received(7).PurgeExpiredAsync(Arg.Any<CancellationToken>());
        Assert.Equal(["1", "2", "3"], logs.GetSnapshot().Where(r => r.Id.Id == 2202).Select(r => r.GetStructuredStateValue("Failures")));
        Assert.Equal([2201, 2203], logs.GetSnapshot().Where(r => r.Id.Id != 2202).Select(r => r.Id.Id).Order());
        Assert.False(service.ExecuteTask!.IsFaulted);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(4, 60)]
    [InlineData(1000, 60)]
    public void BackoffAfter_DefaultOptions_DoublesTheIntervalUpToOneHour(int failures, int expectedMinutes)
    {
        using var service = new ExpiredTokenCleanupService(Substitute.For<ITokenManager>(), new ExpiredTokenCleanupOptions());

        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), service.BackoffAfter(failures));
    }

    [Fact]
    public async Task StopAsync_WhileWaiting_EndsWithoutAnErrorOrARun()
    {
        ITokenManager manager = Substitute.For<ITokenManager>();
        var time = new ObservedTimeProvider(new FakeTimeProvider(ManagementFixture.Start));
        var logs = new FakeLogCollector();
        using var service = new ExpiredTokenCleanupService(manager, new ExpiredTokenCleanupOptions(), time, new FakeLogger<ExpiredTokenCleanupService>(logs));

        await service.StartAsync(Ct);
        await time.NextWaitAsync();
        await service.StopAsync(Ct);

        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Empty(logs.GetSnapshot());
        await manager.DidNotReceive().PurgeExpiredAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task StopAsync_WhileARunIsInProgress_CancelsItWithoutAnError()
    {
        ITokenManager manager = Substitute.For<ITokenManager>();
        var running = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.PurgeExpiredAsync(Arg.Any<CancellationToken>()).Returns(call =>
        {
            CancellationToken token = call.Arg<CancellationToken>();
            running.TrySetResult(token);
            return Task.Delay(Timeout.Infinite, token).ContinueWith(static _ => 0, token, TaskContinuationOptions.None, TaskScheduler.Default);
        });
        var logs = new FakeLogCollector();
        using var service = new ExpiredTokenCleanupService(
            manager, new ExpiredTokenCleanupOptions { InitialDelay = TimeSpan.Zero }, new FakeTimeProvider(ManagementFixture.Start), new FakeLogger<ExpiredTokenCleanupService>(logs));

        await service.StartAsync(Ct);
        CancellationToken runToken = await running.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await service.StopAsync(Ct);

        Assert.True(runToken.IsCancellationRequested);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Empty(logs.GetSnapshot());
    }

    private static TokenSdkOptions ExpiryAllowed()
    {
        var options = new TokenSdkOptions();
        options.Management.AllowExpiry = true;
        return options;
    }

    // Forwards to the real store, except that the first listing fails as an unavailable store would.
    private static ITokenStore FailingOnceOnList(InMemoryTokenStore inner)
    {
        ITokenStore store = Substitute.For<ITokenStore>();
        store.TryAddAsync(Arg.Any<StoredToken>(), Arg.Any<CancellationToken>()).Returns(call => inner.TryAddAsync(call.Arg<StoredToken>(), CancellationToken.None));
        store.FindAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => inner.FindAsync(call.Arg<string>(), CancellationToken.None));
        store.DeleteAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => inner.DeleteAsync(call.Arg<string>(), CancellationToken.None));
        store.SetExpiryAsync(Arg.Any<string>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>())
            .Returns(call => inner.SetExpiryAsync(call.Arg<string>(), call.Arg<DateTimeOffset>(), CancellationToken.None));
        int listings = 0;
        store.ListAsync(Arg.Any<TokenListQuery>(), Arg.Any<CancellationToken>()).Returns(call => Interlocked.Increment(ref listings) == 1
            ? Task.FromException<IReadOnlyList<StoredToken>>(new TokenStoreException("The token store is unavailable."))
            : inner.ListAsync(call.Arg<TokenListQuery>(), CancellationToken.None));
        return store;
    }
}
