using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Tests.Authentication;

public sealed class AuthenticationFailureSummaryTests
{
    private const int SummaryEventId = 5003;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Record_FailuresWithinOneInterval_OneSummaryWithCountsByReason()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(time);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken deleted = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, deleted.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();
        string wrong = ApplicationTokenHandlerTests.TokenWithOtherSecret(token);

        await FailAsync(app, wrong, wrong, "not-a-token", deleted.Token);
        bool writtenEarly = Summaries(app).Count != 0;
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(writtenEarly);
        FakeLogRecord summary = Assert.Single(Summaries(app));
        Assert.Equal(LogLevel.Information, summary.Level);
        Assert.Equal(ApplicationTokenHandlerLoggerFactory.HandlerCategory, summary.Category);
        Assert.Equal(
            "4 application token authentications failed in the last 00:01:00 (scheme ApplicationToken): malformed 1, unknownclient 1, mismatch 2.",
            summary.Message);
        Assert.DoesNotContain(token.ClientId, summary.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(deleted.ClientId, summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_HalfAnInterval_WritesNothingUntilTheIntervalEnds()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(time);

        await FailAsync(app, "not-a-token");
        time.Advance(TimeSpan.FromSeconds(59));
        int afterHalf = Summaries(app).Count;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, afterHalf);
        Assert.Single(Summaries(app));
    }

    [Fact]
    public async Task Record_IntervalWithoutFailures_WritesNoSummary()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(time);

        await FailAsync(app, "not-a-token");
        time.Advance(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Single(Summaries(app));
    }

    [Fact]
    public async Task Record_NextInterval_CountsOnlyItsOwnFailures()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(time);

        await FailAsync(app, "not-a-token", "not-a-token", "not-a-token");
        time.Advance(TimeSpan.FromMinutes(1));
        await FailAsync(app, "still-not-a-token");
        time.Advance(TimeSpan.FromMinutes(1));

        IReadOnlyList<FakeLogRecord> summaries = Summaries(app);
        Assert.Equal(2, summaries.Count);
        Assert.StartsWith("3 application token authentications failed", summaries[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("1 application token authentications failed", summaries[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ConfiguredInterval_IsTheSummaryPeriod()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(time, o => o.FailureSummaryInterval = TimeSpan.FromSeconds(10));

        await FailAsync(app, "not-a-token");
        time.Advance(TimeSpan.FromSeconds(10));

        FakeLogRecord summary = Assert.Single(Summaries(app));
        Assert.Contains("in the last 00:00:10", summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_IntervalZero_WritesNoSummary()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(time, o => o.FailureSummaryInterval = TimeSpan.Zero);

        HttpStatusCode status = await AuthenticationFailureLoggingTests.StatusAsync(app, "/me", "not-a-token");
        time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(Summaries(app));
    }

    [Fact]
    public async Task Record_ConcurrentFailures_AreAllCounted()
    {
        // Arrange: racers held at an async gate, so they record at the same time.
        var time = new FakeTimeProvider();
        var logs = new FakeLogCollector();
        using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var summary = new AuthenticationFailureSummary(loggerFactory, time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Racers = 4;
        const int PerRacer = 250_000;
        int mismatch = AuthenticationFailureReasons.Of(VerificationStatus.Mismatch);
        Task[] racers = Enumerable.Range(0, Racers).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            for (int i = 0; i < PerRacer; i++)
            {
                summary.Record("scheme", TimeSpan.FromMinutes(1), mismatch);
            }
        }, Ct)).ToArray();

        // Act
        gate.SetResult();
        await Task.WhenAll(racers);
        time.Advance(TimeSpan.FromMinutes(1));

        // Assert
        FakeLogRecord line = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == SummaryEventId);
        Assert.Equal($"{Racers * PerRacer} application token authentications failed in the last 00:01:00 (scheme scheme): mismatch {Racers * PerRacer}.", line.Message);
    }

    [Theory]
    [InlineData(-1_000)]
    [InlineData(500)]
    [InlineData(2 * 24 * 3600 * 1000)]
    public void Validate_FailureSummaryIntervalOutOfRange_FailsNamingTheOption(long milliseconds)
    {
        var options = new ApplicationTokenOptions { FailureSummaryInterval = TimeSpan.FromMilliseconds(milliseconds) };

        ValidateOptionsResult result = new ApplicationTokenOptionsValidator().Validate(ApplicationTokenDefaults.AuthenticationScheme, options);

        Assert.True(result.Failed);
        Assert.Contains("FailureSummaryInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FailureSummaryIntervalZero_IsTheOffSwitch()
    {
        var options = new ApplicationTokenOptions { FailureSummaryInterval = TimeSpan.Zero };

        ValidateOptionsResult result = new ApplicationTokenOptionsValidator().Validate(ApplicationTokenDefaults.AuthenticationScheme, options);

        Assert.True(result.Succeeded);
    }

    private static Task<TestApp> StartAsync(FakeTimeProvider time, Action<ApplicationTokenOptions>? configure = null) =>
        TestApp.StartAsync(configure, configureServices: services => services.AddSingleton<TimeProvider>(time));

    private static async Task FailAsync(TestApp app, params string[] tokens)
    {
        foreach (string token in tokens)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await AuthenticationFailureLoggingTests.StatusAsync(app, "/me", token));
        }
    }

    private static List<FakeLogRecord> Summaries(TestApp app) =>
        [.. app.Logs.GetSnapshot().Where(r => r.Id.Id == SummaryEventId)];
}
