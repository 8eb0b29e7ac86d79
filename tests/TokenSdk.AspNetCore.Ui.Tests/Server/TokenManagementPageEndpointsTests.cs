using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Ui.Tests.TestSupport;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Ui.Tests.Server;

/// <summary>The page's endpoints on the in-process TestServer: headers, authentication, permission, the context JSON.</summary>
public sealed class TokenManagementPageEndpointsTests : IAsyncLifetime
{
    private const string Csp =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private PageTestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PageTestApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/settings/tokens", "text/html", true)]
    [InlineData("/settings/tokens/context", "application/json", true)]
    [InlineData("/settings/tokens/assets/app.js", "text/javascript", false)]
    [InlineData("/settings/tokens/assets/app.css", "text/css", false)]
    public async Task Get_SignedInAdmin_SecurityHeadersOnEveryResponse(string path, string mediaType, bool noStore)
    {
        string cookie = await _app.SignInAsync("admin");

        using HttpResponseMessage response = await _app.GetAsync(path, cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Csp, Single(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal(noStore ? "no-store" : "no-cache", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task GetAsset_WithItsETag_NotModified()
    {
        string cookie = await _app.SignInAsync("admin");
        using HttpResponseMessage first = await _app.GetAsync("/settings/tokens/assets/app.js", cookie);
        string etag = first.Headers.ETag!.Tag;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/settings/tokens/assets/app.js");
        request.Headers.Add("Cookie", cookie);
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using HttpResponseMessage second = await _app.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task GetPage_Anonymous_ChallengeRedirectsToTheHostsLogin()
    {
        using HttpResponseMessage response = await _app.GetAsync("/settings/tokens");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/test/login?ReturnUrl=%2Fsettings%2Ftokens", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/settings/tokens/context")]
    [InlineData("/settings/tokens/assets/app.js")]
    public async Task GetOther_Anonymous_Challenged(string path)
    {
        using HttpResponseMessage response = await _app.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/test/login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPage_WithoutTokenRead_ForbiddenPageThatSaysWhy()
    {
        string cookie = await _app.SignInAsync("nobody");

        using HttpResponseMessage page = await _app.GetAsync("/settings/tokens", cookie);
        using HttpResponseMessage context = await _app.GetAsync("/settings/tokens/context", cookie);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Csp, Single(page, "Content-Security-Policy"));
        string html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("You don't have permission to manage tokens", html, StringComparison.Ordinal);
        Assert.DoesNotContain("app.js", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, context.StatusCode);
    }

    [Fact]
    public async Task GetContext_Admin_CallerRolesGroupedAndAntiforgery()
    {
        string cookie = await _app.SignInAsync("admin", "acme");

        using JsonDocument json = await ContextAsync(cookie);
        JsonElement root = json.RootElement;

        Assert.Equal("admin@example.test", root.GetProperty("caller").GetProperty("id").GetString());
        Assert.Equal("acme", root.GetProperty("caller").GetProperty("organizationId").GetString());
        Assert.True(root.GetProperty("canRead").GetBoolean());
        Assert.True(root.GetProperty("canWrite").GetBoolean());
        Assert.Equal("/v2", root.GetProperty("apiBase").GetString());
        Assert.False(root.TryGetProperty("signOutPath", out _));   // no sign-out button unless the host names its endpoint
        Assert.Equal("RequestVerificationToken", root.GetProperty("antiforgery").GetProperty("headerName").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("antiforgery").GetProperty("requestToken").GetString()));
        Assert.Equal(["compromised", "noLongerNeeded", "roleChange", "other"],
            root.GetProperty("deletionReasons").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));

        JsonElement[] roles = [.. root.GetProperty("roles").EnumerateArray()];
        Assert.Equal(_app.Roles.GetRoles().Select(r => r.Id), roles.Select(r => r.GetProperty("id").GetString()!));
        Assert.All(roles, r => Assert.True(r.GetProperty("grantable").GetBoolean()));

        JsonElement dba = roles.Single(r => r.GetProperty("id").GetString() == DefaultRoles.DatabaseAdministrator.Id);
        Assert.True(dba.GetProperty("isDefault").GetBoolean());
        Dictionary<string, string[]> groups = Groups(dba);
        Assert.Equal(["organization", "database", "keyspace", "table"], groups.Keys);
        Assert.Contains("org-token-write", groups["organization"]);
        Assert.Contains("accesslist-read", groups["organization"]);
        Assert.Contains("db-cql", groups["database"]);
        Assert.Contains("db-manage-telemetry", groups["database"]);
        Assert.Contains("db-all-keyspace-create", groups["keyspace"]);
        Assert.Contains("db-keyspace-describe", groups["keyspace"]);
        Assert.Contains("db-table-select", groups["table"]);
        Assert.Equal(DefaultRoles.DatabaseAdministrator.Permissions.Count, groups.Values.Sum(g => g.Length));

        JsonElement custom = roles.Single(r => r.GetProperty("id").GetString() == PageTestApp.OrdersReaderRoleId);
        Assert.False(custom.GetProperty("isDefault").GetBoolean());
        Assert.Equal(new Dictionary<string, string[]> { ["table"] = ["db-table-select"], ["other"] = [PageTestApp.ReportsPermission] }, Groups(custom));
        Assert.Equal(["drn:astra:org:*:db:orders"], custom.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!));
    }

    [Fact]
    public async Task GetContext_DatabaseAdministrator_OrganizationAdministratorNotGrantableWithReason()
    {
        string cookie = await _app.SignInAsync("dba");

        using JsonDocument json = await ContextAsync(cookie);
        JsonElement[] roles = [.. json.RootElement.GetProperty("roles").EnumerateArray()];

        JsonElement orgAdmin = roles.Single(r => r.GetProperty("id").GetString() == DefaultRoles.OrganizationAdministrator.Id);
        Assert.False(orgAdmin.GetProperty("grantable").GetBoolean());
        string reason = orgAdmin.GetProperty("notGrantableReason").GetString()!;
        Assert.Contains("'org-", reason, StringComparison.Ordinal);
        Assert.Contains("can't have more than its creator", reason, StringComparison.Ordinal);

        JsonElement own = roles.Single(r => r.GetProperty("id").GetString() == DefaultRoles.DatabaseAdministrator.Id);
        Assert.True(own.GetProperty("grantable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("notGrantableReason").ValueKind);
        Assert.False(roles.Single(r => r.GetProperty("id").GetString() == DefaultRoles.BillingAdministrator.Id).GetProperty("grantable").GetBoolean());
    }

    [Fact]
    public async Task GetContext_ReadOnlyCaller_CannotWriteNorGrant()
    {
        string cookie = await _app.SignInAsync("reader");

        using JsonDocument json = await ContextAsync(cookie);

        Assert.False(json.RootElement.GetProperty("canWrite").GetBoolean());
        Assert.All(json.RootElement.GetProperty("roles").EnumerateArray(), r =>
        {
            Assert.False(r.GetProperty("grantable").GetBoolean());
            Assert.Contains("org-token-write", r.GetProperty("notGrantableReason").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task GetPage_CustomTitleAndPath_EncodedIntoThePage()
    {
        await using PageTestApp app = await PageTestApp.StartAsync(configurePage: o => o.Title = "Tokens <&> \"Acme\"");
        string cookie = await app.SignInAsync("admin");

        using HttpResponseMessage response = await app.GetAsync("/settings/tokens", cookie);
        string html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("<title>Tokens &lt;&amp;&gt; &quot;Acme&quot;</title>", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/settings/tokens/assets/app.js\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/settings/tokens/assets/app.css\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetContext_Expiry_FollowsTheManagementOptions()
    {
        string cookie = await _app.SignInAsync("admin", "acme");
        using JsonDocument defaults = await ContextAsync(cookie);
        await using PageTestApp allowing = await PageTestApp.StartAsync(configureTokenSdk: o =>
        {
            o.Management.AllowExpiry = true;
            o.Management.MaximumLifetimeByOrganization["acme"] = TimeSpan.FromDays(90);
        });
        using HttpResponseMessage response = await allowing.GetAsync("/settings/tokens/context", await allowing.SignInAsync("admin", "acme"));
        using JsonDocument allowed = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.False(defaults.RootElement.GetProperty("expiry").GetProperty("allowed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, defaults.RootElement.GetProperty("expiry").GetProperty("maximumLifetimeSeconds").ValueKind);
        Assert.True(allowed.RootElement.GetProperty("expiry").GetProperty("allowed").GetBoolean());
        Assert.Equal(90 * 86400, allowed.RootElement.GetProperty("expiry").GetProperty("maximumLifetimeSeconds").GetInt64());
    }

    [Fact]
    public async Task GetContext_CustomRolesOfTheCallersOrganizationOnly()
    {
        IRoleManager roles = _app.App.Services.GetRequiredService<IRoleManager>();
        Role acme = (await roles.CreateAsync(PageTestApp.AdminOf("acme"), Definition("Acme Auditors"), Ct)).GetValueOrThrow();
        Role globex = (await roles.CreateAsync(PageTestApp.AdminOf("globex"), Definition("Globex Auditors"), Ct)).GetValueOrThrow();
        string cookie = await _app.SignInAsync("admin", "acme");

        using JsonDocument json = await ContextAsync(cookie);

        string[] ids = [.. json.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
        Assert.Contains(acme.Id, ids);
        Assert.DoesNotContain(globex.Id, ids);
        Assert.Equal(_app.Roles.GetRoles("acme").Select(r => r.Id), ids);
    }

    private static RoleDefinition Definition(string name)
    {
        var definition = new RoleDefinition { Name = name };
        definition.Permissions.Add(Permissions.DbTableSelect);
        return definition;
    }

    private async Task<JsonDocument> ContextAsync(string cookie)
    {
        using HttpResponseMessage response = await _app.GetAsync("/settings/tokens/context", cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    private static Dictionary<string, string[]> Groups(JsonElement role) =>
        role.GetProperty("permissionGroups").EnumerateArray().ToDictionary(
            g => g.GetProperty("id").GetString()!,
            g => g.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray());

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.TryGetValues(header, out IEnumerable<string>? values) ? values : response.Content.Headers.GetValues(header));
}
