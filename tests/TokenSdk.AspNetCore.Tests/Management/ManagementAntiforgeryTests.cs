using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// Cross-site request forgery: a management API that accepts a cookie session validates an antiforgery token on every
/// write that an application token did not authenticate.
/// </summary>
public class ManagementAntiforgeryTests
{
    private const string CreateBody = """{"roles": ["read-only-user"], "description": "from the page"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]                           // what a cross-site <form enctype="text/plain"> sends
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Create_CookieSessionWithoutAntiforgeryToken_Is400AndNothingIsCreated(string contentType)
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        await host.SignInAsync(DefaultRoles.OrganizationAdministrator);

        HttpResponseMessage response = await host.SendAsync(BrowserSessionHost.Json(HttpMethod.Post, "/v2/clientIdSecrets", CreateBody, contentType));

        await AssertAntiforgeryRefusedAsync(response);
        Assert.Empty(await ListAsync(host));
    }

    [Fact]
    public async Task Create_CookieSessionWithAntiforgeryToken_Succeeds()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        await host.SignInAsync(DefaultRoles.OrganizationAdministrator);
        (string header, string token) = await host.AntiforgeryAsync();
        HttpRequestMessage request = BrowserSessionHost.Json(HttpMethod.Post, "/v2/clientIdSecrets", CreateBody);
        request.Headers.Add(header, token);

        HttpResponseMessage response = await host.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        StoredToken created = Assert.Single(await ListAsync(host));
        Assert.Equal("paula", created.CreatedBy);
    }

    [Fact]
    public async Task Create_AntiforgeryTokenOfAnotherSession_IsRefused()
    {
        await using BrowserSessionHost attacker = await BrowserSessionHost.StartAsync();
        await using BrowserSessionHost victim = await BrowserSessionHost.StartAsync();
        await victim.SignInAsync(DefaultRoles.OrganizationAdministrator);
        await attacker.SignInAsync(DefaultRoles.OrganizationAdministrator);
        (string header, string token) = await attacker.AntiforgeryAsync();
        HttpRequestMessage request = BrowserSessionHost.Json(HttpMethod.Post, "/v2/clientIdSecrets", CreateBody);
        request.Headers.Add(header, token);

        HttpResponseMessage response = await victim.SendAsync(request);

        await AssertAntiforgeryRefusedAsync(response);
    }

    [Fact]
    public async Task DeleteAndRotate_CookieSessionWithoutAntiforgeryToken_AreRefusedAndTheTokenStays()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        GeneratedToken token = await host.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await host.SignInAsync(DefaultRoles.OrganizationAdministrator);

        HttpResponseMessage deleted = await host.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/v2/clientIdSecrets/{token.ClientId}"));
        HttpResponseMessage rotated = await host.SendAsync(BrowserSessionHost.Json(HttpMethod.Post, $"/v2/clientIdSecrets/{token.ClientId}/rotate", "{}"));

        await AssertAntiforgeryRefusedAsync(deleted);
        await AssertAntiforgeryRefusedAsync(rotated);
        Assert.Equal(token.ClientId, Assert.Single(await ListAsync(host)).ClientId);
    }

    [Fact]
    public async Task Delete_CookieSessionWithAntiforgeryToken_Succeeds()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        GeneratedToken token = await host.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await host.SignInAsync(DefaultRoles.OrganizationAdministrator);
        (string header, string antiforgery) = await host.AntiforgeryAsync();
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/v2/clientIdSecrets/{token.ClientId}?reason=compromised");
        request.Headers.Add(header, antiforgery);

        HttpResponseMessage response = await host.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await ListAsync(host));
    }

    [Fact]
    public async Task RoleWrites_CookieSessionWithoutAntiforgeryToken_AreRefusedAndNothingChanges()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        string id = (await host.App.Services.GetRequiredService<IRoleManager>().CreateAsync(
            new TokenCaller("setup", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]), Definition("Kept"), Ct)).GetValueOrThrow().Id;
        await host.SignInAsync(DefaultRoles.OrganizationAdministrator);

        HttpResponseMessage created = await host.SendAsync(BrowserSessionHost.Json(HttpMethod.Post, "/v2/organizations/roles", RoleBody, "text/plain"));
        HttpResponseMessage updated = await host.SendAsync(BrowserSessionHost.Json(HttpMethod.Put, $"/v2/organizations/roles/{id}", RoleBody));
        HttpResponseMessage deleted = await host.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/v2/organizations/roles/{id}"));

        await AssertAntiforgeryRefusedAsync(created);
        await AssertAntiforgeryRefusedAsync(updated);
        await AssertAntiforgeryRefusedAsync(deleted);
        Role kept = Assert.Single(host.App.Services.GetRequiredService<IRoleCatalog>().GetRoles(), r => r.IsEditable);
        Assert.Equal(("Kept", 1L), (kept.Name, kept.Version));
    }

    [Fact]
    public async Task RoleWrites_CookieSessionWithAntiforgeryToken_Succeed()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        await host.SignInAsync(DefaultRoles.OrganizationAdministrator);
        (string header, string token) = await host.AntiforgeryAsync();

        HttpRequestMessage create = BrowserSessionHost.Json(HttpMethod.Post, "/v2/organizations/roles", RoleBody);
        create.Headers.Add(header, token);
        HttpResponseMessage created = await host.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string location = created.Headers.Location!.OriginalString;
        HttpRequestMessage update = BrowserSessionHost.Json(HttpMethod.Put, location, RoleBody.Replace("Auditors", "Readers", StringComparison.Ordinal));
        update.Headers.Add(header, token);
        HttpResponseMessage updated = await host.SendAsync(update);
        var delete = new HttpRequestMessage(HttpMethod.Delete, location);
        delete.Headers.Add(header, token);
        HttpResponseMessage deleted = await host.SendAsync(delete);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(host.App.Services.GetRequiredService<IRoleCatalog>().GetRoles(), r => r.IsEditable);
    }

    [Fact]
    public async Task Reads_CookieSession_NeedNoAntiforgeryToken()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        await host.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await host.SignInAsync(DefaultRoles.DatabaseAdministrator);

        HttpResponseMessage list = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v2/clientIdSecrets"));
        HttpResponseMessage roles = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v2/organizations/roles"));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
    }

    [Fact]
    public async Task Create_ApplicationToken_NeedsNoAntiforgeryTokenEvenBesideACookieSession()
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync();
        GeneratedToken admin = await host.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        await host.SignInAsync(DefaultRoles.ReadOnlyUser);
        HttpRequestMessage request = BrowserSessionHost.Json(HttpMethod.Post, "/v2/clientIdSecrets", CreateBody, "text/plain");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);

        HttpResponseMessage response = await host.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.BadRequest)]
    public async Task Create_HeaderSchemeListedAsExempt_NeedsNoAntiforgeryToken(bool exempt, HttpStatusCode expected)
    {
        await using BrowserSessionHost host = await BrowserSessionHost.StartAsync(exemptApiKey: exempt);
        HttpRequestMessage request = BrowserSessionHost.Json(HttpMethod.Post, "/v2/clientIdSecrets", CreateBody);
        request.Headers.Add("X-Api-Key", BrowserSessionHost.ApiKey);

        HttpResponseMessage response = await host.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task MapTokenManagement_CookieSchemeWithoutAntiforgery_ThrowsNamingTheScheme()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddTokenSdk().AddInMemoryStore();
        builder.Services.AddAuthentication().AddApplicationTokens().AddCookie();
        await using WebApplication app = builder.Build();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() =>
            app.MapTokenManagement(configure: o => o.AuthenticationSchemes.Add(CookieAuthenticationDefaults.AuthenticationScheme)));

        Assert.Contains("'Cookies'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddAntiforgery()", error.Message, StringComparison.Ordinal);
        app.MapTokenManagement();   // application tokens only: no antiforgery needed
    }

    private const string RoleBody = """{"name": "Auditors", "policy": {"actions": ["db-table-select"]}}""";

    private static RoleDefinition Definition(string name)
    {
        var definition = new RoleDefinition { Name = name };
        definition.Permissions.Add(Permissions.DbCql);
        return definition;
    }

    private static async Task AssertAntiforgeryRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        JsonElement error = Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(40003, error.GetProperty("ID").GetInt32());
        Assert.Contains("antiforgery", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<StoredToken>> ListAsync(BrowserSessionHost host) =>
        await host.App.Services.GetRequiredService<ITokenStore>().ListAsync(new TokenListQuery(), Ct);
}
