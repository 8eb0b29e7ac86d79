using System.Net;
using System.Text;
using System.Text.Json;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests;

/// <summary>One pass over real sockets: Kestrel on 127.0.0.1, an ephemeral port, a real HttpClient.</summary>
[Trait("Category", "Slow")]
public sealed class KestrelEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kestrel_CreateTwoRolesCallDelete_TokenUsesBothRolesThenIsRejected()
    {
        await using TestApp app = await TestApp.StartAsync(kestrel: true);
        Assert.Equal("127.0.0.1", app.Client.BaseAddress!.Host);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpRequestMessage create = TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets", admin.Token);
        create.Content = new StringContent("""{ "roles": ["read-write-service-account", "Billing Administrator"], "description": "e2e" }""", Encoding.UTF8, "application/json");
        using HttpResponseMessage created = await app.SendAsync(create);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        using JsonDocument details = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        string clientId = details.RootElement.GetProperty("clientId").GetString()!;
        string token = details.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(
            ["read-write-service-account", "billing-administrator"],
            details.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));

        using HttpRequestMessage call = TestApp.Request(HttpMethod.Get, "/data");
        call.Headers.Add("X-Cassandra-Token", token);
        using HttpResponseMessage called = await app.SendAsync(call);
        Assert.Equal(HttpStatusCode.OK, called.StatusCode);
        // Billing is the second role's alone.
        using HttpResponseMessage billing = await app.GetAsync("/billing", token);
        Assert.Equal(HttpStatusCode.OK, billing.StatusCode);

        using HttpResponseMessage deleted = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using HttpResponseMessage rejected = await app.GetAsync("/data", token);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal("Bearer", Assert.Single(rejected.Headers.WwwAuthenticate).Scheme);
    }
}
