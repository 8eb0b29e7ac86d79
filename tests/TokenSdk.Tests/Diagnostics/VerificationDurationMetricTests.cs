using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Diagnostics;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Diagnostics;

/// <summary><c>tokensdk.verification.duration</c> on the shared meter of components built without an <see cref="IMeterFactory"/>.</summary>
[Collection(nameof(MetricsCollection))]
public class VerificationDurationMetricTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyAsync_BuiltWithoutMeterFactory_RecordsOnTheSharedMeter_FailuresTaggedWithErrorType()
    {
        using var collector = new MetricCollector<double>(null, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);
        var fixture = new TokenFixture();
        GeneratedToken token = await fixture.IssueAsync();

        await fixture.Verifier.VerifyAsync(token.Token, Ct);
        await fixture.Verifier.VerifyAsync("not a token", Ct);
        await fixture.Verifier.VerifyClientSecretAsync(token.ClientId, token.Secret, Ct);
        await fixture.Verifier.VerifyClientSecretAsync(token.ClientId, token.Secret + "x", Ct);

        IReadOnlyList<CollectedMeasurement<double>> measurements = collector.GetMeasurementSnapshot();
        Assert.Equal([null, "malformed", null, "mismatch"], measurements.Select(m => m.Tags.GetValueOrDefault(TokenSdkMetrics.ErrorTypeTag)));
        Assert.Empty(measurements[0].Tags);
        Assert.Single(measurements[1].Tags);
        Assert.All(measurements, m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal("s", collector.Instrument!.Unit);
        Assert.Same(TokenSdkMetrics.Shared.VerificationDuration, collector.Instrument);
        Assert.Null(collector.Instrument.Meter.Scope);
    }

    [Fact]
    public async Task VerifyAsync_StoreWithoutSynchronousLookup_MeasuresUntilTheStoreAnswers()
    {
        using var collector = new MetricCollector<double>(null, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);
        var inner = new TokenFixture();
        GeneratedToken token = await inner.IssueAsync();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        ITokenStore slow = Substitute.For<ITokenStore>();
        slow.FindAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => AnswerLaterAsync(call.Arg<string>()));
        var verifying = new TokenFixture(timeProvider: time, store: slow);

        async ValueTask<StoredToken?> AnswerLaterAsync(string clientId)
        {
            time.Advance(TimeSpan.FromMilliseconds(3));
            await Task.Yield();
            return await inner.Store.FindAsync(clientId, CancellationToken.None);
        }

        TokenVerificationResult result = await verifying.Verifier.VerifyAsync(token.Token, Ct);

        Assert.True(result.IsValid);
        CollectedMeasurement<double> measurement = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal(0.003, measurement.Value, 9);
        Assert.Empty(measurement.Tags);
    }

    [Fact]
    public void VerificationDuration_Advice_HasMicrosecondBuckets()
    {
        IReadOnlyList<double>? boundaries = TokenSdkMetrics.Shared.VerificationDuration.Advice?.HistogramBucketBoundaries;

        Assert.NotNull(boundaries);
        Assert.Equal(1e-6, boundaries[1]);
        Assert.Equal(boundaries.Order(), boundaries);
        Assert.InRange(boundaries[0], 1e-7, 1e-6);
        Assert.InRange(boundaries[^1], 1e-2, 1);
    }

    [Fact]
    public void ErrorType_EveryStatus_SnakeCaseForFailures_NoneForValid_OtherForTheRest()
    {
        Assert.Null(TokenSdkMetrics.ErrorType(VerificationStatus.Valid));
        Assert.Equal("malformed", TokenSdkMetrics.ErrorType(VerificationStatus.Malformed));
        Assert.Equal("unknown_client", TokenSdkMetrics.ErrorType(VerificationStatus.UnknownClient));
        Assert.Equal("mismatch", TokenSdkMetrics.ErrorType(VerificationStatus.Mismatch));
        Assert.Equal("expired", TokenSdkMetrics.ErrorType(VerificationStatus.Expired));
        Assert.Equal("role_not_found", TokenSdkMetrics.ErrorType(VerificationStatus.RoleNotFound));
        Assert.Equal("_OTHER", TokenSdkMetrics.ErrorType(VerificationStatus.None));
        Assert.Equal("_OTHER", TokenSdkMetrics.ErrorType((VerificationStatus)99));
    }

    [Fact]
    public async Task VerifyAsync_ListenerOnTheSharedMeter_AllocatesNothing()
    {
        var fixture = new TokenFixture();
        GeneratedToken checksummed = await fixture.IssueAsync();
        GeneratedToken astra = await fixture.IssueAsync(format: TokenFormatKind.Astra);
        string bad = checksummed.Token[..^1] + (checksummed.Token[^1] == '0' ? '1' : '0');
        using var listener = new RecordingListener(meter => meter.Name == TokenSdkMetrics.MeterName && meter.Scope is null);

        long allocated = Verification.TokenVerifierTests.MeasureAllocations(fixture.Verifier, [checksummed.Token, astra.Token, bad]);

        Assert.True(TokenSdkMetrics.Shared.VerificationDuration.Enabled);
        Assert.Equal(0, allocated);
        Assert.True(listener.Durations >= 3 * 3000, $"{listener.Durations} durations recorded.");
    }
}
