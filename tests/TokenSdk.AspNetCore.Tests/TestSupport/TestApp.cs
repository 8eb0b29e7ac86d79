using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.TestSupport;

/// <summary>
/// A web application as a host would write it (in-memory store, application tokens, permission policies, the
/// management API, the store health check) on the in-process TestServer, or on real Kestrel at 127.0.0.1.
/// Every log is captured by a FakeLogger.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    /// <summary>A custom role that may read tables of database <c>orders</c> only.</summary>
    public const string OrdersReaderRoleId = "orders-reader";

    /// <summary>A custom role that may read tables of database <c>inventory</c> only.</summary>
    public const string InventoryReaderRoleId = "inventory-reader";

    private TestApp(WebApplication app, FakeLogCollector logs, HttpClient client)
    {
        App = app;
        Logs = logs;
        Client = client;
        Manager = app.Services.GetRequiredService<ITokenManager>();
    }

    public WebApplication App { get; }

    public FakeLogCollector Logs { get; }

    public HttpClient Client { get; }

    public ITokenManager Manager { get; }

    /// <summary>Whoever sets the test up: an Organization Administrator of the default organization.</summary>
    public static TokenCaller Admin { get; } = new("test-admin", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);

    public static async Task<TestApp> StartAsync(
        Action<ApplicationTokenOptions>? configureAuthentication = null,
        bool kestrel = false,
        Action<IServiceCollection>? configureServices = null,
        string managementPrefix = "/v2")
    {
        var logs = new FakeLogCollector();
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
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));

        builder.Services.AddTokenSdk()
            .AddInMemoryStore()
            .AddCustomRole(r =>
            {
                r.Id = OrdersReaderRoleId;
                r.Name = "Orders Reader";
                r.Permissions.Add(Permissions.DbTableSelect);
                r.Resources.Add("drn:astra:org:default:db:orders");
            })
            .AddCustomRole(r =>
            {
                r.Id = InventoryReaderRoleId;
                r.Name = "Inventory Reader";
                r.Permissions.Add(Permissions.DbTableSelect);
                r.Resources.Add("drn:astra:org:default:db:inventory");
            });
        builder.Services.AddAuthentication().AddApplicationTokens(configureAuthentication);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("cql", policy => policy.RequirePermission(Permissions.DbCql));
        builder.Services.AddHealthChecks().AddTokenStoreCheck();
        builder.Services.AddControllers().AddApplicationPart(typeof(TestApp).Assembly);
        configureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/anonymous", () => "hello");
        app.MapGet("/me", (ClaimsPrincipal user) => string.Join('|',
            user.Identity!.AuthenticationType,
            user.Identity.Name,
            user.FindFirstValue(TokenClaimTypes.OrganizationId),
            user.FindFirstValue(ClaimTypes.Role),
            user.FindAll(TokenClaimTypes.Permission).Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
            user.IsInRole(DefaultRoles.ReadOnlyUser.Id) ? "read-only" : "other"))
            .RequireAuthorization();
        app.MapGet("/claims", (ClaimsPrincipal user) => Results.Json(new
        {
            roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(),
            permissions = user.FindAll(TokenClaimTypes.Permission).Select(c => c.Value).ToArray(),
        })).RequireAuthorization();
        app.MapGet("/data", () => "data").RequirePermission(Permissions.DbCql);
        app.MapGet("/policy", () => "policy").RequireAuthorization("cql");
        app.MapGet("/billing", [RequirePermission(Permissions.OrgBillingWrite)] () => "billing");
        app.MapGet("/orders", () => "orders").RequirePermission(Permissions.DbTableSelect, "drn:astra:org:*:db:orders");
        app.MapGet("/orders/{db}", async (string db, ClaimsPrincipal user, IAuthorizationService authorization) =>
        {
            AuthorizationResult result = await authorization.AuthorizeAsync(
                user, ResourceScope.ForDatabase(user.FindFirstValue(TokenClaimTypes.OrganizationId)!, db), new PermissionRequirement(Permissions.DbTableSelect));
            return result.Succeeded ? Results.Text(db) : Results.Forbid();
        }).RequireAuthorization();
        // What a real Astra client calls besides the token routes: a Data API route (astra-db-ts sends `Token`) and the
        // DevOps API's database listing (its admin client sends `Authorization: Bearer`).
        app.MapPost("/api/json/v1/{keyspace}", () => Results.Json(new { status = new { collections = new[] { "orders" } } })).RequirePermission(Permissions.DbCql);
        app.MapGet("/v2/databases", () => Results.Json(Array.Empty<object>())).RequirePermission(Permissions.OrgDbView);
        app.MapTokenManagement(managementPrefix);
        app.MapHealthChecks("/healthz");
        app.MapControllers();

        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        HttpClient client;
        if (kestrel)
        {
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            client = new HttpClient { BaseAddress = new Uri(address) };
        }
        else
        {
            client = app.GetTestClient();
        }

        return new TestApp(app, logs, client);
    }

    /// <summary>Generates a token in the test, as an administrator would, outside HTTP.</summary>
    public async Task<GeneratedToken> GenerateAsync(Role role) => await GenerateAsync(role.Id);

    public async Task<GeneratedToken> GenerateAsync(string roleId) =>
        (await Manager.GenerateAsync(Admin, roleId, new TokenGenerateOptions { Description = "test" }, TestContext.Current.CancellationToken)).GetValueOrThrow();

    /// <summary>Generates a token of several roles in the test, as an administrator would, outside HTTP.</summary>
    public async Task<GeneratedToken> GenerateAsync(params string[] roleIds) =>
        (await Manager.GenerateAsync(Admin, roleIds, new TokenGenerateOptions { Description = "test" }, TestContext.Current.CancellationToken)).GetValueOrThrow();

    public static HttpRequestMessage Request(HttpMethod method, string path, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Client.SendAsync(request, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path, string? bearer = null) => SendAsync(Request(HttpMethod.Get, path, bearer));

    /// <summary>Every captured log line, formatted, with its exception.</summary>
    public string AllLogText() => string.Join('\n', Logs.GetSnapshot().Select(r => $"{r.Category} {r.Id} {r.Message} {r.Exception}"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
