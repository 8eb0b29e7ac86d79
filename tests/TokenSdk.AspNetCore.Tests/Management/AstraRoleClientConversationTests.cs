using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// The custom-role calls of real Astra clients, replayed as HTTP conversations with their headers and bodies (field
/// order and spelling as their JSON libraries write them), asserting what each client reads: the Terraform provider's
/// <c>astra_role</c> resource (and a token resource using the role), the Java SDK's <c>RolesClient</c>, and the
/// documented curl example. In process and over real Kestrel.
/// </summary>
public sealed class AstraRoleClientConversationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TerraformProvider_RoleResourceLifecycle_WithATokenOfTheRole(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        using HttpResponseMessage org = await app.SendAsync(Terraform(HttpMethod.Get, "/v2/currentOrg", admin.Token));
        string orgId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(org))
        {
            orgId = body.RootElement.GetProperty("id").GetString()!;
        }

        // Create: the generated Go client writes every field of the policy, in its struct's (alphabetical) order, with
        // effect as the configuration gives it; the provider reads only a 201 JSON body's id.
        string createBody = $$$"""{"name":"puppies","policy":{"actions":["db-cql","db-table-select"],"description":"test role","effect":"allow","resources":["drn:astra:org:{{{orgId}}}","drn:astra:org:{{{orgId}}}:db:*","drn:astra:org:{{{orgId}}}:db:*:keyspace:*:table:*"]}}""";
        using HttpResponseMessage created = await app.SendAsync(Terraform(HttpMethod.Post, "/v2/organizations/roles", admin.Token, createBody));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("json", created.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        string roleId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(created))
        {
            roleId = body.RootElement.GetProperty("id").GetString()!;
        }

        // Read: the provider keeps the id lower-cased (parseRoleID) and compares the GET's id with it.
        using HttpResponseMessage read = await app.SendAsync(Terraform(HttpMethod.Get, $"/v2/organizations/roles/{roleId.ToLowerInvariant()}", admin.Token));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(read))
        {
            Assert.Equal(roleId.ToLowerInvariant(), body.RootElement.GetProperty("id").GetString());
        }

        // Update: read the old role (to revert its state on failure), then PUT; any status below 400 is success.
        using HttpResponseMessage old = await app.SendAsync(Terraform(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        string updateBody = $$$"""{"name":"puppies","policy":{"actions":["db-cql"],"description":"changed role","effect":"allow","resources":["drn:astra:org:{{{orgId}}}"]}}""";
        using HttpResponseMessage updated = await app.SendAsync(Terraform(HttpMethod.Put, $"/v2/organizations/roles/{roleId}", admin.Token, updateBody));
        Assert.True((int)updated.StatusCode < 400, updated.StatusCode.ToString());

        // The data source reads name, description, effect, resources and actions.
        using HttpResponseMessage data = await app.SendAsync(Terraform(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(data))
        {
            JsonElement policy = body.RootElement.GetProperty("policy");
            Assert.Equal("puppies", body.RootElement.GetProperty("name").GetString());
            Assert.Equal("changed role", policy.GetProperty("description").GetString());
            Assert.Equal("allow", policy.GetProperty("effect").GetString());
            Assert.Equal([$"drn:astra:org:{orgId}"], policy.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!));
            Assert.Equal(["db-cql"], policy.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!));
        }

        // A token resource of the role: the role is looked up by id, then the token created on /v2/tokens.
        using HttpResponseMessage lookup = await app.SendAsync(Terraform(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        using HttpResponseMessage minted = await app.SendAsync(Terraform(HttpMethod.Post, "/v2/tokens", admin.Token, $$"""{"orgId":"{{orgId}}","roles":["{{roleId}}"]}"""));
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        string clientId, token;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(minted))
        {
            clientId = body.RootElement.GetProperty("clientId").GetString()!;
            token = body.RootElement.GetProperty("token").GetString()!;
        }

        using HttpResponseMessage cql = await app.GetAsync("/data", token);
        Assert.Equal(HttpStatusCode.OK, cql.StatusCode);

        // Destroy: the token first (it depends on the role), then the role; the provider ignores the DELETE's answer,
        // so the role's 409 while a token holds it is shown here, not by Terraform.
        using HttpResponseMessage held = await app.SendAsync(Terraform(HttpMethod.Delete, $"/v2/organizations/roles/{roleId}", admin.Token));
        Assert.Equal(HttpStatusCode.Conflict, held.StatusCode);
        using HttpResponseMessage tokenDeleted = await app.SendAsync(Terraform(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        Assert.True(tokenDeleted.IsSuccessStatusCode, tokenDeleted.StatusCode.ToString());
        using HttpResponseMessage roleDeleted = await app.SendAsync(Terraform(HttpMethod.Delete, $"/v2/organizations/roles/{roleId}", admin.Token));
        Assert.True(roleDeleted.IsSuccessStatusCode, roleDeleted.StatusCode.ToString());
        using HttpResponseMessage gone = await app.SendAsync(Terraform(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
        Assert.NotEqual(HttpStatusCode.OK, gone.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JavaSdk_RolesClient_CreateFindUpdateDelete(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        // RoleDefinition through Jackson (NON_NULL): effect "allow" always, the organization's DRN first, and no
        // description at all when the builder was given none.
        using HttpResponseMessage created = await app.SendAsync(Java(HttpMethod.Post, "/v2/organizations/roles", admin.Token,
            """{"name":"sdk_role","policy":{"effect":"allow","resources":["drn:astra:org:default","drn:astra:org:default:db:orders"],"actions":["db-table-select"]}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string roleId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(created))
        {
            // CreateRoleResponse maps "ID", "Name" and "Policy", case-insensitively.
            roleId = Member(body.RootElement, "ID").GetString()!;
            Assert.Equal("sdk_role", Member(body.RootElement, "Name").GetString());
            Assert.Equal(JsonValueKind.Object, Member(body.RootElement, "Policy").ValueKind);
        }

        // find(roleId): 404 is "absent", anything else is parsed as a Role.
        using HttpResponseMessage found = await app.SendAsync(Java(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        using HttpResponseMessage absent = await app.SendAsync(Java(HttpMethod.Get, "/v2/organizations/roles/no-such-role", admin.Token));
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);

        // findByName: through the listing, names compared case-insensitively.
        using HttpResponseMessage listed = await app.SendAsync(Java(HttpMethod.Get, "/v2/organizations/roles", admin.Token));
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(listed))
        {
            Assert.Single(body.RootElement.EnumerateArray(), r => string.Equals(r.GetProperty("name").GetString(), "SDK_ROLE", StringComparison.OrdinalIgnoreCase));
        }

        // update(roleId, definition): a PUT whose answer is not read; delete(roleId): get, then DELETE.
        using HttpResponseMessage updated = await app.SendAsync(Java(HttpMethod.Put, $"/v2/organizations/roles/{roleId}", admin.Token,
            """{"name":"sdk_role","policy":{"description":"now described","effect":"allow","resources":["drn:astra:org:default"],"actions":["db-table-select","db-cql"]}}"""));
        using HttpResponseMessage beforeDelete = await app.SendAsync(Java(HttpMethod.Get, $"/v2/organizations/roles/{roleId}", admin.Token));
        using HttpResponseMessage deleted = await app.SendAsync(Java(HttpMethod.Delete, $"/v2/organizations/roles/{roleId}", admin.Token));

        Assert.All([created, found, listed, updated, beforeDelete, deleted], r => Assert.True((int)r.StatusCode is >= 200 and < 300, r.StatusCode.ToString()));
        using JsonDocument changed = await AstraHttp.ReadJsonAsync(beforeDelete);
        Assert.Equal("now described", changed.RootElement.GetProperty("policy").GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_DocumentedCreateRoleExample_Returns201(bool kestrel)
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: kestrel);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // curl --data with Accept: application/json and no Content-Type (curl then sends its form type).
        HttpRequestMessage request = AstraHttp.Post("/v2/organizations/roles", admin.Token, """
            {
                "name":"keyspace-creator",
                "policy": {
                  "description": "Create and describe keyspaces",
                  "resources": ["drn:astra:org:default"],
                  "actions": ["db-all-keyspace-create", "db-all-keyspace-describe"],
                  "effect": "allow"}
            }
            """, "application/x-www-form-urlencoded");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
    }

    private static JsonElement Member(JsonElement element, string name) =>
        element.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static HttpRequestMessage Terraform(HttpMethod method, string path, string bearer, string? json = null)
    {
        HttpRequestMessage request = TestApp.Request(method, path, bearer);
        request.Headers.UserAgent.ParseAdd("terraform-provider-astra/2.3.17");
        request.Headers.Add("X-Astra-Provider-Version", "2.3.17");
        request.Headers.Add("X-Astra-Client-Version", "0.12.0");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static HttpRequestMessage Java(HttpMethod method, string path, string bearer, string body = "")
    {
        HttpRequestMessage request = TestApp.Request(method, path, bearer);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }
}
