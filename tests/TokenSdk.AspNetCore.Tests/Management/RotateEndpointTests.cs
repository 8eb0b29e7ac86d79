using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>TokenSdk's <c>POST /v2/clientIdSecrets/{clientId}/rotate</c>.</summary>
public class RotateEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rotate_NoBody_NewTokenOfTheSameRolesAndTheOldOneStopsAtOnce()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken old = await app.GenerateAsync(DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id);

        HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Post, $"/v2/clientIdSecrets/{old.ClientId}/rotate", admin.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        JsonElement root = body.RootElement;
        Assert.Equal(["read-only-user", "billing-administrator"], root.GetProperty("roles").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEqual(old.ClientId, root.GetProperty("clientId").GetString());
        TokenVerificationResult fresh = await VerifyAsync(app, root.GetProperty("token").GetString()!);
        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator], fresh.Roles);
        Assert.Equal(VerificationStatus.UnknownClient, (await VerifyAsync(app, old.Token)).Status);
        Assert.Equal(
            ["clientId", "secret", "orgId", "roles", "token", "generatedOn"],
            root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Rotate_GracePeriodDescriptionAndRoles_AreHonoured()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken old = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        HttpResponseMessage response = await app.SendAsync(Post(
            $"/v2/clientIdSecrets/{old.ClientId}/rotate", admin.Token,
            """{"gracePeriod": 3600, "description": "rotated", "roles": ["Read/Write User"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        string newClientId = body.RootElement.GetProperty("clientId").GetString()!;
        TokenVerificationResult oldResult = await VerifyAsync(app, old.Token);
        Assert.True(oldResult.IsValid);
        Assert.InRange(oldResult.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Same(DefaultRoles.ReadWriteUser, Assert.Single((await VerifyAsync(app, body.RootElement.GetProperty("token").GetString()!)).Roles));

        using JsonDocument list = JsonDocument.Parse(await (await app.GetAsync("/v2/clientIdSecrets", admin.Token)).Content.ReadAsStringAsync(Ct));
        JsonElement listed = list.RootElement.GetProperty("clients").EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == newClientId);
        Assert.Equal("rotated", listed.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("""{"grace": 60}""", "'grace' is not part of the request")]
    [InlineData("""{"gracePeriod": -1}""", "'gracePeriod' must be a whole number of seconds")]
    [InlineData("""{"gracePeriod": 1.5}""", "'gracePeriod' must be a whole number of seconds")]
    [InlineData("""{"gracePeriod": "1h"}""", "'gracePeriod' must be a whole number of seconds")]
    [InlineData("""{"gracePeriod": 31536000}""", "grace period must lie between")]
    [InlineData("""{"roles": []}""", "'roles' is required")]
    [InlineData("""{"roles": ["no-such-role"]}""", "'no-such-role'")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task Rotate_BadBody_Is4xxNamingTheFieldAndNothingChanges(string json, string message)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken old = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        HttpResponseMessage response = await app.SendAsync(Post($"/v2/clientIdSecrets/{old.ClientId}/rotate", admin.Token, json));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(message, Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("message").GetString(), StringComparison.Ordinal);
        TokenVerificationResult unchanged = await VerifyAsync(app, old.Token);
        Assert.True(unchanged.IsValid);
        Assert.Null(unchanged.ExpiresAt);
    }

    [Fact]
    public async Task Rotate_UnknownClientReaderAndNoCredential_Are404_403_401()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken reader = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        HttpResponseMessage unknown = await app.SendAsync(TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets/AAAAAAAAAAAAAAAAAAAAAAAA/rotate", admin.Token));
        HttpResponseMessage forbidden = await app.SendAsync(TestApp.Request(HttpMethod.Post, $"/v2/clientIdSecrets/{admin.ClientId}/rotate", reader.Token));
        HttpResponseMessage anonymous = await app.SendAsync(TestApp.Request(HttpMethod.Post, $"/v2/clientIdSecrets/{admin.ClientId}/rotate"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True((await VerifyAsync(app, admin.Token)).IsValid);
    }

    private static HttpRequestMessage Post(string path, string bearer, string json)
    {
        HttpRequestMessage request = TestApp.Request(HttpMethod.Post, path, bearer);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    private static async Task<TokenVerificationResult> VerifyAsync(TestApp app, string token) =>
        await app.App.Services.GetRequiredService<ITokenVerifier>().VerifyAsync(token, Ct);
}
