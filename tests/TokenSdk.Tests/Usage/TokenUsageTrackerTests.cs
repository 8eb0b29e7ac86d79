using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Usage;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Usage;

/// <summary>Last-used times: marked by verification in memory, written behind in batches, shown when tokens are listed.</summary>
public sealed class TokenUsageTrackerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly InMemoryTokenStore _store = new();
    private readonly TokenUsageTracker _tracker;
    private readonly TokenVerifier _verifier;
    private readonly TokenManager _manager;
    private readonly TokenCaller _admin = new("alice", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);

    public TokenUsageTrackerTests()
    {
        _tracker = new TokenUsageTracker(_store, timeProvider: _time);
        var roles = new RoleCatalog();
        _verifier = new TokenVerifier(_store, roles, timeProvider: _time, usage: _tracker);
        _manager = new TokenManager(_store, roles, timeProvider: _time);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LastUsed_NeverUsed_IsNull()
    {
        GeneratedToken token = await GenerateAsync();

        Assert.Null((await GetAsync(token)).LastUsedAt);
    }

    [Fact]
    public async Task LastUsed_MovesForwardWithUse_AtTheResolution()
    {
        GeneratedToken token = await GenerateAsync();

        await VerifyAsync(token);
        DateTimeOffset first = (await GetAsync(token)).LastUsedAt!.Value;
        _time.Advance(TimeSpan.FromSeconds(30));
        await VerifyAsync(token);
        DateTimeOffset sameMinute = (await GetAsync(token)).LastUsedAt!.Value;
        _time.Advance(TimeSpan.FromSeconds(45));   // past the period's end: the clock moved on
        await VerifyAsync(token);
        DateTimeOffset later = (await GetAsync(token)).LastUsedAt!.Value;

        Assert.Equal(s_start, first);
        Assert.Equal(first, sameMinute);
        Assert.Equal(s_start + TimeSpan.FromMinutes(1), later);
    }

    [Fact]
    public async Task Flush_ManyUsesInOnePeriod_CostOneWriteOfOneEntry()
    {
        var usageStore = Substitute.For<ITokenStore, ITokenUsageStore>();
        GeneratedToken token = await GenerateAsync();
        StoredToken record = (await _store.FindAsync(token.ClientId, Ct))!;
        usageStore.FindAsync(token.ClientId, Arg.Any<CancellationToken>()).Returns(record);
        await using var tracker = new TokenUsageTracker(usageStore, timeProvider: _time);
        var verifier = new TokenVerifier(usageStore, new RoleCatalog(), timeProvider: _time, usage: tracker);

        for (int i = 0; i < 10_000; i++)
        {
            Assert.True((await verifier.VerifyAsync(token.Token, Ct)).IsValid);
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        await tracker.FlushAsync(Ct);

        await ((ITokenUsageStore)usageStore).Received(1).RecordUsageAsync(
            Arg.Is<IReadOnlyCollection<TokenUsage>>(u => u.Count == 1 && u.Single().ClientId == token.ClientId && u.Single().LastUsedAt == s_start),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Flush_TimerWritesToTheStore_AndTheStoreAnswersAfterTheRecordIsGone()
    {
        GeneratedToken token = await GenerateAsync();
        await VerifyAsync(token);

        _time.Advance(TimeSpan.FromMinutes(1));   // the period ends: the tracker writes in the background
        await WaitForAsync(async () => (await _store.GetLastUsedAsync([token.ClientId], Ct)).ContainsKey(token.ClientId));

        Assert.Equal(s_start, (await _store.GetLastUsedAsync([token.ClientId], Ct))[token.ClientId]);
    }

    [Fact]
    public async Task Flush_StoreFails_KeepsTheTimesLogsOnceAndWritesThemLater()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = new LoggerFactory([new FakeLoggerProvider(logs)]);
        var usageStore = Substitute.For<ITokenStore, ITokenUsageStore>();
        GeneratedToken token = await GenerateAsync();
        usageStore.FindAsync(token.ClientId, Arg.Any<CancellationToken>()).Returns((await _store.FindAsync(token.ClientId, Ct))!);
        ((ITokenUsageStore)usageStore).RecordUsageAsync(Arg.Any<IReadOnlyCollection<TokenUsage>>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new TokenStoreException("disk full")), Task.FromException(new TokenStoreException("disk full")), Task.CompletedTask);
        await using var tracker = new TokenUsageTracker(usageStore, timeProvider: _time, logger: loggerFactory.CreateLogger<TokenUsageTracker>());
        var verifier = new TokenVerifier(usageStore, new RoleCatalog(), timeProvider: _time, usage: tracker);
        Assert.True((await verifier.VerifyAsync(token.Token, Ct)).IsValid);

        await tracker.FlushAsync(Ct);
        await tracker.FlushAsync(Ct);
        await tracker.FlushAsync(Ct);

        await ((ITokenUsageStore)usageStore).Received(3).RecordUsageAsync(
            Arg.Is<IReadOnlyCollection<TokenUsage>>(u => u.Single().ClientId == token.ClientId), Arg.Any<CancellationToken>());
        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "UsageWriteFailed");
        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "UsageWriteRecovered");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(token.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_WritesThePendingTimes()
    {
        GeneratedToken token = await GenerateAsync();
        await VerifyAsync(token);

        await _tracker.DisposeAsync();

        Assert.True((await _store.GetLastUsedAsync([token.ClientId], Ct)).ContainsKey(token.ClientId));
    }

    [Fact]
    public async Task FailedVerification_DoesNotMarkTheToken()
    {
        GeneratedToken token = await GenerateAsync();

        TokenVerificationResult wrong = await _verifier.VerifyClientSecretAsync(token.ClientId, "not-the-secret-at-all-but-long-enough-000", Ct);

        Assert.False(wrong.IsValid);
        Assert.Null((await GetAsync(token)).LastUsedAt);
    }

    [Fact]
    public async Task Disabled_VerificationMarksNothing()
    {
        var options = new TokenSdkOptions();
        options.Usage.Enabled = false;
        await using var tracker = new TokenUsageTracker(_store, options, _time);
        var verifier = new TokenVerifier(_store, new RoleCatalog(), timeProvider: _time, usage: tracker);
        GeneratedToken token = await GenerateAsync();

        Assert.True((await verifier.VerifyAsync(token.Token, Ct)).IsValid);

        Assert.False(tracker.IsEnabled);
        Assert.Null((await GetAsync(token)).LastUsedAt);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(86_401)]
    public void Options_ResolutionOutOfRange_IsRefusedNamingTheSetting(double seconds)
    {
        var options = new TokenSdkOptions();
        options.Usage.Resolution = TimeSpan.FromSeconds(seconds);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new TokenUsageTracker(_store, options));

        Assert.Contains("TokenSdk:Usage:Resolution", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnusedSince_ListsTokensUsedBeforeAndNeverUsedOlderOnes()
    {
        GeneratedToken usedLongAgo = await GenerateAsync();
        GeneratedToken neverUsedOld = await GenerateAsync();
        GeneratedToken usedRecently = await GenerateAsync();
        await VerifyAsync(usedLongAgo);
        await _tracker.FlushAsync(Ct);
        _time.Advance(TimeSpan.FromDays(100));
        await VerifyAsync(usedRecently);
        GeneratedToken neverUsedNew = await GenerateAsync();

        TokenPage unused = (await _manager.ListAsync(_admin, new TokenListOptions { UnusedSince = _time.GetUtcNow() - TimeSpan.FromDays(90) }, Ct)).GetValueOrThrow();

        Assert.Equal(
            new[] { usedLongAgo.ClientId, neverUsedOld.ClientId }.Order(StringComparer.Ordinal),
            unused.Tokens.Select(t => t.ClientId));
        Assert.DoesNotContain(unused.Tokens, t => t.ClientId == neverUsedNew.ClientId || t.ClientId == usedRecently.ClientId);
        Assert.Equal(s_start, unused.Tokens.Single(t => t.ClientId == usedLongAgo.ClientId).LastUsedAt);
    }

    [Fact]
    public async Task DeletedToken_ItsLastUsedTimeIsGone()
    {
        GeneratedToken token = await GenerateAsync();
        await VerifyAsync(token);
        await _tracker.FlushAsync(Ct);

        (await _manager.DeleteAsync(_admin, token.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();
        await _store.RecordUsageAsync([new TokenUsage(token.ClientId, s_start)], Ct);

        Assert.Empty(await _store.GetLastUsedAsync([token.ClientId], Ct));
    }

    public async ValueTask DisposeAsync()
    {
        _manager.Dispose();
        await _tracker.DisposeAsync();
    }

    private async Task<GeneratedToken> GenerateAsync() =>
        (await _manager.GenerateAsync(_admin, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();

    private async Task VerifyAsync(GeneratedToken token) => Assert.True((await _verifier.VerifyAsync(token.Token, Ct)).IsValid);

    private async Task<TokenInfo> GetAsync(GeneratedToken token) => (await _manager.GetAsync(_admin, token.ClientId, Ct)).GetValueOrThrow();

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(await condition());
    }
}
