using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Tests.Authentication;

public sealed class ApplicationTokenEventsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ValidToken_RaisesMessageReceivedThenTokenValidated_WithPrincipalAndVerificationResult()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["MessageReceived", "TokenValidated"], events.Names);
        ApplicationTokenMessageReceivedContext received = events.Single<ApplicationTokenMessageReceivedContext>();
        Assert.Null(received.Token); // the handler never puts the request's credential there
        Assert.Equal(ApplicationTokenDefaults.AuthenticationScheme, received.Scheme.Name);
        ApplicationTokenValidatedContext validated = events.Single<ApplicationTokenValidatedContext>();
        Assert.Equal(token.ClientId, validated.Principal!.FindFirstValue(TokenClaimTypes.ClientId));
        Assert.Equal(VerificationStatus.Valid, validated.VerificationResult.Status);
        Assert.Equal(token.ClientId, validated.VerificationResult.ClientId);
        Assert.Equal([DefaultRoles.ReadOnlyUser.Id], validated.VerificationResult.Roles.Select(r => r.Id));
        Assert.True(events.TokenValidatedSawNoResult); // the handler decides after the event
    }

    [Fact]
    public async Task TokenValidated_HostAddsClaim_EndpointSeesIt()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.Events.OnTokenValidated = context =>
        {
            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim(ClaimTypes.Role, "host-added"));
            return Task.CompletedTask;
        });
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/claims", token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"roles\":[\"read-only-user\",\"host-added\"]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenValidated_HostFails_Answers401AndRaisesNoAuthenticationFailed()
    {
        var events = new RecordingEvents { OnTokenValidated = context =>
        {
            context.Fail("This client is suspended.");
            return Task.CompletedTask;
        } };
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(["MessageReceived", "TokenValidated", "Challenge"], events.Names);
        Assert.Equal("This client is suspended.", events.Single<ApplicationTokenChallengeContext>().AuthenticateFailure?.Message);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Name == "AuthenticationSucceeded");
    }

    [Fact]
    public async Task TokenValidated_HostFails_IsCountedAsRejectedAndNotChargedToTheAddress()
    {
        await using TestApp app = await TestApp.StartAsync(
            o => o.Events.OnTokenValidated = context =>
            {
                context.Fail("Refused by the host.");
                return Task.CompletedTask;
            },
            configureServices: services =>
            {
                services.AddClientAddressFromHeader();
                services.AddAuthentication().AddApplicationTokenThrottling(o =>
                {
                    o.PermitLimit = 1;
                    o.Window = TimeSpan.FromHours(1);
                });
            });
        using MetricCollector<long> collector = AuthenticationMetricsTests.Authentications(app);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me");
            request.Headers.TryAddWithoutValidation(ApplicationTokenDefaults.TokenHeaderName, token.Token);
            request.From("198.51.100.77");
            using HttpResponseMessage response = await app.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses); // never 429
        Assert.Contains(collector.GetMeasurementSnapshot(), m => m.MatchesTags(
            new KeyValuePair<string, object?>("error.type", "rejected"),
            new KeyValuePair<string, object?>("tokensdk.authentication.source", "token")));
    }

    [Fact]
    public async Task BadToken_RaisesAuthenticationFailedWithStatusReasonAndSource_ThenChallenge()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", ApplicationTokenHandlerTests.TokenWithOtherSecret(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["MessageReceived", "AuthenticationFailed", "Challenge"], events.Names);
        ApplicationTokenAuthenticationFailedContext failed = events.Single<ApplicationTokenAuthenticationFailedContext>();
        Assert.Equal(VerificationStatus.Mismatch, failed.Status);
        Assert.Equal("mismatch", failed.Reason);
        Assert.Equal("bearer", failed.CredentialSource);
        Assert.Null(failed.RetryAfter);
        Assert.IsType<AuthenticationFailureException>(failed.Exception);
        Assert.Same(failed.Exception, events.Single<ApplicationTokenChallengeContext>().AuthenticateFailure);
    }

    [Fact]
    public async Task MalformedToken_RaisesAuthenticationFailedWithMalformed()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me");
        request.Headers.TryAddWithoutValidation(ApplicationTokenDefaults.CassandraTokenHeaderName, "not-a-token");

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        ApplicationTokenAuthenticationFailedContext failed = events.Single<ApplicationTokenAuthenticationFailedContext>();
        Assert.Equal(VerificationStatus.Malformed, failed.Status);
        Assert.Equal("malformed", failed.Reason);
        Assert.Equal("x-cassandra-token", failed.CredentialSource);
    }

    [Fact]
    public async Task AuthenticationFailed_ExposesNeitherTheTokenNorTheSecret()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(o => { o.Events = events; o.AcceptBasic = true; });
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        string wrongToken = ApplicationTokenHandlerTests.TokenWithOtherSecret(token);
        const string WrongSecret = "a-wrong-secret-that-must-not-leak";

        using HttpResponseMessage byToken = await app.GetAsync("/me", wrongToken);
        using HttpRequestMessage basic = TestApp.Request(HttpMethod.Get, "/me");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.ClientId}:{WrongSecret}")));
        using HttpResponseMessage bySecret = await app.SendAsync(basic);

        // What the context declares, beyond the request itself: why, never what was presented.
        Assert.Equal(
            ["CredentialSource", "Exception", "Reason", "RetryAfter", "Status"],
            typeof(ApplicationTokenAuthenticationFailedContext).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(p => p.Name).Order(StringComparer.Ordinal));
        ApplicationTokenAuthenticationFailedContext[] failures = [.. events.All<ApplicationTokenAuthenticationFailedContext>()];
        Assert.Equal(["bearer", "basic"], failures.Select(f => f.CredentialSource));
        foreach (ApplicationTokenAuthenticationFailedContext failed in failures)
        {
            string shown = string.Join('\n', failed.Exception.ToString(), failed.Reason, failed.CredentialSource, failed.Status, failed.Principal?.Identity?.Name, failed.Properties.Items.Count);
            foreach (string secret in new[] { wrongToken, WrongSecret, token.Token, token.Secret })
            {
                Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
            }

            Assert.Equal(VerificationStatus.Mismatch, failed.Status);
            Assert.Equal("The application token is not valid.", failed.Exception.Message);
        }
    }

    [Fact]
    public async Task MissingToken_RaisesMessageReceivedAndChallengeWithoutFailure()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);

        using HttpResponseMessage response = await app.GetAsync("/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["MessageReceived", "Challenge"], events.Names);
        ApplicationTokenChallengeContext challenge = events.Single<ApplicationTokenChallengeContext>();
        Assert.Null(challenge.AuthenticateFailure);
        Assert.False(challenge.Handled);
    }

    [Fact]
    public async Task Challenge_HandleResponse_WritesTheHostsBodyInstead()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.Events.OnChallenge = async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":\"token required\"}", context.HttpContext.RequestAborted);
        });

        using HttpResponseMessage response = await app.GetAsync("/me", "tsdk_not-a-real-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Equal("{\"error\":\"token required\"}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Forbidden_RaisedWith403ForAnAuthenticatedCallerWithoutThePermission()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/billing", token.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["MessageReceived", "TokenValidated", "Forbidden"], events.Names);
        ApplicationTokenForbiddenContext forbidden = events.Single<ApplicationTokenForbiddenContext>();
        Assert.Equal(StatusCodes.Status403Forbidden, events.StatusAtForbidden);
        Assert.Equal(token.ClientId, events.UserAtForbidden);
        Assert.Equal(ApplicationTokenDefaults.AuthenticationScheme, forbidden.Scheme.Name);
    }

    [Fact]
    public async Task MessageReceived_SuppliesTokenFromElsewhere_Authenticates()
    {
        // A WebSocket client cannot send headers: the host reads its own query parameter.
        await using TestApp app = await TestApp.StartAsync(o => o.Events.OnMessageReceived = context =>
        {
            context.Token = context.Request.Query["access_token"];
            return Task.CompletedTask;
        });
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me?access_token=" + Uri.EscapeDataString(token.Token));
        using HttpResponseMessage withoutEvent = await app.GetAsync("/me?token=" + Uri.EscapeDataString(token.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"ApplicationToken|{token.ClientId}|", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutEvent.StatusCode); // AcceptQueryString is still off
    }

    [Fact]
    public async Task MessageReceived_SuppliedBadToken_FailsWithSourceEvent()
    {
        var events = new RecordingEvents { OnMessageReceived = context =>
        {
            context.Token = "tsdk_not-a-real-token";
            return Task.CompletedTask;
        } };
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);

        using HttpResponseMessage response = await app.GetAsync("/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("event", events.Single<ApplicationTokenAuthenticationFailedContext>().CredentialSource);
    }

    [Fact]
    public async Task MessageReceived_NoResult_SkipsTheHandler()
    {
        var events = new RecordingEvents { OnMessageReceived = context =>
        {
            context.NoResult();
            return Task.CompletedTask;
        } };
        await using TestApp app = await TestApp.StartAsync(o => o.Events = events);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["MessageReceived", "Challenge"], events.Names);
    }

    [Fact]
    public async Task EventsType_IsResolvedFromDependencyInjectionPerRequest()
    {
        var log = new EventLog();
        await using TestApp app = await TestApp.StartAsync(
            o => o.EventsType = typeof(ClaimAddingEvents),
            configureServices: services =>
            {
                services.AddSingleton(log);
                services.AddScoped<ClaimAddingEvents>();
            });
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage first = await app.GetAsync("/claims", token.Token);
        using HttpResponseMessage second = await app.GetAsync("/claims", token.Token);

        Assert.Contains("\"from-di\"", await first.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, log.Instances.Distinct().Count()); // scoped: one instance per request
    }

    [Fact]
    public async Task VerificationThrows_AuthenticationFailedSeesTheExceptionAndMayDecide()
    {
        ITokenVerifier verifier = Substitute.For<ITokenVerifier>();
        verifier.VerifyAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new TokenStoreException("The store is unavailable."));
        ApplicationTokenAuthenticationFailedContext? seen = null;
        await using TestApp app = await TestApp.StartAsync(
            o => o.Events.OnAuthenticationFailed = context =>
            {
                seen = context;
                context.Fail(context.Exception);
                return Task.CompletedTask;
            },
            configureServices: services => services.Replace(ServiceDescriptor.Singleton(verifier)));

        using HttpResponseMessage response = await app.GetAsync("/me", "tsdk_anything");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotNull(seen);
        Assert.IsType<TokenStoreException>(seen.Exception);
        Assert.Equal(VerificationStatus.None, seen.Status);
        Assert.Equal("error", seen.Reason);
        Assert.Equal("bearer", seen.CredentialSource);
    }

    [Fact]
    public async Task ThrottledAddress_AuthenticationFailedAndChallengeCarryRetryAfter()
    {
        var events = new RecordingEvents();
        await using TestApp app = await TestApp.StartAsync(
            o => o.Events = events,
            configureServices: services =>
            {
                services.AddClientAddressFromHeader();
                services.AddAuthentication().AddApplicationTokenThrottling(o =>
                {
                    o.PermitLimit = 1;
                    o.Window = TimeSpan.FromHours(1);
                });
            });

        for (int i = 0; i < 2; i++)
        {
            using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me", "tsdk_bad");
            request.From("203.0.113.9");
            using HttpResponseMessage response = await app.SendAsync(request);
            Assert.Equal(i == 0 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, response.StatusCode);
        }

        ApplicationTokenAuthenticationFailedContext throttled = events.All<ApplicationTokenAuthenticationFailedContext>().Last();
        Assert.Equal("throttled", throttled.Reason);
        Assert.Equal(VerificationStatus.None, throttled.Status);
        Assert.Equal(TimeSpan.FromHours(1), throttled.RetryAfter);
        Assert.Equal(TimeSpan.FromHours(1), events.All<ApplicationTokenChallengeContext>().Last().RetryAfter);
    }

    /// <summary>Records every context it is given, in order.</summary>
    private sealed class RecordingEvents : ApplicationTokenEvents
    {
        private readonly ConcurrentQueue<(string Name, object Context)> _raised = new();

        public string[] Names => [.. _raised.Select(r => r.Name)];

        public IEnumerable<T> All<T>() => _raised.Select(r => r.Context).OfType<T>();

        public T Single<T>() => Assert.Single(All<T>());

        public override Task MessageReceived(ApplicationTokenMessageReceivedContext context) => Record("MessageReceived", context, base.MessageReceived);

        public bool TokenValidatedSawNoResult { get; private set; }

        public int? StatusAtForbidden { get; private set; }

        public string? UserAtForbidden { get; private set; }

        public override Task TokenValidated(ApplicationTokenValidatedContext context)
        {
            TokenValidatedSawNoResult = context.Result is null;
            return Record("TokenValidated", context, base.TokenValidated);
        }

        public override Task AuthenticationFailed(ApplicationTokenAuthenticationFailedContext context) => Record("AuthenticationFailed", context, base.AuthenticationFailed);

        public override Task Challenge(ApplicationTokenChallengeContext context) => Record("Challenge", context, base.Challenge);

        public override Task Forbidden(ApplicationTokenForbiddenContext context)
        {
            // Read now: the request's features are gone once it completes.
            StatusAtForbidden = context.Response.StatusCode;
            UserAtForbidden = context.HttpContext.User.FindFirstValue(TokenClaimTypes.ClientId);
            return Record("Forbidden", context, base.Forbidden);
        }

        private Task Record<T>(string name, T context, Func<T, Task> next)
            where T : notnull
        {
            _raised.Enqueue((name, context));
            return next(context);
        }
    }

    public sealed class EventLog
    {
        public ConcurrentBag<object> Instances { get; } = [];
    }

    /// <summary>Events as a host writes them to use its services: registered in DI, named by EventsType.</summary>
    public sealed class ClaimAddingEvents(EventLog log) : ApplicationTokenEvents
    {
        public override Task TokenValidated(ApplicationTokenValidatedContext context)
        {
            log.Instances.Add(this);
            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim(ClaimTypes.Role, "from-di"));
            return Task.CompletedTask;
        }
    }
}
