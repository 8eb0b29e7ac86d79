using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Diagnostics;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Diagnostics;

/// <summary>The <c>TokenSdk</c> meter of a service provider, created through its <see cref="IMeterFactory"/>.</summary>
[Collection(nameof(MetricsCollection))]
public sealed class MeterFactoryMetricsTests
{
    private static readonly TokenCaller s_admin = new("admin", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddTokenSdk_TwoServiceProviders_HaveIndependentMeters()
    {
        using var factoryA = new TestMeterFactory();
        using var factoryB = new TestMeterFactory();
        await using ServiceProvider a = Build(factoryA);
        await using ServiceProvider b = Build(factoryB);
        using var durationsA = new MetricCollector<double>(factoryA, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);
        using var durationsB = new MetricCollector<double>(factoryB, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);
        using var generatedA = new MetricCollector<long>(factoryA, TokenSdkMetrics.MeterName, TokenSdkMetrics.TokensGeneratedName);
        using var generatedB = new MetricCollector<long>(factoryB, TokenSdkMetrics.MeterName, TokenSdkMetrics.TokensGeneratedName);
        using var shared = new MetricCollector<double>(null, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);

        GeneratedToken token = await IssueAsync(a);
        await a.GetRequiredService<ITokenVerifier>().VerifyAsync(token.Token, Ct);
        await a.GetRequiredService<ITokenVerifier>().VerifyAsync("not a token", Ct);
        await b.GetRequiredService<ITokenVerifier>().VerifyAsync("not a token", Ct);

        Assert.Equal(2, durationsA.GetMeasurementSnapshot().Count);
        Assert.Single(durationsB.GetMeasurementSnapshot());
        Assert.Equal(1, Assert.Single(generatedA.GetMeasurementSnapshot()).Value);
        Assert.Empty(generatedB.GetMeasurementSnapshot());
        Assert.Empty(shared.GetMeasurementSnapshot());
        Assert.NotSame(durationsA.Instrument, durationsB.Instrument);
        Assert.Same(factoryA, durationsA.Instrument!.Meter.Scope);
        Assert.Same(factoryA, Assert.Single(factoryA.Meters, m => m.Name == TokenSdkMetrics.MeterName).Scope);
    }

    [Fact]
    public async Task AddTokenSdk_MeterFactoryDisposed_StopsRecordingWithoutFailing()
    {
        var factory = new TestMeterFactory();
        await using ServiceProvider services = Build(factory);
        using var durations = new MetricCollector<double>(factory, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);
        ITokenVerifier verifier = services.GetRequiredService<ITokenVerifier>();
        await verifier.VerifyAsync("not a token", Ct);

        factory.Dispose();
        TokenVerificationResult after = await verifier.VerifyAsync("not a token", Ct);

        Assert.Equal(VerificationStatus.Malformed, after.Status);
        Assert.Single(durations.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task VerifyAsync_EachFailure_TaggedWithItsErrorType_SuccessWithNone()
    {
        using var factory = new TestMeterFactory();
        var time = new FakeTimeProvider();
        var custom = new Role("reporting", "Reporting", [Permissions.DbTableSelect]);
        await using ServiceProvider services = Build(factory, s => s.AddSingleton<TimeProvider>(time));
        using var collector = new MetricCollector<double>(factory, TokenSdkMetrics.MeterName, TokenSdkMetrics.VerificationDurationName);
        ITokenVerifier verifier = services.GetRequiredService<ITokenVerifier>();
        ITokenGenerator generator = services.GetRequiredService<ITokenGenerator>();
        ITokenStore store = services.GetRequiredService<ITokenStore>();
        GeneratedToken valid = await IssueAsync(services);
        GeneratedToken expiring = await IssueAsync(services, expiresAt: time.GetUtcNow().AddMinutes(1));
        GeneratedToken notStored = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;
        IssuedToken ofUnknownRole = generator.Generate(new TokenGenerationRequest(custom));
        Assert.True(await store.TryAddAsync(ofUnknownRole.Record, Ct));
        time.Advance(TimeSpan.FromHours(1));

        var results = new List<VerificationStatus>
        {
            (await verifier.VerifyAsync(valid.Token, Ct)).Status,
            (await verifier.VerifyAsync("not a token", Ct)).Status,
            (await verifier.VerifyAsync(notStored.Token, Ct)).Status,
            (await verifier.VerifyClientSecretAsync(valid.ClientId, valid.Secret + "x", Ct)).Status,
            (await verifier.VerifyAsync(expiring.Token, Ct)).Status,
            (await verifier.VerifyAsync(ofUnknownRole.Details.Token, Ct)).Status,
            (await verifier.VerifyClientSecretAsync(valid.ClientId, valid.Secret, Ct)).Status,
        };

        Assert.Equal(
            [VerificationStatus.Valid, VerificationStatus.Malformed, VerificationStatus.UnknownClient, VerificationStatus.Mismatch,
             VerificationStatus.Expired, VerificationStatus.RoleNotFound, VerificationStatus.Valid],
            results);
        IReadOnlyList<CollectedMeasurement<double>> measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(
            [null, "malformed", "unknown_client", "mismatch", "expired", "role_not_found", null],
            measurements.Select(m => m.Tags.GetValueOrDefault(TokenSdkMetrics.ErrorTypeTag)));
        Assert.Empty(measurements[0].Tags);
        Assert.Empty(measurements[^1].Tags);
        Assert.All(measurements.Skip(1).Take(5), m => Assert.Equal(TokenSdkMetrics.ErrorTypeTag, Assert.Single(m.Tags).Key));
    }

    [Fact]
    public async Task Instruments_NamesUnitsAndKinds_FollowTheOpenTelemetryConventions()
    {
        using var factory = new TestMeterFactory();
        await using ServiceProvider services = Build(factory);
        _ = services.GetRequiredService<ITokenVerifier>();
        _ = services.GetRequiredService<ITokenManager>();
        using var listener = new RecordingListener(meter => ReferenceEquals(meter.Scope, factory));

        Dictionary<string, Instrument> instruments = listener.Instruments.ToDictionary(i => i.Name);

        Assert.Equal(
            new[] { TokenSdkMetrics.LiveTokensName, TokenSdkMetrics.TokensDeletedName, TokenSdkMetrics.TokensGeneratedName, TokenSdkMetrics.VerificationDurationName }
                .Order(StringComparer.Ordinal),
            instruments.Keys.Order(StringComparer.Ordinal));
        Assert.IsType<Histogram<double>>(instruments[TokenSdkMetrics.VerificationDurationName]);
        Assert.Equal("s", instruments[TokenSdkMetrics.VerificationDurationName].Unit);
        Assert.IsType<Counter<long>>(instruments[TokenSdkMetrics.TokensGeneratedName]);
        Assert.Equal("{token}", instruments[TokenSdkMetrics.TokensGeneratedName].Unit);
        Assert.IsType<Counter<long>>(instruments[TokenSdkMetrics.TokensDeletedName]);
        Assert.Equal("{token}", instruments[TokenSdkMetrics.TokensDeletedName].Unit);
        Assert.IsType<ObservableUpDownCounter<long>>(instruments[TokenSdkMetrics.LiveTokensName]);
        Assert.Equal("{token}", instruments[TokenSdkMetrics.LiveTokensName].Unit);
        Assert.All(instruments.Values, i => Assert.False(string.IsNullOrEmpty(i.Description)));
        Assert.Equal(
            TokenSdkMetrics.VerificationDurationBuckets,
            ((Histogram<double>)instruments[TokenSdkMetrics.VerificationDurationName]).Advice!.HistogramBucketBoundaries);
    }

    [Fact]
    public async Task DeleteAsync_ThroughTheManager_CountedByReasonInSnakeCase()
    {
        using var factory = new TestMeterFactory();
        await using ServiceProvider services = Build(factory);
        using var collector = new MetricCollector<long>(factory, TokenSdkMetrics.MeterName, TokenSdkMetrics.TokensDeletedName);
        ITokenManager manager = services.GetRequiredService<ITokenManager>();
        GeneratedToken first = await IssueAsync(services);
        GeneratedToken second = await IssueAsync(services);

        (await manager.DeleteAsync(s_admin, first.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();
        (await manager.DeleteAsync(s_admin, second.ClientId, DeletionReason.Compromised, Ct)).ThrowIfFailed();

        Assert.Equal(
            ["no_longer_needed", "compromised"],
            collector.GetMeasurementSnapshot().Select(m => m.Tags[TokenSdkMetrics.DeletionReasonTag]));
        Assert.All(collector.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public async Task VerifyAsync_ListenerOnEveryInstrumentOfTheMeter_AllocatesNothing()
    {
        // Arrange: the verifier as dependency injection builds it, an exporter-like listener enabled on every instrument
        // of its meter, and one credential for each outcome (each failure records its own error.type tag).
        using var factory = new TestMeterFactory();
        var time = new FakeTimeProvider();
        await using ServiceProvider services = Build(factory, s => s.AddSingleton<TimeProvider>(time));
        using var listener = new RecordingListener(meter => ReferenceEquals(meter.Scope, factory));
        var verifier = (TokenVerifier)services.GetRequiredService<ITokenVerifier>();
        ITokenGenerator generator = services.GetRequiredService<ITokenGenerator>();
        ITokenStore store = services.GetRequiredService<ITokenStore>();
        GeneratedToken valid = await IssueAsync(services);
        GeneratedToken astra = await IssueAsync(services, format: TokenFormatKind.Astra);
        GeneratedToken expiring = await IssueAsync(services, expiresAt: time.GetUtcNow().AddMinutes(1));
        GeneratedToken notStored = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;
        IssuedToken ofUnknownRole = generator.Generate(new TokenGenerationRequest(new Role("reporting", "Reporting", [Permissions.DbTableSelect])));
        Assert.True(await store.TryAddAsync(ofUnknownRole.Record, Ct));
        string badChecksum = valid.Token[..^1] + (valid.Token[^1] == '0' ? '1' : '0');
        string otherSecret = new ChecksummedTokenFormat().Format(valid.ClientId, new byte[32]); // well formed, another secret
        time.Advance(TimeSpan.FromHours(1));
        string[] tokens = [valid.Token, astra.Token, badChecksum, notStored.Token, otherSecret, expiring.Token, ofUnknownRole.Details.Token];
        var statuses = new List<VerificationStatus>();
        foreach (string token in tokens)
        {
            statuses.Add((await verifier.VerifyAsync(token, Ct)).Status);
        }

        // Act
        long allocated = Verification.TokenVerifierTests.MeasureAllocations(verifier, tokens);

        // Assert
        Assert.Equal(
            [VerificationStatus.Valid, VerificationStatus.Valid, VerificationStatus.Malformed, VerificationStatus.UnknownClient,
             VerificationStatus.Mismatch, VerificationStatus.Expired, VerificationStatus.RoleNotFound],
            statuses);
        Assert.Equal(4, listener.Instruments.Count);
        Assert.Equal(0, allocated);
        Assert.True(listener.Durations >= tokens.Length * 3000, $"{listener.Durations} durations recorded.");
        Assert.True(listener.Tagged >= 5 * 3000, $"{listener.Tagged} failures tagged.");
    }

    private static ServiceProvider Build(IMeterFactory meterFactory, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(meterFactory);
        services.AddTokenSdk().AddInMemoryStore();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static async Task<GeneratedToken> IssueAsync(IServiceProvider services, DateTimeOffset? expiresAt = null, TokenFormatKind? format = null)
    {
        IssuedToken issued = services.GetRequiredService<ITokenGenerator>().Generate(
            new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { ExpiresAt = expiresAt, Format = format });
        Assert.True(await services.GetRequiredService<ITokenStore>().TryAddAsync(issued.Record, Ct));
        return issued.Details;
    }
}
