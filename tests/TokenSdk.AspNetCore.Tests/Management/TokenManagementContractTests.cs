using System.Net;
using System.Text.Json;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>Each route of the Astra DevOps API v2 contract: status codes, headers and field names.</summary>
public sealed class TokenManagementContractTests
{
    [Theory]
    [InlineData("/v2/clientIdSecrets")]
    [InlineData("/v2/tokens")]
    public async Task Create_EitherRoute_Returns200WithTheContractFieldsAndNoStore(string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(path, admin.Token, """{"roles":["read-only-user"],"description":"job"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        using JsonDocument body = await AstraHttp.ReadJsonAsync(response);
        JsonElement root = body.RootElement;
        Assert.Equal(["clientId", "secret", "orgId", "roles", "token", "generatedOn"], AstraHttp.Names(root));
        Assert.Equal("default", root.GetProperty("orgId").GetString());
        Assert.Equal("read-only-user", Assert.Single(root.GetProperty("roles").EnumerateArray()).GetString());
        Assert.True(root.GetProperty("generatedOn").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task OrganizationRoles_ManagerToken_ListsEveryRoleInTheContractShape()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.DatabaseAdministrator);

        using HttpResponseMessage response = await app.GetAsync("/v2/organizations/roles", admin.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument roles = await AstraHttp.ReadJsonAsync(response);
        Assert.Equal(DefaultRoles.All.Count + 2, roles.RootElement.GetArrayLength());
        Assert.All(roles.RootElement.EnumerateArray(), role =>
        {
            Assert.Equal(["id", "name", "policy", "last_update_datetime", "last_update_userid"], AstraHttp.Names(role));
            Assert.Equal(["description", "resources", "actions", "effect"], AstraHttp.Names(role.GetProperty("policy")));
            Assert.Equal("allow", role.GetProperty("policy").GetProperty("effect").GetString());
            Assert.Equal("1970-01-01T00:00:00Z", role.GetProperty("last_update_datetime").GetString());
            Assert.Equal(JsonValueKind.Null, role.GetProperty("last_update_userid").ValueKind);
        });
        JsonElement readOnly = Assert.Single(roles.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == "read-only-user");
        Assert.Equal("Read Only User", readOnly.GetProperty("name").GetString());
        JsonElement policy = readOnly.GetProperty("policy");
        Assert.Equal(DefaultRoles.ReadOnlyUser.Description, policy.GetProperty("description").GetString());
        Assert.Equal(DefaultRoles.ReadOnlyUser.Permissions.Order(StringComparer.Ordinal), policy.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal("drn:astra:org:default", Assert.Single(policy.GetProperty("resources").EnumerateArray()).GetString());
        JsonElement scoped = Assert.Single(roles.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == TestApp.OrdersReaderRoleId);
        Assert.Equal("drn:astra:org:default:db:orders", Assert.Single(scoped.GetProperty("policy").GetProperty("resources").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("read-only-user")]
    [InlineData("READ-ONLY-USER")]
    [InlineData("Read Only User")]
    [InlineData("read only user")]
    public async Task OrganizationRole_ByIdOrNameAnyCase_ReturnsTheRole(string idOrName)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.GetAsync($"/v2/organizations/roles/{Uri.EscapeDataString(idOrName)}", admin.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument role = await AstraHttp.ReadJsonAsync(response);
        Assert.Equal("read-only-user", role.RootElement.GetProperty("id").GetString());
        Assert.Equal(["id", "name", "policy", "last_update_datetime", "last_update_userid"], AstraHttp.Names(role.RootElement));
    }

    [Fact]
    public async Task OrganizationRole_Unknown_Returns404WithoutEchoingIt()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.GetAsync($"/v2/organizations/roles/{admin.ClientId}", admin.Token);

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.NotFound, 40401);
        Assert.DoesNotContain(admin.ClientId, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/organizations/roles")]
    [InlineData("/v2/organizations/roles/read-only-user")]
    public async Task OrganizationRoles_WithoutTokenReadPermission_Returns403AuditedByTheManager(string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync(path, readOnly.Token);

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Forbidden, 40300);
        Assert.Contains("org-token-read", message, StringComparison.Ordinal);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Name == "AuditDenied" && r.Message.Contains(readOnly.ClientId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CurrentOrg_AnyToken_ReturnsTheCallersOrganization()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/v2/currentOrg", readOnly.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument org = await AstraHttp.ReadJsonAsync(response);
        Assert.Equal(["id", "name"], AstraHttp.Names(org.RootElement));
        Assert.Equal("default", org.RootElement.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("GET", "/v2/currentOrg")]
    [InlineData("GET", "/v2/organizations/roles")]
    [InlineData("GET", "/v2/organizations/roles/read-only-user")]
    [InlineData("POST", "/v2/tokens")]
    [InlineData("GET", "/v2/clientIdSecrets")]
    public async Task Management_NoOrWrongToken_Returns401WithErrorsMember(string method, string path)
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage none = await app.SendAsync(TestApp.Request(new HttpMethod(method), path));
        using HttpResponseMessage wrong = await app.SendAsync(TestApp.Request(new HttpMethod(method), path, "AstraCS:" + new string('a', 24) + ":" + new string('0', 64)));

        string noneMessage = await AstraHttp.AssertErrorAsync(none, HttpStatusCode.Unauthorized, 40100);
        string wrongMessage = await AstraHttp.AssertErrorAsync(wrong, HttpStatusCode.Unauthorized, 40100);
        Assert.Equal(noneMessage, wrongMessage);
        Assert.Equal("Bearer", Assert.Single(none.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task ProtectedRouteOutsideManagement_NoToken_Returns401WithoutBody()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/data");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("invalid-body", HttpStatusCode.BadRequest, 40000)]
    [InlineData("unknown-field", HttpStatusCode.BadRequest, 40000)]
    [InlineData("unknown-role", HttpStatusCode.BadRequest, 40001)]
    [InlineData("too-many-roles", HttpStatusCode.BadRequest, 40002)]
    [InlineData("repeated-role", HttpStatusCode.BadRequest, 40002)]
    [InlineData("permission", HttpStatusCode.Forbidden, 40300)]
    [InlineData("escalation", HttpStatusCode.Forbidden, 40301)]
    [InlineData("other-org", HttpStatusCode.Forbidden, 40302)]
    [InlineData("token-not-found", HttpStatusCode.NotFound, 40400)]
    [InlineData("role-not-found", HttpStatusCode.NotFound, 40401)]
    [InlineData("lockout", HttpStatusCode.Conflict, 40900)]
    public async Task Errors_EachKind_CarryItsStableId(string kind, HttpStatusCode status, int id)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken dbAdmin = await app.GenerateAsync(DefaultRoles.DatabaseAdministrator);
        using HttpRequestMessage request = kind switch
        {
            "invalid-body" => AstraHttp.Post("/v2/tokens", admin.Token, "{ not json"),
            "unknown-field" => AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["read-only-user"],"expiry":null}"""),
            "unknown-role" => AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["no-such-role"]}"""),
            "too-many-roles" => AstraHttp.Post("/v2/tokens", admin.Token, JsonSerializer.Serialize(new { roles = Enumerable.Range(0, 17).Select(i => $"role-{i}") })),
            "repeated-role" => AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["read-only-user","billing-administrator","Read Only User"]}"""),
            "permission" => AstraHttp.Post("/v2/tokens", readOnly.Token, """{"roles":["read-only-user"]}"""),
            "escalation" => AstraHttp.Post("/v2/tokens", dbAdmin.Token, """{"roles":["organization-administrator"]}"""),
            "other-org" => AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["read-only-user"],"orgId":"globex"}"""),
            "token-not-found" => TestApp.Request(HttpMethod.Delete, "/v2/clientIdSecrets/abcdefghijklmnopqrstuvwx", admin.Token),
            "role-not-found" => TestApp.Request(HttpMethod.Get, "/v2/organizations/roles/no-such-role", admin.Token),
            _ => TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{dbAdmin.ClientId}", dbAdmin.Token),
        };
        if (kind == "lockout")
        {
            // Leave the Database Administrator as the organization's last token that can manage tokens.
            (await app.Manager.DeleteAsync(TestApp.Admin, admin.ClientId, TokenSdk.Management.DeletionReason.NoLongerNeeded, TestContext.Current.CancellationToken)).ThrowIfFailed();
        }

        using HttpResponseMessage response = await app.SendAsync(request);

        await AstraHttp.AssertErrorAsync(response, status, id);
    }
}
