using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// The call sequences of three real Astra clients (the Terraform provider, the Astra CLI, the Java SDK), replayed as
/// HTTP conversations with their headers, asserting every field each client reads: in process (TestServer) and over
/// real Kestrel on the loopback (a real HTTP/1.1 connection, as the clients make).
/// </summary>
public sealed class AstraClientConversationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TerraformProvider_TokenResourceLifecycle_Succeeds(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // Two roles, as a token resource may list: each looked up by id, then both in the create request.
        string[] roleIds = ["read-only-user", TestApp.OrdersReaderRoleId];

        // Read the organization when none is configured.
        using HttpResponseMessage org = await app.SendAsync(Terraform(HttpMethod.Get, "/v2/currentOrg", admin.Token));
        Assert.Equal(HttpStatusCode.OK, org.StatusCode);
        string orgId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(org))
        {
            orgId = body.RootElement.GetProperty("id").GetString()!;
        }

        // Each role by id: any status other than 200 is "role not found".
        foreach (string roleId in roleIds)
        {
            using HttpResponseMessage role = await app.SendAsync(Terraform(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
            Assert.Equal(HttpStatusCode.OK, role.StatusCode);
            using JsonDocument body = await AstraHttp.ReadJsonAsync(role);
            Assert.Equal(roleId, body.RootElement.GetProperty("id").GetString());
        }

        // Create on /v2/tokens: only a 200 JSON body is read.
        using HttpRequestMessage createRequest = Terraform(HttpMethod.Post, "/v2/tokens", admin.Token);
        createRequest.Content = new StringContent(JsonSerializer.Serialize(new { roles = roleIds, orgId }), Encoding.UTF8, "application/json");
        using HttpResponseMessage created = await app.SendAsync(createRequest);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("application/json", created.Content.Headers.ContentType?.MediaType);
        string clientId, token;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(created))
        {
            JsonElement root = body.RootElement;
            clientId = root.GetProperty("clientId").GetString()!;
            token = root.GetProperty("token").GetString()!;
            Assert.False(string.IsNullOrEmpty(root.GetProperty("secret").GetString()));
            Assert.Equal(orgId, root.GetProperty("orgId").GetString());
            Assert.Equal(roleIds, root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
            Assert.True(root.GetProperty("generatedOn").TryGetDateTimeOffset(out _));
        }

        // Read state from the listing.
        using HttpResponseMessage listed = await app.SendAsync(Terraform(HttpMethod.Get, "/v2/clientIdSecrets", admin.Token));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(listed))
        {
            JsonElement entry = Assert.Single(body.RootElement.GetProperty("clients").EnumerateArray(), c => c.GetProperty("clientId").GetString() == clientId);
            Assert.Equal(roleIds, entry.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
            Assert.True(entry.GetProperty("generatedOn").TryGetDateTimeOffset(out _));
        }

        // The token works with its roles' permissions: db-cql from the first, db-table-select on orders from both.
        using HttpResponseMessage cql = await app.GetAsync("/data", token);
        Assert.Equal(HttpStatusCode.OK, cql.StatusCode);
        using HttpResponseMessage orders = await app.GetAsync("/orders/orders", token);
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);

        // Destroy.
        using HttpResponseMessage deleted = await app.SendAsync(Terraform(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        Assert.True(deleted.IsSuccessStatusCode, deleted.StatusCode.ToString());
        using HttpResponseMessage refused = await app.GetAsync("/data", token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AstraCli_CreateListDeleteWithRoleByName_SucceedsWithAstraTokens(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel, configureServices: s => s.Configure<TokenSdkOptions>(o => o.GenerationFormat = TokenFormatKind.Astra));
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // The CLI refuses to run with a token of another shape.
        AssertCliAcceptsToken(admin.Token);

        // Resolve the role name through the listing, as the CLI does (names compared case-insensitively).
        using HttpResponseMessage roles = await app.SendAsync(Cli(HttpMethod.Get, "/v2/organizations/roles", admin.Token));
        Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
        string roleId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(roles))
        {
            roleId = Assert.Single(body.RootElement.EnumerateArray(), r => string.Equals(r.GetProperty("name").GetString(), "read only user", StringComparison.OrdinalIgnoreCase))
                .GetProperty("id").GetString()!;
        }

        using HttpRequestMessage createRequest = Cli(HttpMethod.Post, "/v2/clientIdSecrets", admin.Token);
        createRequest.Content = new StringContent($$"""{"roles":["{{roleId}}"],"description":"created by the cli"}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage created = await app.SendAsync(createRequest);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        string clientId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(created))
        {
            clientId = body.RootElement.GetProperty("clientId").GetString()!;
            AssertCliAcceptsToken(body.RootElement.GetProperty("token").GetString()!);
        }

        // Delete after listing: the CLI finds the token in the list first.
        using HttpResponseMessage listed = await app.SendAsync(Cli(HttpMethod.Get, "/v2/clientIdSecrets", admin.Token));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(listed))
        {
            JsonElement entry = Assert.Single(body.RootElement.GetProperty("clients").EnumerateArray(), c => c.GetProperty("clientId").GetString() == clientId);
            Assert.Equal("created by the cli", entry.GetProperty("description").GetString());
        }

        using HttpResponseMessage deleted = await app.SendAsync(Cli(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        Assert.True(deleted.IsSuccessStatusCode, deleted.StatusCode.ToString());
        using HttpResponseMessage after = await app.SendAsync(Cli(HttpMethod.Get, "/v2/clientIdSecrets", admin.Token));
        using JsonDocument remaining = await AstraHttp.ReadJsonAsync(after);
        Assert.DoesNotContain(remaining.RootElement.GetProperty("clients").EnumerateArray(), c => c.GetProperty("clientId").GetString() == clientId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JavaSdk_JsonHeadersOnEveryCall_EveryStatusBelow300(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage roles = await app.SendAsync(Java(HttpMethod.Get, "/v2/organizations/roles", admin.Token));
        using HttpResponseMessage created = await app.SendAsync(Java(HttpMethod.Post, "/v2/clientIdSecrets", admin.Token, """{"roles":["read-only-user"]}"""));
        using JsonDocument details = await AstraHttp.ReadJsonAsync(created);
        string clientId = details.RootElement.GetProperty("clientId").GetString()!;
        using HttpResponseMessage listed = await app.SendAsync(Java(HttpMethod.Get, "/v2/clientIdSecrets", admin.Token));
        using HttpResponseMessage deleted = await app.SendAsync(Java(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));

        Assert.All([roles, created, listed, deleted], r => Assert.True((int)r.StatusCode is >= 200 and < 300, r.StatusCode.ToString()));
        Assert.All([roles, created, listed], r => Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_DocumentedExampleWithoutContentType_Returns200(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // curl --data sends application/x-www-form-urlencoded unless told otherwise; some examples send no type at all.
        using HttpResponseMessage formType = await app.SendAsync(AstraHttp.Post("/v2/clientIdSecrets", admin.Token, """{"roles":["read-only-user"]}""", "application/x-www-form-urlencoded"));
        using HttpResponseMessage noType = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["Read Only User"]}""", contentType: null));

        Assert.Equal(HttpStatusCode.OK, formType.StatusCode);
        Assert.Equal(HttpStatusCode.OK, noType.StatusCode);
        using JsonDocument body = await AstraHttp.ReadJsonAsync(noType);
        Assert.Equal("read-only-user", Assert.Single(body.RootElement.GetProperty("roles").EnumerateArray()).GetString());
    }

    private static HttpRequestMessage Terraform(HttpMethod method, string path, string bearer)
    {
        HttpRequestMessage request = TestApp.Request(method, path, bearer);
        request.Headers.UserAgent.ParseAdd("terraform-provider-astra/2.3.17");
        request.Headers.Add("X-Astra-Provider-Version", "2.3.17");
        request.Headers.Add("X-Astra-Client-Version", "0.12.0");
        return request;
    }

    private static HttpRequestMessage Cli(HttpMethod method, string path, string bearer)
    {
        HttpRequestMessage request = TestApp.Request(method, path, bearer);
        request.Headers.UserAgent.ParseAdd("astra-cli/0.6");
        return request;
    }

    private static HttpRequestMessage Java(HttpMethod method, string path, string bearer, string body = "")
    {
        HttpRequestMessage request = TestApp.Request(method, path, bearer);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>The Astra CLI's own check of a token before it runs.</summary>
    private static void AssertCliAcceptsToken(string token)
    {
        Assert.Equal(97, token.Length);
        Assert.StartsWith("AstraCS:", token, StringComparison.Ordinal);
        string[] parts = token.Split(':');
        Assert.Equal(3, parts.Length);
        Assert.Equal(24, parts[1].Length);
    }
}
