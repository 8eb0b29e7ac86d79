using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Ui.Tests.TestSupport;

/// <summary>
/// A host as a real application would write it: cookie sign-in for people (with a test sign-in endpoint), application
/// tokens for programs, the in-memory store, the management API accepting both, and the management page. On the
/// in-process TestServer, or on Kestrel at 127.0.0.1 for a browser.
/// </summary>
internal sealed class PageTestApp : IAsyncDisposable
{
    public const string PagePath = "/settings/tokens";

    /// <summary>A custom role that may only read tokens.</summary>
    public const string TokenViewerRoleId = "token-viewer";

    /// <summary>A custom role scoped to one database, with a host-declared permission.</summary>
    public const string OrdersReaderRoleId = "orders-reader";

    /// <summary>The host's own permission, declared to TokenSdk.</summary>
    public const string ReportsPermission = "reports-export";

    /// <summary>Who can sign in (<c>/test/signin?as=NAME</c>) and with which role.</summary>
    public static IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["admin"] = DefaultRoles.OrganizationAdministrator.Id,
        ["dba"] = DefaultRoles.DatabaseAdministrator.Id,
        ["reader"] = TokenViewerRoleId,
        ["nobody"] = DefaultRoles.ReadOnlyUser.Id,
    };

    private PageTestApp(WebApplication app, HttpClient client, Uri baseAddress)
    {
        App = app;
        Client = client;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    /// <summary>A client without cookies; see <see cref="SignInAsync"/>.</summary>
    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    public ITokenManager Manager => App.Services.GetRequiredService<ITokenManager>();

    public ITokenVerifier Verifier => App.Services.GetRequiredService<ITokenVerifier>();

    public IRoleCatalog Roles => App.Services.GetRequiredService<IRoleCatalog>();

    public static async Task<PageTestApp> StartAsync(
        bool kestrel = false,
        Action<TokenManagementPageOptions>? configurePage = null,
        bool addAntiforgery = true,
        Action<TokenSdkOptions>? configureTokenSdk = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Services.AddTokenSdk(o =>
            {
                o.CustomPermissions.Add(ReportsPermission);
                configureTokenSdk?.Invoke(o);
            })
            .AddInMemoryStore()
            .AddCustomRole(r =>
            {
                r.Id = TokenViewerRoleId;
                r.Name = "Token Viewer";
                r.Description = "Sees the organization's tokens; changes nothing.";
                r.Permissions.Add(Permissions.OrgTokenRead);
            })
            .AddCustomRole(r =>
            {
                r.Id = OrdersReaderRoleId;
                r.Name = "Orders Reader";
                r.Description = "Reads the tables of database orders, and exports reports.";
                r.Permissions.Add(Permissions.DbTableSelect);
                r.Permissions.Add(ReportsPermission);
                r.Resources.Add("drn:astra:org:*:db:orders");
            });
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.LoginPath = "/test/login")
            .AddApplicationTokens();
        builder.Services.AddAuthorization();
        if (addAntiforgery)
        {
            builder.Services.AddTokenManagementPage();
        }

        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/test/login", () => Results.Text("The host's login page."));
        app.MapGet("/test/signin", SignInHandler);
        app.MapTokenManagement("/v2", o => o.AuthenticationSchemes.Add(CookieAuthenticationDefaults.AuthenticationScheme));
        app.MapTokenManagementPage(PagePath, configurePage);

        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        if (kestrel)
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            return new PageTestApp(app, new HttpClient { BaseAddress = address }, address);
        }

        HttpClient client = app.GetTestClient();
        return new PageTestApp(app, client, client.BaseAddress!);
    }

    // /test/signin?as=admin&org=acme&returnUrl=/settings/tokens: signs in with the user's role in the organization.
    private static async Task<IResult> SignInHandler(HttpContext context, string @as, string? org, string? returnUrl)
    {
        if (!Users.TryGetValue(@as, out string? role))
        {
            return Results.BadRequest();
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, $"{@as}@example.test"),
                new Claim(ClaimTypes.Name, $"{@as}@example.test"),
                new Claim(ClaimTypes.Role, role),
                new Claim(TokenClaimTypes.OrganizationId, org ?? TokenSdkOptions.DefaultOrganization),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl ?? PagePath);
    }

    /// <summary>A caller of <paramref name="organization"/> acting outside HTTP, as an administrator.</summary>
    public static TokenCaller AdminOf(string organization) => new("test-setup", organization, [DefaultRoles.OrganizationAdministrator]);

    public async Task<GeneratedToken> GenerateAsync(string organization, string roleId, string? description = null) =>
        (await Manager.GenerateAsync(AdminOf(organization), roleId, new TokenGenerateOptions { Description = description },
            TestContext.Current.CancellationToken)).GetValueOrThrow();

    /// <summary>Signs <paramref name="user"/> in through the test endpoint and returns the session cookie for requests.</summary>
    public async Task<string> SignInAsync(string user, string? organization = null)
    {
        string query = $"/test/signin?as={user}" + (organization is null ? "" : $"&org={Uri.EscapeDataString(organization)}");
        using HttpResponseMessage response = await Client.GetAsync(query, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        string setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
