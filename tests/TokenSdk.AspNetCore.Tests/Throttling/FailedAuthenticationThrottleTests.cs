using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TokenSdk.AspNetCore.Tests.Authentication;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.AspNetCore.Throttling;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Tests.Throttling;

public sealed class FailedAuthenticationThrottleTests
{
    private const string AddressA = "203.0.113.7";
    private const string AddressB = "198.51.100.20";

    [Fact]
    public async Task Authenticate_ThrottledOnManagementRoute_Answers429WithErrorsMember()
    {
        await using TestApp app = await StartAsync(permitLimit: 1);
        HttpStatusCode failure = await StatusAsync(app, AddressA, "bad-1");
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/v2/currentOrg");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer bad-2");
        request.From(AddressA);

        using HttpResponseMessage throttled = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, failure);
        await AstraHttp.AssertErrorAsync(throttled, HttpStatusCode.TooManyRequests, 42900);
        Assert.NotNull(throttled.Headers.RetryAfter);
    }

    [Fact]
    public async Task Authenticate_AfterPermitLimitFailures_Answers429WithRetryAfter()
    {
        await using TestApp app = await StartAsync(permitLimit: 3);

        HttpStatusCode[] failures = [await StatusAsync(app, AddressA, "bad-1"), await StatusAsync(app, AddressA, "bad-2"), await StatusAsync(app, AddressA, "bad-3")];
        using HttpResponseMessage throttled = await SendAsync(app, AddressA, "bad-4");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], failures);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), throttled.Headers.RetryAfter?.Delta);
        Assert.Empty(throttled.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Authenticate_ThrottledAddress_ValidTokenIsRefusedWithoutVerification()
    {
        ITokenVerifier spy = Substitute.For<ITokenVerifier>();
        await using TestApp app = await StartAsync(permitLimit: 2, services => SpyOnVerifier(services, spy));
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await StatusAsync(app, AddressA, ApplicationTokenHandlerTests.TokenWithOtherSecret(token));
        await StatusAsync(app, AddressA, ApplicationTokenHandlerTests.TokenWithOtherSecret(token));

        HttpStatusCode status = await StatusAsync(app, AddressA, token.Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        await spy.ReceivedWithAnyArgs(2).VerifyAsync(default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Authenticate_OtherAddress_IsNotAffected()
    {
        await using TestApp app = await StartAsync(permitLimit: 2);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await StatusAsync(app, AddressA, "bad-1");
        await StatusAsync(app, AddressA, "bad-2");

        HttpStatusCode throttledA = await StatusAsync(app, AddressA, token.Token);
        HttpStatusCode validB = await StatusAsync(app, AddressB, token.Token);
        HttpStatusCode failedB = await StatusAsync(app, AddressB, "bad-3");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttledA);
        Assert.Equal(HttpStatusCode.OK, validB);
        Assert.Equal(HttpStatusCode.Unauthorized, failedB);
    }

    [Fact]
    public async Task Authenticate_SuccessfulAuthentications_DoNotCount()
    {
        await using TestApp app = await StartAsync(permitLimit: 2);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 5; i++)
        {
            statuses.Add(await StatusAsync(app, AddressA, token.Token));
        }

        statuses.Add(await StatusAsync(app, AddressA, "bad-1"));
        statuses.Add(await StatusAsync(app, AddressA, "bad-2"));
        statuses.Add(await StatusAsync(app, AddressA, "bad-3"));

        Assert.Equal(
            [.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            statuses);
    }

    [Fact]
    public async Task Authenticate_RequestsWithoutCredential_DoNotCount()
    {
        await using TestApp app = await StartAsync(permitLimit: 1);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        HttpStatusCode[] anonymous = [await StatusAsync(app, AddressA, null), await StatusAsync(app, AddressA, null), await StatusAsync(app, AddressA, null)];
        HttpStatusCode valid = await StatusAsync(app, AddressA, token.Token);

        Assert.All(anonymous, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.OK, valid);
    }

    [Fact]
    public async Task Authenticate_NotAdded_NeverThrottles()
    {
        await using TestApp app = await TestApp.StartAsync(configureServices: services => services.AddClientAddressFromHeader());

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 15; i++)
        {
            statuses.Add(await StatusAsync(app, AddressA, "bad"));
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task Authenticate_Throttled_IsCountedInMetricsAndSummary()
    {
        var time = new FakeTimeProvider();
        await using TestApp app = await StartAsync(permitLimit: 1, services => services.AddSingleton<TimeProvider>(time));
        using MetricCollector<long> collector = Authentication.AuthenticationMetricsTests.Authentications(app);

        await StatusAsync(app, AddressA, "bad-1");
        await StatusAsync(app, AddressA, "bad-2");
        await StatusAsync(app, AddressA, "bad-3");
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Contains(collector.GetMeasurementSnapshot(), m => m.MatchesTags(
            new KeyValuePair<string, object?>("error.type", "throttled"),
            new KeyValuePair<string, object?>("tokensdk.authentication.source", "bearer")));
        FakeLogRecord summary = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 5003);
        Assert.EndsWith("malformed 1, throttled 2.", summary.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 60, "PermitLimit")]
    [InlineData(5, 0, "Window")]
    [InlineData(5, 2 * 86_400, "Window")]
    public async Task Start_InvalidOptions_FailsNamingTheOption(int permitLimit, int windowSeconds, string option)
    {
        Task<TestApp> start = TestApp.StartAsync(configureServices: services => services.AddAuthentication()
            .AddApplicationTokenThrottling(o =>
            {
                o.PermitLimit = permitLimit;
                o.Window = TimeSpan.FromSeconds(windowSeconds);
            }));

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => start);
        Assert.Contains("ApplicationTokenThrottlingOptions." + option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        string? error = ApplicationTokenThrottlingOptionsValidator.Check(new ApplicationTokenThrottlingOptions());

        Assert.Null(error);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]   // one /64: one host
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.1", "::ffff:192.0.2.1", true)]                     // IPv4 and IPv4-mapped IPv6
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    [InlineData("0.0.0.1", "::1", false)]
    public void TryGetPartitionKey_Addresses_ShareAPartitionOnlyForOneClient(string first, string second, bool same)
    {
        Assert.True(FailedAuthenticationThrottle.TryGetPartitionKey(IPAddress.Parse(first), out UInt128 firstKey));
        Assert.True(FailedAuthenticationThrottle.TryGetPartitionKey(IPAddress.Parse(second), out UInt128 secondKey));

        Assert.Equal(same, firstKey == secondKey);
    }

    [Fact]
    public async Task Authenticate_NoClientAddress_IsNeverThrottled()
    {
        await using TestApp app = await StartAsync(permitLimit: 1);

        HttpStatusCode[] statuses = [await StatusAsync(app, null, "bad-1"), await StatusAsync(app, null, "bad-2"), await StatusAsync(app, null, "bad-3")];

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    private static Task<TestApp> StartAsync(int permitLimit, Action<IServiceCollection>? configureServices = null) =>
        TestApp.StartAsync(configureServices: services =>
        {
            services.AddClientAddressFromHeader();
            services.AddAuthentication().AddApplicationTokenThrottling(o =>
            {
                o.PermitLimit = permitLimit;
                o.Window = TimeSpan.FromHours(1);
            });
            configureServices?.Invoke(services);
        });

    /// <summary>Puts <paramref name="spy"/> in front of the real verifier, forwarding every call to it.</summary>
    private static void SpyOnVerifier(IServiceCollection services, ITokenVerifier spy)
    {
        ServiceDescriptor real = services.Last(d => d.ServiceType == typeof(ITokenVerifier));
        services.AddSingleton(sp =>
        {
            var inner = (ITokenVerifier)real.ImplementationFactory!(sp);
            spy.VerifyAsync(default!, default).ReturnsForAnyArgs(call => inner.VerifyAsync(call.ArgAt<string>(0), call.ArgAt<CancellationToken>(1)));
            return spy;
        });
    }

    private static async Task<HttpStatusCode> StatusAsync(TestApp app, string? address, string? bearer)
    {
        using HttpResponseMessage response = await SendAsync(app, address, bearer);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string? address, string? bearer)
    {
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me");
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }

        if (address is not null)
        {
            request.From(address);
        }

        return await app.SendAsync(request);
    }
}
