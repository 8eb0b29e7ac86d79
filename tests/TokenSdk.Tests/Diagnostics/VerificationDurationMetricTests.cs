using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Diagnostics;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Diagnostics;

[Collection(nameof(MetricsCollection))]
public class VerificationDurationMetricTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyAsync_EachVerification_RecordsOneDurationTaggedWithItsStatus()
    {
        using var collector = new MetricCollector<double>(null, TokenSdkDiagnostics.Name, "tokensdk.verification.duration");
        var fixture = new TokenFixture();
        GeneratedToken token = await fixture.IssueAsync();

        await fixture.Verifier.VerifyAsync(token.Token, Ct);
        await fixture.Verifier.VerifyAsync("not a token", Ct);
        await fixture.Verifier.VerifyClientSecretAsync(token.ClientId, token.Secret, Ct);
        await fixture.Verifier.VerifyClientSecretAsync(token.ClientId, token.Secret + "x", Ct);

        IReadOnlyList<CollectedMeasurement<double>> measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(["valid", "malformed", "valid", "mismatch"], measurements.Select(m => (string?)m.Tags[TokenSdkDiagnostics.StatusTag]));
        Assert.All(measurements, m => Assert.Single(m.Tags));
        Assert.All(measurements, m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal("s", collector.Instrument!.Unit);
        Assert.IsType<Histogram<double>>(collector.Instrument);
    }

    [Fact]
    public async Task VerifyAsync_StoreWithoutSynchronousLookup_MeasuresUntilTheStoreAnswers()
    {
        using var collector = new MetricCollector<double>(null, TokenSdkDiagnostics.Name, "tokensdk.verification.duration");
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
        Assert.Equal("valid", measurement.Tags[TokenSdkDiagnostics.StatusTag]);
    }

    [Fact]
    public void VerificationDuration_Advice_HasMicrosecondBuckets()
    {
        IReadOnlyList<double>? boundaries = TokenSdkDiagnostics.VerificationDuration.Advice?.HistogramBucketBoundaries;

        Assert.NotNull(boundaries);
        Assert.Equal(1e-6, boundaries[1]);
        Assert.Equal(boundaries.Order(), boundaries);
        Assert.InRange(boundaries[0], 1e-7, 1e-6);
        Assert.InRange(boundaries[^1], 1e-2, 1);
    }

    [Fact]
    public async Task VerifyAsync_ListenerOnTheDuration_AllocatesNothing()
    {
        var fixture = new TokenFixture();
        GeneratedToken checksummed = await fixture.IssueAsync();
        GeneratedToken astra = await fixture.IssueAsync(format: TokenFormatKind.Astra);
        string bad = checksummed.Token[..^1] + (checksummed.Token[^1] == '0' ? '1' : '0');
        long recorded = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == TokenSdkDiagnostics.Name && instrument.Name == "tokensdk.verification.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            if (tags.Length == 1 && tags[0].Value is string)
            {
                Interlocked.Increment(ref recorded);
            }
        });
        listener.Start();

        long allocated = Verification.TokenVerifierTests.MeasureAllocations(fixture.Verifier, [checksummed.Token, astra.Token, bad]);

        Assert.True(TokenSdkDiagnostics.VerificationDuration.Enabled);
        Assert.Equal(0, allocated);
        Assert.True(Interlocked.Read(ref recorded) >= 3 * 3000, $"{recorded} durations recorded.");
    }
}
