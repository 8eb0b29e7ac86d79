using System.Net;
using System.Text.Json;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// Every management response checked against the Astra DevOps API v2 shapes kept in Management/Contract/devops-v2.schema.json
/// (field names, types, required fields; closed where the contract lists every field), over real Kestrel.
/// </summary>
public sealed class ContractShapeTests
{
    private static readonly JsonShape s_contract = JsonShape.Load(Path.Combine(AppContext.BaseDirectory, "Management", "Contract", "devops-v2.schema.json"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryRoute_Responses_MatchTheContractShapes()
    {
        // Arrange
        await using TestApp app = await TestApp.StartAsync(kestrel: true);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken reader = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        var checks = new List<(string What, HttpResponseMessage Response, string Definition)>();

        // Act: one request of each kind, successes and errors.
        checks.Add(("POST /v2/clientIdSecrets", await app.SendAsync(AstraHttp.Post("/v2/clientIdSecrets", admin.Token, """{"roles":["read-only-user"]}""")), "createResponse"));
        checks.Add(("POST /v2/tokens (two roles)", await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["read-only-user","Billing Administrator"],"description":"d"}""", contentType: null)), "createResponse"));
        checks.Add(("GET /v2/clientIdSecrets", await app.GetAsync("/v2/clientIdSecrets", admin.Token), "tokenList"));
        checks.Add(("GET /v2/organizations/roles", await app.GetAsync("/v2/organizations/roles", admin.Token), "roleList"));
        checks.Add(("GET /v2/organizations/roles/{id}", await app.GetAsync("/v2/organizations/roles/read-only-user", admin.Token), "role"));
        checks.Add(("GET /v2/currentOrg", await app.GetAsync("/v2/currentOrg", admin.Token), "currentOrg"));
        checks.Add(("400", await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["read-only-user"],"expiresAt":"1999-01-01T00:00:00Z"}""")), "error"));
        checks.Add(("400 repeated role", await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, """{"roles":["read-only-user","READ-ONLY-USER"]}""")), "error"));
        checks.Add(("403", await app.GetAsync("/v2/clientIdSecrets", reader.Token), "error"));
        checks.Add(("404 token", await app.SendAsync(TestApp.Request(HttpMethod.Delete, "/v2/clientIdSecrets/abcdefghijklmnopqrstuvwx", admin.Token)), "error"));
        checks.Add(("404 role", await app.GetAsync("/v2/organizations/roles/no-such-role", admin.Token), "error"));
        checks.Add(("401", await app.GetAsync("/v2/clientIdSecrets", "tsdk_notatoken"), "error"));

        // Assert
        var violations = new List<string>();
        foreach ((string what, HttpResponseMessage response, string definition) in checks)
        {
            using (response)
            {
                string body = await response.Content.ReadAsStringAsync(Ct);
                using JsonDocument json = JsonDocument.Parse(body);
                violations.AddRange(s_contract.Check(json.RootElement, definition).Select(v => $"{what} ({(int)response.StatusCode}): {v}"));
            }
        }

        Assert.Empty(violations);
        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
             HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized],
            checks.Select(c => c.Response.StatusCode));
    }

    [Theory]
    [InlineData("""{"clientId":"a","secret":"s","orgId":"o","roles":["r"],"token":"t"}""", "createResponse", "the required field 'generatedOn' is missing")]
    [InlineData("""{"clientId":"a","secret":"s","orgId":"o","roles":"r","token":"t","generatedOn":"2026-01-01T00:00:00Z"}""", "createResponse", "$.roles: expected array")]
    [InlineData("""{"clients":[{"clientId":"a","roles":[],"generatedOn":"yesterday","description":"","tokenExpiry":null}]}""", "tokenList", "is not an RFC 3339 date-time")]
    [InlineData("""{"clients":[{"clientId":"a","roles":[],"generatedOn":"2026-01-01T00:00:00Z","description":"","tokenExpiry":null,"lastUsedAt":null}]}""", "tokenList", "the field 'lastUsedAt' is not in the contract")]
    [InlineData("""{"errors":[{"ID":"40000","message":"m"}]}""", "error", "$.errors[0].ID: expected integer")]
    public void Check_ShapeViolation_IsReportedWithItsPath(string json, string definition, string expected)
    {
        using JsonDocument document = JsonDocument.Parse(json);

        IReadOnlyList<string> violations = s_contract.Check(document.RootElement, definition);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }
}
