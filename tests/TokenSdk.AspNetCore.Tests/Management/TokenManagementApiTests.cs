using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenSdk.AspNetCore.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

public sealed class TokenManagementApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullFlow_CreateListCallDelete_NewTokenWorksThenIsRejected()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        // Create
        using HttpResponseMessage created = await app.SendAsync(Create(admin.Token, """{ "roles": ["Read Only User"], "description": "reporting job" }"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using JsonDocument details = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        JsonElement root = details.RootElement;
        string clientId = root.GetProperty("clientId").GetString()!;
        string token = root.GetProperty("token").GetString()!;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("secret").GetString()));
        Assert.Equal("default", root.GetProperty("orgId").GetString());
        Assert.Equal("read-only-user", Assert.Single(root.GetProperty("roles").EnumerateArray()).GetString());
        Assert.True(root.TryGetProperty("generatedOn", out _));

        // List
        using HttpResponseMessage listed = await app.GetAsync("/v2/clientIdSecrets", admin.Token);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        string listJson = await listed.Content.ReadAsStringAsync(Ct);
        using JsonDocument list = JsonDocument.Parse(listJson);
        JsonElement entry = Assert.Single(list.RootElement.GetProperty("clients").EnumerateArray(), c => c.GetProperty("clientId").GetString() == clientId);
        Assert.Equal("reporting job", entry.GetProperty("description").GetString());
        Assert.Equal("read-only-user", Assert.Single(entry.GetProperty("roles").EnumerateArray()).GetString());
        Assert.True(entry.TryGetProperty("generatedOn", out _));
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("tokenExpiry").ValueKind);
        Assert.Equal(["clientId", "roles", "generatedOn", "description", "tokenExpiry", "lastUsed"], entry.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain(root.GetProperty("secret").GetString()!, listJson, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listJson, StringComparison.Ordinal);

        // Call with the new token
        using HttpResponseMessage call = await app.GetAsync("/data", token);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);

        // Delete
        using HttpResponseMessage deleted = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // The token is rejected
        using HttpResponseMessage rejected = await app.GetAsync("/data", token);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
    }

    [Fact]
    public async Task Create_Success_SendsNoStore()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(Create(admin.Token, """{ "roles": ["read-only-user"] }"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
    }

    [Fact]
    public async Task Create_ReadOnlyToken_Returns403NamingPermissionAndStoresNothing()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.SendAsync(Create(readOnly.Token, """{ "roles": ["read-only-user"] }"""));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "org-token-write");
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Theory]
    [InlineData("GET", "/v2/clientIdSecrets")]
    [InlineData("GET", "/v2/roles")]
    [InlineData("DELETE", "/v2/clientIdSecrets/abcdefghijklmnopqrstuvwx")]
    public async Task Management_TokenWithoutManagementPermission_Returns403NamingPermission(string method, string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(new HttpMethod(method), path, readOnly.Token));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, method == "GET" ? "org-token-read" : "org-token-write");
    }

    [Theory]
    [InlineData("GET", "/v2/clientIdSecrets")]
    [InlineData("POST", "/v2/clientIdSecrets")]
    [InlineData("DELETE", "/v2/clientIdSecrets/abcdefghijklmnopqrstuvwx")]
    [InlineData("GET", "/v2/roles")]
    public async Task Management_NoToken_Returns401(string method, string path)
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Create_Escalation_Returns403AndStoresNothing()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken dbAdmin = await app.GenerateAsync(DefaultRoles.DatabaseAdministrator);

        using HttpResponseMessage response = await app.SendAsync(Create(dbAdmin.Token, """{ "roles": ["organization-administrator"] }"""));

        string detail = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Privilege escalation refused");
        Assert.Contains("The role 'Organization Administrator' grants the permission '", detail, StringComparison.Ordinal);
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Theory]
    [InlineData("", "missing")]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{ "roles": ["read-only-user"] } {}""", "not valid JSON")]
    [InlineData("""{ "description": "no roles" }""", "'roles' is required")]
    [InlineData("""{ "roles": [] }""", "'roles' is required")]
    [InlineData("""{ "roles": [""] }""", "'roles' holds an empty role")]
    [InlineData("""{ "roles": ["read-only-user", "billing-administrator", "read-only-user"] }""", "'roles' names the same role twice (entries 1 and 3)")]
    [InlineData("""{ "roles": ["read-only-user", "no-such-role"] }""", "No role has the id or name 'no-such-role'")]
    [InlineData("""{ "roles": "read-only-user" }""", "'roles' must be an array")]
    [InlineData("""{ "roles": [1] }""", "'roles' must be an array")]
    [InlineData("""{ "roles": ["read-only-user"], "expiresAt": "1999-01-01T00:00:00Z" }""", "The field 'expiresAt' is not part of the request")]
    [InlineData("""{ "roles": ["read-only-user"], "tokenExpiration": null }""", "The field 'tokenExpiration' is not part of the request")]
    [InlineData("""{ "roles": ["read-only-user"], "roles": ["organization-administrator"] }""", "The field 'roles' appears more than once")]
    [InlineData("""{ "roles": ["read-only-user"], "Description": "a", "description": "b" }""", "The field 'description' appears more than once")]
    [InlineData("""{ "roles": ["read-only-user"], "tokenExpiry": "tomorrow" }""", "'tokenExpiry' must be an ISO-8601 instant")]
    [InlineData("""{ "roles": ["read-only-user"], "tokenExpiry": "2099-01-01T00:00:00" }""", "'tokenExpiry' must be an ISO-8601 instant")]
    [InlineData("""{ "roles": ["read-only-user"], "tokenExpiry": "2099-01-01T00:00:00Z" }""", "never expire here")]
    [InlineData("""{ "roles": ["read-only-user"], "description": 5 }""", "'description' must be a string")]
    [InlineData("""{ "roles": ["read-only-user"], "tsdk_IFmJaaaaaaaaaaaaaaaaaaaa_0123456789abcdef0123456789abcdef": 1 }""", "The field of 62 characters")]
    [InlineData("""{ "roles": ["no-such-role"] }""", "no-such-role")]
    [InlineData("""{ "roles": ["read-only-user"], "description": "line\nbreak" }""", "description")]
    public async Task Create_BadInput_Returns400AndStoresNothing(string body, string expectedInDetail)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(Create(admin.Token, body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expectedInDetail);
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Fact]
    public async Task Create_AstraFieldsOfTheCallersOrganization_AcceptedWithTheExpiryHonoured()
    {
        await using TestApp app = await TestApp.StartAsync(configureServices: s => s.Configure<TokenSdkOptions>(o => o.Management.AllowExpiry = true));
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        DateTimeOffset expiry = DateTimeOffset.UtcNow.AddDays(30);
        string body = $$"""{ "Roles": ["read-only-user"], "orgId": "default", "description": "", "tokenExpiry": "{{expiry:yyyy-MM-ddTHH:mm:ss}}Z" }""";

        using HttpResponseMessage response = await app.SendAsync(Create(admin.Token, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        TokenInfo stored = (await app.Manager.GetAsync(TestApp.Admin, created.RootElement.GetProperty("clientId").GetString()!, Ct)).GetValueOrThrow();
        Assert.Equal(new DateTimeOffset(expiry.Year, expiry.Month, expiry.Day, expiry.Hour, expiry.Minute, expiry.Second, TimeSpan.Zero), stored.ExpiresAt);
    }

    [Theory]
    [InlineData("other-org")]
    [InlineData("no-such-org")]
    public async Task Create_OrgIdOfAnotherOrganization_Returns403SameAnswerAndAudited(string orgId)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(Create(admin.Token, $$"""{ "roles": ["read-only-user"], "orgId": "{{orgId}}" }"""));

        string detail = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "only in its own organization");
        Assert.DoesNotContain(orgId, detail, StringComparison.Ordinal);
        Assert.Equal(1, await CountTokensAsync(app));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Name == "AuditDenied" && r.Message.Contains("generate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Management_ManyRejectedRequests_WriteNoInformationLinePerRequest()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        int before = app.Logs.GetSnapshot().Count(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information && r.Category!.StartsWith("TokenSdk.AspNetCore", StringComparison.Ordinal));

        for (int i = 0; i < 20; i++)
        {
            using HttpResponseMessage forbidden = await app.GetAsync("/v2/clientIdSecrets", readOnly.Token);
            using HttpResponseMessage invalid = await app.SendAsync(Create(admin.Token, "{ not json"));
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        int after = app.Logs.GetSnapshot().Count(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information && r.Category!.StartsWith("TokenSdk.AspNetCore", StringComparison.Ordinal));
        Assert.Equal(before, after);
        Assert.Equal(40, app.Logs.GetSnapshot().Count(r => r.Id.Name == "ManagementRequestRejected"));
    }

    [Theory]
    [InlineData("POST", "/v2/clientIdSecrets", "generate")]
    [InlineData("GET", "/v2/clientIdSecrets", "list")]
    [InlineData("GET", "/v2/roles", "list")]
    [InlineData("DELETE", "/v2/clientIdSecrets/abcdefghijklmnopqrstuvwx", "delete")]
    public async Task Management_DeniedOverHttp_IsAuditedByTheManager(string method, string path, string operation)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = TestApp.Request(new HttpMethod(method), path, readOnly.Token);
        if (method == "POST")
        {
            request.Content = new StringContent("""{ "roles": ["read-only-user"] }""", Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Microsoft.Extensions.Logging.Testing.FakeLogRecord audit = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Name == "AuditDenied");
        Assert.Contains($"{operation} by {readOnly.ClientId}", audit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OversizedBody_Returns400AndStoresNothing()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string body = $$"""{ "roles": ["read-only-user"], "description": "{{new string('x', 20_000)}}" }""";

        using HttpResponseMessage response = await app.SendAsync(Create(admin.Token, body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "larger than 16384 bytes");
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Fact]
    public async Task Create_OversizedChunkedBodyWithoutLength_Returns400AndStoresNothing()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        byte[] body = Encoding.UTF8.GetBytes($$"""{ "roles": ["read-only-user"], "description": "{{new string('x', 20_000)}}" }""");
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets", admin.Token);
        request.Content = new StreamContent(new MemoryStream(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using HttpResponseMessage response = await app.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "larger than");
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json")]
    public async Task Create_JsonBodyWhateverContentType_Returns200(string? contentType)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets", admin.Token);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"roles":["read-only-user"]}"""));
        request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, await CountTokensAsync(app));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Create_NotJsonBodyOfAnotherContentType_Returns400(string contentType)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets", admin.Token);
        request.Content = new StringContent("roles=read-only-user", Encoding.UTF8, contentType);

        using HttpResponseMessage response = await app.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Fact]
    public async Task Delete_UnknownClientId_Returns404()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Delete, "/v2/clientIdSecrets/abcdefghijklmnopqrstuvwx", admin.Token));

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "abcdefghijklmnopqrstuvwx");
    }

    [Fact]
    public async Task Delete_LastManagerToken_Returns409AndKeepsIt()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{admin.ClientId}", admin.Token));

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "last token");
        using HttpResponseMessage still = await app.GetAsync("/v2/clientIdSecrets", admin.Token);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Delete_InvalidReason_Returns400AndKeepsToken()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken other = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{other.ClientId}?reason=expired", admin.Token));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "reason");
        Assert.Equal(2, await CountTokensAsync(app));
    }

    [Fact]
    public async Task Roles_ManagerToken_ListsEveryRoleWithPermissions()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.DatabaseAdministrator);

        using HttpResponseMessage response = await app.GetAsync("/v2/roles", admin.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument roles = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(DefaultRoles.All.Count + 2, roles.RootElement.GetArrayLength());
        JsonElement readOnly = Assert.Single(roles.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == "read-only-user");
        Assert.Equal("Read Only User", readOnly.GetProperty("name").GetString());
        Assert.Equal(DefaultRoles.ReadOnlyUser.Description, readOnly.GetProperty("description").GetString());
        Assert.Equal(
            DefaultRoles.ReadOnlyUser.Permissions.Order(StringComparer.Ordinal),
            readOnly.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
        JsonElement scoped = Assert.Single(roles.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == TestApp.OrdersReaderRoleId);
        Assert.Equal("drn:astra:org:default:db:orders", Assert.Single(scoped.GetProperty("resources").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task MapTokenManagement_CustomPrefix_MapsThere()
    {
        await using TestApp app = await TestApp.StartAsync(managementPrefix: "/api/tokens");
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage moved = await app.GetAsync("/api/tokens/roles", admin.Token);
        using HttpResponseMessage old = await app.GetAsync("/v2/roles", admin.Token);

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }

    [Fact]
    public async Task ManagementFlow_Logs_HoldNoSecretOrToken()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.AcceptBasic = true);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        using HttpResponseMessage created = await app.SendAsync(Create(admin.Token, """{ "roles": ["read-only-user"] }"""));
        using JsonDocument details = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        string clientId = details.RootElement.GetProperty("clientId").GetString()!;
        string secret = details.RootElement.GetProperty("secret").GetString()!;
        string token = details.RootElement.GetProperty("token").GetString()!;
        using HttpResponseMessage call = await app.GetAsync("/data", token);
        using HttpRequestMessage basic = TestApp.Request(HttpMethod.Get, "/data");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using HttpResponseMessage basicCall = await app.SendAsync(basic);
        using HttpResponseMessage denied = await app.SendAsync(Create(token, """{ "roles": ["read-only-user"] }"""));
        using HttpResponseMessage deleted = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        using HttpResponseMessage rejected = await app.GetAsync("/data", token);
        using HttpResponseMessage badBody = await app.SendAsync(Create(admin.Token, $$"""{ "roles": ["{{token}}"] }"""));

        string logs = app.AllLogText();

        Assert.Equal(HttpStatusCode.OK, basicCall.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Token, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_TokenPastedAsClientId_Returns404AndTokenSdkLogsHoldNoToken()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken victim = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{victim.Token}", admin.Token));

        string detail = await AssertProblemAsync(response, HttpStatusCode.NotFound, "Not found");
        Assert.DoesNotContain(victim.Token, detail, StringComparison.Ordinal);
        // ASP.NET Core's own request logging writes the path; TokenSdk's messages must not.
        string tokenSdkLogs = string.Join('\n', app.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("TokenSdk", StringComparison.Ordinal) == true).Select(r => r.Message));
        Assert.Contains("/v2/clientIdSecrets/{clientId}", tokenSdkLogs, StringComparison.Ordinal);
        Assert.DoesNotContain(victim.Token, tokenSdkLogs, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Create(string bearer, string body)
    {
        HttpRequestMessage request = TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets", bearer);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    private static async Task<int> CountTokensAsync(TestApp app) =>
        (await app.Manager.ListAsync(TestApp.Admin, cancellationToken: Ct)).GetValueOrThrow().Tokens.Count;

    /// <summary>Asserts a ProblemDetails response with its Astra errors[] member and returns its detail.</summary>
    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string expectedText)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        string title = problem.RootElement.GetProperty("title").GetString()!;
        string detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(expectedText, title + " " + detail, StringComparison.Ordinal);
        JsonElement error = Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal((int)status, error.GetProperty("ID").GetInt32() / 100);
        Assert.Equal(detail, error.GetProperty("message").GetString());
        return detail;
    }
}
