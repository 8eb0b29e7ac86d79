using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authentication;

public sealed class AuthenticationMetricsTests
{
    [Fact]
    public async Task Authenticate_SuccessAndFailure_AreCountedByResultAndSource()
    {
        using var collector = new MetricCollector<long>(null, "TokenSdk.AspNetCore", "tokensdk.aspnetcore.authentications");
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage wrong = TestApp.Request(HttpMethod.Get, "/me");
        wrong.Headers.Add("X-Cassandra-Token", ApplicationTokenHandlerTests.TokenWithOtherSecret(token));

        using HttpResponseMessage ok = await app.GetAsync("/me", token.Token);
        using HttpResponseMessage rejected = await app.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        IReadOnlyList<CollectedMeasurement<long>> measurements = collector.GetMeasurementSnapshot();
        Assert.Contains(measurements, m => m.MatchesTags(
            new KeyValuePair<string, object?>("tokensdk.authentication.result", "success"),
            new KeyValuePair<string, object?>("tokensdk.authentication.source", "bearer")));
        Assert.Contains(measurements, m => m.MatchesTags(
            new KeyValuePair<string, object?>("tokensdk.authentication.result", "mismatch"),
            new KeyValuePair<string, object?>("tokensdk.authentication.source", "x-cassandra-token")));
    }

    [Fact]
    public async Task Authenticate_FailuresLoggedAtDebug_AreStillCountedByReason()
    {
        using var collector = new MetricCollector<long>(null, "TokenSdk.AspNetCore", "tokensdk.aspnetcore.authentications");
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, token.ClientId, DeletionReason.NoLongerNeeded, TestContext.Current.CancellationToken)).ThrowIfFailed();

        using HttpResponseMessage malformed = await app.GetAsync("/me", "not-a-token");
        using HttpResponseMessage unknown = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        IReadOnlyList<CollectedMeasurement<long>> measurements = collector.GetMeasurementSnapshot();
        Assert.Contains(measurements, m => m.ContainsTags(new KeyValuePair<string, object?>("tokensdk.authentication.result", "malformed")));
        Assert.Contains(measurements, m => m.ContainsTags(new KeyValuePair<string, object?>("tokensdk.authentication.result", "unknownclient")));
    }
}
