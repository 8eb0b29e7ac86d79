using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authentication;

public sealed class AuthenticationMetricsTests
{
    private const string ErrorType = "error.type";
    private const string Source = "tokensdk.authentication.source";

    [Fact]
    public async Task Authenticate_SuccessAndFailure_CountedBySource_FailureWithErrorType()
    {
        await using TestApp app = await TestApp.StartAsync();
        using var collector = Authentications(app);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage wrong = TestApp.Request(HttpMethod.Get, "/me");
        wrong.Headers.Add("X-Cassandra-Token", ApplicationTokenHandlerTests.TokenWithOtherSecret(token));

        using HttpResponseMessage ok = await app.GetAsync("/me", token.Token);
        using HttpResponseMessage rejected = await app.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        IReadOnlyList<CollectedMeasurement<long>> measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.True(measurements[0].MatchesTags(new KeyValuePair<string, object?>(Source, "bearer")));
        Assert.True(measurements[1].MatchesTags(
            new KeyValuePair<string, object?>(ErrorType, "mismatch"),
            new KeyValuePair<string, object?>(Source, "x-cassandra-token")));
        Assert.Equal("{authentication}", collector.Instrument!.Unit);
        Assert.IsType<Counter<long>>(collector.Instrument);
    }

    [Fact]
    public async Task Authenticate_FailuresLoggedAtDebug_AreStillCountedByErrorType()
    {
        await using TestApp app = await TestApp.StartAsync();
        using var collector = Authentications(app);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, token.ClientId, DeletionReason.NoLongerNeeded, TestContext.Current.CancellationToken)).ThrowIfFailed();

        using HttpResponseMessage malformed = await app.GetAsync("/me", "not-a-token");
        using HttpResponseMessage unknown = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(
            ["malformed", "unknown_client"],
            collector.GetMeasurementSnapshot().Select(m => m.Tags[ErrorType]));
    }

    [Fact]
    public async Task Meters_TwoApps_EachCountsOnItsOwnMeter_AsAspNetCoresOwn()
    {
        await using TestApp first = await TestApp.StartAsync();
        await using TestApp second = await TestApp.StartAsync();
        using var firstAuthentications = Authentications(first);
        using var secondAuthentications = Authentications(second);
        using var firstVerifications = new MetricCollector<double>(MeterFactory(first), "TokenSdk", "tokensdk.verification.duration");
        using var secondVerifications = new MetricCollector<double>(MeterFactory(second), "TokenSdk", "tokensdk.verification.duration");
        using var unscoped = new MetricCollector<long>(null, "TokenSdk.AspNetCore", "tokensdk.aspnetcore.authentications");

        using HttpResponseMessage rejected = await first.GetAsync("/me", "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal("malformed", Assert.Single(firstAuthentications.GetMeasurementSnapshot()).Tags[ErrorType]);
        Assert.Equal("malformed", Assert.Single(firstVerifications.GetMeasurementSnapshot()).Tags[ErrorType]);
        Assert.Empty(secondAuthentications.GetMeasurementSnapshot());
        Assert.Empty(secondVerifications.GetMeasurementSnapshot());
        Assert.Empty(unscoped.GetMeasurementSnapshot());
        Assert.Same(MeterFactory(first), firstAuthentications.Instrument!.Meter.Scope);
    }

    internal static MetricCollector<long> Authentications(TestApp app) =>
        new(MeterFactory(app), "TokenSdk.AspNetCore", "tokensdk.aspnetcore.authentications");

    private static IMeterFactory MeterFactory(TestApp app) => app.App.Services.GetRequiredService<IMeterFactory>();
}
