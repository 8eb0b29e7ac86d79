using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// A host whose management API also answers a cookie session (as the token management page's host does), with a
/// test sign-in, an endpoint handing out antiforgery tokens, and a header scheme ("ApiKey") that may be exempted.
/// A client that keeps the cookies it is given, as a browser does.
/// </summary>
internal sealed class BrowserSessionHost : IAsyncDisposable
{
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKey = "test-api-key";

    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    private BrowserSessionHost(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
        Manager = app.Services.GetRequiredService<ITokenManager>();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public ITokenManager Manager { get; }

    public static async Task<BrowserSessionHost> StartAsync(bool exemptApiKey = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddTokenSdk().AddInMemoryStore();
        builder.Services.AddAuthentication()
            .AddApplicationTokens()
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery();
        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/test/signin/{role}", async (HttpContext context, string role) =>
        {
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, "paula"), new Claim(ClaimTypes.Role, role)],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Ok();
        });
        app.MapGet("/test/antiforgery", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            // As the page does: the user is the cookie session's.
            AuthenticateResult session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (session.Succeeded)
            {
                context.User = session.Principal!;
            }

            AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(context);
            return Results.Json(new { header = tokens.HeaderName, token = tokens.RequestToken });
        });
        app.MapTokenManagement(configure: options =>
        {
            options.AuthenticationSchemes.Add(CookieAuthenticationDefaults.AuthenticationScheme);
            options.AuthenticationSchemes.Add(ApiKeyScheme);
            if (exemptApiKey)
            {
                options.AntiforgeryExemptSchemes.Add(ApiKeyScheme);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new BrowserSessionHost(app);
    }

    /// <summary>Starts a cookie session holding <paramref name="role"/>.</summary>
    public async Task SignInAsync(Role role) => (await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/test/signin/{role.Id}"))).EnsureSuccessStatusCode();

    /// <summary>Gets an antiforgery header name and request token for the current session (and its cookie).</summary>
    public async Task<(string Header, string Token)> AntiforgeryAsync()
    {
        HttpResponseMessage response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/test/antiforgery"));
        response.EnsureSuccessStatusCode();
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (json.RootElement.GetProperty("header").GetString()!, json.RootElement.GetProperty("token").GetString()!);
    }

    public Task<GeneratedToken> GenerateAsync(Role role) =>
        Manager.GenerateAsync(new TokenCaller("setup", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]), role.Id, null, TestContext.Current.CancellationToken)
            .ContinueWith(t => t.Result.GetValueOrThrow(), TaskScheduler.Default);

    public static HttpRequestMessage Json(HttpMethod method, string path, string json, string contentType = "application/json") =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)) };

    /// <summary>Sends with the cookies received so far, and keeps the ones the response sets.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        HttpResponseMessage response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out IEnumerable<string>? setCookies))
        {
            foreach (string setCookie in setCookies)
            {
                string pair = setCookie.Split(';')[0];
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                _cookies[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return response;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }

    /// <summary>A header scheme: <c>X-Api-Key: test-api-key</c> is an Organization Administrator.</summary>
    private sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-Api-Key"] != ApiKey)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, "api-key"), new Claim(ClaimTypes.Role, DefaultRoles.OrganizationAdministrator.Id)], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
