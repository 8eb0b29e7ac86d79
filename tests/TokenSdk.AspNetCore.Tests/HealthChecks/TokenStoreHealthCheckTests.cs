using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using TokenSdk.AspNetCore.HealthChecks;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.Tests.HealthChecks;

public sealed class TokenStoreHealthCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckHealth_StoreAnswers_Healthy()
    {
        var check = new TokenStoreHealthCheck(new InMemoryTokenStore());

        HealthCheckResult result = await check.CheckHealthAsync(Context(), Ct);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealth_StoreThrows_FailureStatusWithTypeOnly()
    {
        ITokenStore store = Substitute.For<ITokenStore>();
        store.ListAsync(Arg.Any<TokenListQuery>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new TokenStoreException("/secret/path/tokens.log is locked"));
        var check = new TokenStoreHealthCheck(store);

        HealthCheckResult result = await check.CheckHealthAsync(Context(HealthStatus.Degraded), Ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains(nameof(TokenStoreException), result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("/secret/path", result.Description, StringComparison.Ordinal);
        Assert.Null(result.Exception);
    }

    [Fact]
    public async Task HealthEndpoint_InMemoryStore_ReportsHealthy()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task HealthEndpoint_StoreFails_Reports503()
    {
        ITokenStore store = Substitute.For<ITokenStore>();
        store.ListAsync(Arg.Any<TokenListQuery>(), Arg.Any<CancellationToken>()).ThrowsAsync(new IOException("disk"));
        await using TestApp app = await TestApp.StartAsync(configureServices: s => s.AddSingleton(store));

        using HttpResponseMessage response = await app.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync(Ct));
    }

    private static HealthCheckContext Context(HealthStatus failureStatus = HealthStatus.Unhealthy) => new()
    {
        Registration = new HealthCheckRegistration("tokensdk-store", Substitute.For<IHealthCheck>(), failureStatus, null),
    };
}
