using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.AspNetCore.Diagnostics;
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
        var check = new TokenStoreHealthCheck(new InMemoryTokenStore(), new StoreOutageLog("test"));

        HealthCheckResult result = await check.CheckHealthAsync(Context(), Ct);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealth_StoreThrows_FailureStatusWithTypeOnly()
    {
        ITokenStore store = Substitute.For<ITokenStore>();
        store.ListAsync(Arg.Any<TokenListQuery>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new TokenStoreException("/secret/path/tokens.log is locked"));
        var check = new TokenStoreHealthCheck(store, new StoreOutageLog("test"));

        HealthCheckResult result = await check.CheckHealthAsync(Context(HealthStatus.Degraded), Ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains(nameof(TokenStoreException), result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("/secret/path", result.Description, StringComparison.Ordinal);
        Assert.Null(result.Exception);
    }

    [Fact]
    public async Task CheckHealth_StoreCannotWrite_FailureStatusWithoutTheProblemLoggedOncePerOutage()
    {
        // Arrange: a store that can read (listing answers) but reports it cannot write three times, then recovers.
        ITokenStore store = Substitute.For<ITokenStore, ITokenStoreHealth>();
        ((ITokenStoreHealth)store).CheckHealthAsync(Arg.Any<CancellationToken>()).Returns(
            TokenStoreHealth.CannotWrite("/secret/path: the disk is full"),
            TokenStoreHealth.CannotWrite("/secret/path: the disk is full"),
            TokenStoreHealth.CannotWrite("/secret/path: the disk is full"),
            TokenStoreHealth.Healthy);
        var logger = new FakeLogger<TokenStoreHealthCheck>();
        var check = new TokenStoreHealthCheck(store, new StoreOutageLog("health check"), logger);

        // Act
        HealthCheckResult[] results = [
            await check.CheckHealthAsync(Context(), Ct),
            await check.CheckHealthAsync(Context(), Ct),
            await check.CheckHealthAsync(Context(), Ct),
            await check.CheckHealthAsync(Context(), Ct),
        ];

        // Assert
        Assert.All(results[..3], r => Assert.Equal(HealthStatus.Unhealthy, r.Status));
        Assert.All(results[..3], r => Assert.DoesNotContain("/secret/path", r.Description, StringComparison.Ordinal));
        Assert.Equal(HealthStatus.Healthy, results[3].Status);
        IReadOnlyList<FakeLogRecord> logs = logger.Collector.GetSnapshot();
        FakeLogRecord outage = Assert.Single(logs, r => r.Id.Name == "StoreUnavailable");
        Assert.Equal(LogLevel.Error, outage.Level);
        Assert.Contains("the disk is full", outage.Message, StringComparison.Ordinal);
        Assert.Single(logs, r => r.Id.Name == "StoreAvailableAgain");
    }

    [Fact]
    public async Task CheckHealth_StoreDegraded_DegradedWithTheReplicaAgeAndNoProblemText()
    {
        ITokenStore store = Substitute.For<ITokenStore, ITokenStoreHealth>();
        ((ITokenStoreHealth)store).CheckHealthAsync(Arg.Any<CancellationToken>())
            .Returns(TokenStoreHealth.Degraded("db.internal:5432 refused the connection", TimeSpan.FromSeconds(42)));
        var check = new TokenStoreHealthCheck(store, new StoreOutageLog("health check"));

        HealthCheckResult result = await check.CheckHealthAsync(Context(), Ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("42 s", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("db.internal", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultTokenStoreHealth_IsNotHealthy()
    {
        Assert.False(default(TokenStoreHealth).CanWrite);
        Assert.Equal(TokenStoreHealthStatus.Unhealthy, default(TokenStoreHealth).Status);
        Assert.Equal(TokenStoreHealthStatus.Unhealthy, TokenStoreHealth.FailedClosed("old", TimeSpan.FromMinutes(5)).Status);
        Assert.True(TokenStoreHealth.Healthy.CanWrite);
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
