using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// Custom roles over HTTP: <c>POST /v2/organizations/roles</c> (201), <c>PUT</c> and <c>DELETE
/// /v2/organizations/roles/{roleId}</c> (200, 204), with <c>Location</c>, <c>ETag</c> and <c>If-Match</c>, every refusal
/// with its status and stable id, organizations kept apart, and a changed role applying at once to its tokens.
/// </summary>
public sealed class RoleManagementApiTests
{
    private const string Roles = "/v2/organizations/roles";

    private const string OrdersReaderBody =
        """{"name":"Orders Auditor","policy":{"description":"reads orders","resources":["drn:astra:org:default:db:orders"],"actions":["db-table-select","db-cql"],"effect":"allow"}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RoundTrip_CreateGetListUpdateDelete_StatusesHeadersAndBodies()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);

        // Create: 201, Location, ETag "1", the role in the listing's shape.
        using HttpResponseMessage created = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, OrdersReaderBody));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("application/json", created.Content.Headers.ContentType?.MediaType);
        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());
        string id;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(created))
        {
            JsonElement role = body.RootElement;
            Assert.Equal(["id", "name", "policy", "last_update_datetime", "last_update_userid"], AstraHttp.Names(role));
            id = role.GetProperty("id").GetString()!;
            Assert.True(Guid.TryParseExact(id, "D", out _), id);
            Assert.Equal(id.ToLowerInvariant(), id);   // the Terraform provider lower-cases the id it keeps
            Assert.Equal("Orders Auditor", role.GetProperty("name").GetString());
            JsonElement policy = role.GetProperty("policy");
            Assert.Equal(["description", "resources", "actions", "effect"], AstraHttp.Names(policy));
            Assert.Equal("reads orders", policy.GetProperty("description").GetString());
            Assert.Equal(["drn:astra:org:default:db:orders"], policy.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!));
            Assert.Equal(["db-cql", "db-table-select"], policy.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!));
            Assert.Equal("allow", policy.GetProperty("effect").GetString());
            DateTimeOffset updatedAt = role.GetProperty("last_update_datetime").GetDateTimeOffset();
            Assert.InRange(updatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Equal(admin.ClientId, role.GetProperty("last_update_userid").GetString());
        }

        Assert.Equal($"{Roles}/{id}", created.Headers.Location?.OriginalString);

        // Get at the Location: the same role, its ETag.
        using HttpResponseMessage got = await app.GetAsync(created.Headers.Location!.OriginalString, admin.Token);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal("\"1\"", got.Headers.ETag?.ToString());

        // List: the custom role beside the default and configured ones, which keep their fixed metadata.
        using HttpResponseMessage listed = await app.GetAsync(Roles, admin.Token);
        using (JsonDocument list = await AstraHttp.ReadJsonAsync(listed))
        {
            JsonElement[] roles = [.. list.RootElement.EnumerateArray()];
            Assert.Equal(DefaultRoles.All.Count + 3, roles.Length);
            Assert.Equal(admin.ClientId, roles.Single(r => r.GetProperty("id").GetString() == id).GetProperty("last_update_userid").GetString());
            JsonElement readOnly = roles.Single(r => r.GetProperty("id").GetString() == "read-only-user");
            Assert.Equal("1970-01-01T00:00:00Z", readOnly.GetProperty("last_update_datetime").GetString());
            Assert.Equal(JsonValueKind.Null, readOnly.GetProperty("last_update_userid").ValueKind);
        }

        // Update: 200, the role as changed, ETag "2"; fields left out are emptied.
        using HttpResponseMessage updated = await app.SendAsync(Put(id, admin.Token,
            """{"name":"Orders Writer","policy":{"actions":["db-table-modify"],"resources":["drn:astra:org:*:db:orders"]}}"""));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.ToString());
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(updated))
        {
            Assert.Equal(id, body.RootElement.GetProperty("id").GetString());
            Assert.Equal("Orders Writer", body.RootElement.GetProperty("name").GetString());
            Assert.Equal("", body.RootElement.GetProperty("policy").GetProperty("description").GetString());
            Assert.Equal(["db-table-modify"], body.RootElement.GetProperty("policy").GetProperty("actions").EnumerateArray().Select(a => a.GetString()!));
        }

        using HttpResponseMessage byName = await app.GetAsync($"{Roles}/{Uri.EscapeDataString("orders writer")}", admin.Token);
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        Assert.Equal("\"2\"", byName.Headers.ETag?.ToString());

        // Delete: 204, then 404.
        using HttpResponseMessage deleted = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync(Ct));
        using HttpResponseMessage gone = await app.GetAsync($"{Roles}/{id}", admin.Token);
        await AstraHttp.AssertErrorAsync(gone, HttpStatusCode.NotFound, 40401);
        using HttpResponseMessage deletedAgain = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token));
        await AstraHttp.AssertErrorAsync(deletedAgain, HttpStatusCode.NotFound, 40401);
    }

    [Fact]
    public async Task Create_MinimalBody_EffectAndResourcesOptional()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage created = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, """{"name":"Cql","policy":{"actions":["db-cql"]}}""", contentType: null));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = await AstraHttp.ReadJsonAsync(created);
        JsonElement policy = body.RootElement.GetProperty("policy");
        Assert.Equal("allow", policy.GetProperty("effect").GetString());
        Assert.Equal(["drn:astra:org:default"], policy.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!));
    }

    [Theory]
    [InlineData("""{"policy":{"actions":["db-cql"]}}""", "'name'")]
    [InlineData("""{"name":"   ","policy":{"actions":["db-cql"]}}""", "'name'")]
    [InlineData("""{"name":" padded","policy":{"actions":["db-cql"]}}""", "'name'")]
    [InlineData("""{"name":"Two\u202Efaced","policy":{"actions":["db-cql"]}}""", "'name'")]
    [InlineData("""{"name":"No policy"}""", "'policy'")]
    [InlineData("""{"name":"Empty","policy":{"actions":[]}}""", "'policy.actions'")]
    [InlineData("""{"name":"Unknown","policy":{"actions":["db-cql","db-rest","db-fly-to-the-moon"]}}""", "'policy.actions[2]'")]
    [InlineData("""{"name":"Bad DRN","policy":{"actions":["db-cql"],"resources":["arn:aws:s3:::bucket"]}}""", "'policy.resources[0]'")]
    [InlineData("""{"name":"Other org","policy":{"actions":["db-cql"],"resources":["drn:astra:org:default","drn:astra:org:globex:db:orders"]}}""", "'policy.resources[1]'")]
    [InlineData("""{"name":"Deny","policy":{"actions":["db-cql"],"effect":"deny"}}""", "'policy.effect'")]
    [InlineData("""{"name":"Line\nbreak","policy":{"actions":["db-cql"]}}""", "'name'")]
    public async Task Create_InvalidField_Is400NamingTheFieldWithoutEchoingIt(string body, string field)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, body));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40004);
        Assert.Contains(field, message, StringComparison.Ordinal);
        foreach (string echoed in (string[])["db-fly-to-the-moon", "arn:aws", "globex:db", "deny", "Two", "padded"])
        {
            Assert.DoesNotContain(echoed, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(app.App.Services.GetRequiredService<IRoleCatalog>().GetRoles(), r => r.IsEditable);
    }

    [Fact]
    public async Task Create_DescriptionTooLong_Is400NamingTheField()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string body = JsonSerializer.Serialize(new { name = "Long", policy = new { description = new string('x', 1001), actions = new[] { "db-cql" } } });

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, body));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40004);
        Assert.Contains("'policy.description'", message, StringComparison.Ordinal);
        Assert.Contains("1000", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"A","name":"B","policy":{"actions":["db-cql"]}}""", "'name' appears more than once")]
    [InlineData("""{"name":"A","policy":{"actions":["db-cql"],"ACTIONS":["db-rest"]}}""", "'policy.ACTIONS' appears more than once")]
    [InlineData("""{"name":"A","policy":{"actions":["db-cql"]},"orgId":"default"}""", "'orgId' is not part of the request")]
    [InlineData("""{"name":"A","policy":{"actions":["db-cql"],"efect":"allow"}}""", "'policy.efect' is not part of the request")]
    [InlineData("""{"name":"A","policy":{"actions":["db-cql",7]}}""", "'policy.actions[1]' must be a string")]
    [InlineData("""{"name":"A","policy":"db-cql"}""", "'policy' must be a JSON object")]
    [InlineData("""{"name":"A","policy":{"actions":["db-cql"]}} {}""", "not valid JSON")]
    [InlineData("""{"name":"A", not json""", "not valid JSON")]
    [InlineData("", "body is missing")]
    public async Task Create_MalformedBody_Is400WithoutEchoingIt(string body, string expected)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, body));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40000);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("not json", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BodyLargerThanTheLimit_Is400()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string body = JsonSerializer.Serialize(new { name = "Big", policy = new { description = new string('x', 20_000), actions = new[] { "db-cql" } } });

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, body));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40000);
        Assert.Contains("larger than", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read-only-user")]
    [InlineData("database-administrator")]   // manages tokens, reads roles, but may not write them
    public async Task Create_WithoutRoleWritePermission_Is403AndNothingIsCreated(string roleId)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken caller = await app.GenerateAsync(roleId);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, caller.Token,
            """{"name":"Billing","policy":{"actions":["org-billing-write"]}}"""));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Forbidden, 40300);
        Assert.Contains("'org-role-write'", message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.App.Services.GetRequiredService<IRoleCatalog>().GetRoles(), r => r.IsEditable);
    }

    [Fact]
    public async Task CreateAndUpdate_RoleGrantingMoreThanTheCallerHolds_Is403Escalation()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // A role administrator: may write roles, and read tables, but holds no billing permission.
        string roleAdminId = await CreateAsync(app, admin.Token,
            """{"name":"Role Admin","policy":{"actions":["org-role-read","org-role-write","db-table-select"]}}""");
        GeneratedToken roleAdmin = await app.GenerateAsync(roleAdminId);

        using HttpResponseMessage billing = await app.SendAsync(AstraHttp.Post(Roles, roleAdmin.Token,
            """{"name":"Billing","policy":{"actions":["db-table-select","org-billing-write"]}}"""));
        using HttpResponseMessage allowed = await app.SendAsync(AstraHttp.Post(Roles, roleAdmin.Token,
            """{"name":"Orders","policy":{"actions":["db-table-select"],"resources":["drn:astra:org:default:db:orders"]}}"""));
        string ordersId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(allowed))
        {
            ordersId = body.RootElement.GetProperty("id").GetString()!;
        }

        using HttpResponseMessage widened = await app.SendAsync(Put(ordersId, roleAdmin.Token,
            """{"name":"Orders","policy":{"actions":["db-table-select","org-billing-write"]}}"""));

        string message = await AstraHttp.AssertErrorAsync(billing, HttpStatusCode.Forbidden, 40301);
        Assert.Contains("'org-billing-write'", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Contains("'org-billing-write'", await AstraHttp.AssertErrorAsync(widened, HttpStatusCode.Forbidden, 40301), StringComparison.Ordinal);
        Assert.DoesNotContain(app.App.Services.GetRequiredService<IRoleCatalog>().GetRoles(), r => r.Name == "Billing");
    }

    [Theory]
    [InlineData("PUT", "read-only-user")]
    [InlineData("DELETE", "read-only-user")]
    [InlineData("PUT", TestApp.OrdersReaderRoleId)]
    [InlineData("DELETE", TestApp.OrdersReaderRoleId)]
    public async Task UpdateOrDelete_DefaultOrConfiguredRole_Is403ReadOnly(string method, string roleId)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        using HttpRequestMessage request = method == "PUT"
            ? Put(roleId, admin.Token, """{"name":"Read Only User","policy":{"actions":["db-cql"]}}""")
            : TestApp.Request(HttpMethod.Delete, $"{Roles}/{roleId}", admin.Token);

        using HttpResponseMessage response = await app.SendAsync(request);

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Forbidden, 40303);
        Assert.Contains("cannot be changed or deleted", message, StringComparison.Ordinal);
        Assert.True(app.App.Services.GetRequiredService<IRoleCatalog>().TryGetRole(roleId, out Role? kept) && !kept.IsEditable);
    }

    [Theory]
    [InlineData("Orders Auditor")]
    [InlineData("ORDERS AUDITOR")]
    [InlineData("Read Only User")]     // a default role's name
    [InlineData("orders reader")]      // a configured role's name
    public async Task Create_NameTaken_Is409(string name)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        await CreateAsync(app, admin.Token, OrdersReaderBody);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, admin.Token,
            JsonSerializer.Serialize(new { name, policy = new { actions = new[] { "db-cql" } } })));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Conflict, 40901);
        Assert.Contains("'name' is taken", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_RenameToATakenName_Is409()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        await CreateAsync(app, admin.Token, OrdersReaderBody);
        string other = await CreateAsync(app, admin.Token, """{"name":"Other","policy":{"actions":["db-cql"]}}""");

        using HttpResponseMessage response = await app.SendAsync(Put(other, admin.Token, """{"name":"orders auditor","policy":{"actions":["db-cql"]}}"""));

        await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Conflict, 40901);
    }

    [Fact]
    public async Task IfMatch_StaleVersion_Is412AndNothingChanges_CurrentVersionApplies()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        // Someone else changes it (no If-Match: the last writer wins): version 2.
        using HttpResponseMessage other = await app.SendAsync(Put(id, admin.Token, """{"name":"Orders Auditor","policy":{"actions":["db-cql"]}}"""));
        Assert.Equal("\"2\"", other.Headers.ETag?.ToString());

        using HttpRequestMessage stalePut = Put(id, admin.Token, """{"name":"Stale","policy":{"actions":["db-rest"]}}""");
        stalePut.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using HttpResponseMessage staleUpdate = await app.SendAsync(stalePut);
        using HttpRequestMessage staleDelete = TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token);
        staleDelete.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using HttpResponseMessage staleDeleted = await app.SendAsync(staleDelete);

        string message = await AstraHttp.AssertErrorAsync(staleUpdate, HttpStatusCode.PreconditionFailed, 41200);
        Assert.Contains("If-Match", message, StringComparison.Ordinal);
        await AstraHttp.AssertErrorAsync(staleDeleted, HttpStatusCode.PreconditionFailed, 41200);
        using HttpResponseMessage current = await app.GetAsync($"{Roles}/{id}", admin.Token);
        Assert.Equal("\"2\"", current.Headers.ETag?.ToString());
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(current))
        {
            Assert.Equal("Orders Auditor", body.RootElement.GetProperty("name").GetString());
        }

        // With the current ETag the change applies, then the deletion.
        using HttpRequestMessage freshPut = Put(id, admin.Token, """{"name":"Fresh","policy":{"actions":["db-rest"]}}""");
        freshPut.Headers.IfMatch.Add(current.Headers.ETag!);
        using HttpResponseMessage fresh = await app.SendAsync(freshPut);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("\"3\"", fresh.Headers.ETag?.ToString());
        using HttpRequestMessage freshDelete = TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token);
        freshDelete.Headers.IfMatch.Add(fresh.Headers.ETag!);
        using HttpResponseMessage deleted = await app.SendAsync(freshDelete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"abc\"")]
    [InlineData("1")]
    public async Task IfMatch_NotOneOfOurTags_Is400(string ifMatch)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        using HttpRequestMessage request = Put(id, admin.Token, OrdersReaderBody);
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Contains("'If-Match'", await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40000), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IfMatch_Star_MatchesAnyVersion()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token);
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Delete_RoleHeldByTokens_Is409WithTheCount_ThenSucceedsOnceTheyAreGone()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        using HttpResponseMessage minted = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, $$"""{"roles":["{{id}}"]}"""));
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        string clientId;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(minted))
        {
            clientId = body.RootElement.GetProperty("clientId").GetString()!;
        }

        GeneratedToken second = await app.GenerateAsync(id, "read-only-user");

        using HttpResponseMessage refused = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token));
        string message = await AstraHttp.AssertErrorAsync(refused, HttpStatusCode.Conflict, 40902);
        Assert.Contains("held by 2 tokens", message, StringComparison.Ordinal);
        using (JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal(2, problem.RootElement.GetProperty("tokenCount").GetInt32());
        }

        using HttpResponseMessage firstGone = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{clientId}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, firstGone.StatusCode);
        using HttpResponseMessage stillHeld = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token));
        Assert.Contains("held by 1 token;", await AstraHttp.AssertErrorAsync(stillHeld, HttpStatusCode.Conflict, 40902), StringComparison.Ordinal);
        using HttpResponseMessage secondGone = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"/v2/clientIdSecrets/{second.ClientId}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, secondGone.StatusCode);

        using HttpResponseMessage deleted = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Delete_WithoutRoleDeletePermission_Is403()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string writerId = await CreateAsync(app, admin.Token, """{"name":"Role Writer","policy":{"actions":["org-role-read","org-role-write"]}}""");
        GeneratedToken writer = await app.GenerateAsync(writerId);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", writer.Token));

        Assert.Contains("'org-role-delete'", await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Forbidden, 40300), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_UnknownRole_Is404WithoutEchoingIt()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(Put(admin.ClientId, admin.Token, OrdersReaderBody));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.NotFound, 40401);
        Assert.DoesNotContain(admin.ClientId, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedRole_AppliesAtOnceToItsTokens_ThroughThePermissionPoliciesAndHandler()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token,
            """{"name":"Orders","policy":{"actions":["db-table-select"],"resources":["drn:astra:org:default:db:orders"]}}""");
        GeneratedToken token = await app.GenerateAsync(id);

        // db-cql: not held yet (RequirePermission and a named policy); orders readable, inventory not.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/data", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/policy", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/orders/orders", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/orders/inventory", token.Token)).StatusCode);

        // Gains db-cql, and moves from orders to inventory: the very next requests see it.
        using HttpResponseMessage gained = await app.SendAsync(Put(id, admin.Token,
            """{"name":"Orders","policy":{"actions":["db-table-select","db-cql"],"resources":["drn:astra:org:default:db:inventory"]}}"""));
        Assert.Equal(HttpStatusCode.OK, gained.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/data", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/policy", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/orders/orders", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/orders/inventory", token.Token)).StatusCode);

        // Loses them again: refused at once.
        using HttpResponseMessage lost = await app.SendAsync(Put(id, admin.Token,
            """{"name":"Orders","policy":{"actions":["db-rest"]}}"""));
        Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/data", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/policy", token.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync("/orders/inventory", token.Token)).StatusCode);
    }

    [Fact]
    public async Task AnotherOrganization_CannotSeeChangeDeleteOrUseTheRole()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        var globexAdmin = new TokenCaller("globex-admin", "globex", [DefaultRoles.OrganizationAdministrator]);
        GeneratedToken globex = (await app.Manager.GenerateAsync(globexAdmin, DefaultRoles.OrganizationAdministrator.Id, null, Ct)).GetValueOrThrow();

        using HttpResponseMessage list = await app.GetAsync(Roles, globex.Token);
        using HttpResponseMessage byId = await app.GetAsync($"{Roles}/{id}", globex.Token);
        using HttpResponseMessage byName = await app.GetAsync($"{Roles}/{Uri.EscapeDataString("Orders Auditor")}", globex.Token);
        using HttpResponseMessage put = await app.SendAsync(Put(id, globex.Token, """{"name":"Mine now","policy":{"actions":["db-cql"]}}"""));
        using HttpResponseMessage delete = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", globex.Token));
        using HttpResponseMessage mint = await app.SendAsync(AstraHttp.Post("/v2/tokens", globex.Token, $$"""{"roles":["{{id}}"]}"""));
        // Names are per organization: globex may have its own "Orders Auditor".
        using HttpResponseMessage own = await app.SendAsync(AstraHttp.Post(Roles, globex.Token,
            """{"name":"Orders Auditor","policy":{"actions":["db-cql"],"resources":["drn:astra:org:globex:db:orders"]}}"""));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (JsonDocument roles = await AstraHttp.ReadJsonAsync(list))
        {
            Assert.DoesNotContain(roles.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == id);
            Assert.Equal(DefaultRoles.All.Count + 2, roles.RootElement.GetArrayLength());
        }

        await AstraHttp.AssertErrorAsync(byId, HttpStatusCode.NotFound, 40401);
        await AstraHttp.AssertErrorAsync(byName, HttpStatusCode.NotFound, 40401);
        await AstraHttp.AssertErrorAsync(put, HttpStatusCode.NotFound, 40401);
        await AstraHttp.AssertErrorAsync(delete, HttpStatusCode.NotFound, 40401);
        await AstraHttp.AssertErrorAsync(mint, HttpStatusCode.BadRequest, 40001);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        using HttpResponseMessage stillThere = await app.GetAsync($"{Roles}/{id}", admin.Token);
        using (JsonDocument role = await AstraHttp.ReadJsonAsync(stillThere))
        {
            Assert.Equal("Orders Auditor", role.RootElement.GetProperty("name").GetString());
            Assert.Equal("\"1\"", stillThere.Headers.ETag?.ToString());
        }
    }

    [Fact]
    public async Task PermissionHandler_RoleClaimOfAnotherOrganizationsRole_GrantsNothing()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // Database "orders" of any organization: what limits it to its own is that only its own can hold it.
        string id = await CreateAsync(app, admin.Token,
            """{"name":"Any Orders","policy":{"actions":["db-table-select"],"resources":["drn:astra:org:*:db:orders"]}}""");
        IAuthorizationService authorization = app.App.Services.GetRequiredService<IAuthorizationService>();
        ClaimsPrincipal User(string organization) => new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "someone"),
                new Claim(TokenClaimTypes.OrganizationId, organization),
                new Claim(ClaimTypes.Role, id),
                new Claim(TokenClaimTypes.Permission, Permissions.DbTableSelect),
            ],
            "Test"));
        var requirement = new PermissionRequirement(Permissions.DbTableSelect, ResourceScope.Parse("drn:astra:org:*:db:orders"));

        AuthorizationResult own = await authorization.AuthorizeAsync(User("default"), null, requirement);
        AuthorizationResult other = await authorization.AuthorizeAsync(User("globex"), null, requirement);

        Assert.True(own.Succeeded);
        Assert.False(other.Succeeded);
    }

    [Theory]
    [InlineData("database-administrator", HttpStatusCode.OK)]   // org-token-read: what Terraform's token resource holds
    [InlineData("ui-view-only", HttpStatusCode.OK)]             // org-role-read only
    [InlineData("billing-administrator", HttpStatusCode.Forbidden)]
    public async Task Read_NeedsTokenReadOrRoleRead(string roleId, HttpStatusCode expected)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        GeneratedToken caller = await app.GenerateAsync(roleId);

        using HttpResponseMessage list = await app.GetAsync(Roles, caller.Token);
        using HttpResponseMessage one = await app.GetAsync($"{Roles}/{id}", caller.Token);

        Assert.Equal(expected, list.StatusCode);
        Assert.Equal(expected, one.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            string message = await AstraHttp.AssertErrorAsync(one, HttpStatusCode.Forbidden, 40300);
            Assert.Contains("'org-role-read'", message, StringComparison.Ordinal);
            Assert.Contains("'org-token-read'", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Responses_MatchTheContractShapes()
    {
        JsonShape contract = JsonShape.Load(Path.Combine(AppContext.BaseDirectory, "Management", "Contract", "devops-v2.schema.json"));
        await using TestApp app = await TestApp.StartAsync(kestrel: true);
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        await app.GenerateAsync(id);
        using HttpResponseMessage created = await app.SendAsync(AstraHttp.Post(Roles, admin.Token, """{"name":"Shape","policy":{"actions":["db-cql"]}}"""));
        using HttpResponseMessage updated = await app.SendAsync(Put(id, admin.Token, OrdersReaderBody));
        using HttpResponseMessage one = await app.GetAsync($"{Roles}/{id}", admin.Token);
        using HttpResponseMessage list = await app.GetAsync(Roles, admin.Token);
        using HttpResponseMessage inUse = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", admin.Token));

        var violations = new List<string>();
        foreach ((HttpResponseMessage response, string definition) in new[] { (created, "role"), (updated, "role"), (one, "role"), (list, "roleList"), (inUse, "error") })
        {
            using JsonDocument json = await AstraHttp.ReadJsonAsync(response);
            violations.AddRange(contract.Check(json.RootElement, definition).Select(v => $"{response.RequestMessage!.Method} {(int)response.StatusCode}: {v}"));
        }

        Assert.Empty(violations);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Conflict],
            [created.StatusCode, updated.StatusCode, one.StatusCode, list.StatusCode, inUse.StatusCode]);
    }

    [Fact]
    public async Task Writes_AreAudited_RefusalsToo()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        GeneratedToken reader = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        string id = await CreateAsync(app, admin.Token, OrdersReaderBody);
        using HttpResponseMessage refused = await app.SendAsync(TestApp.Request(HttpMethod.Delete, $"{Roles}/{id}", reader.Token));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        string log = app.AllLogText();
        Assert.Contains(id, log, StringComparison.Ordinal);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Name == "AuditDenied" && r.Message.Contains(reader.ClientId, StringComparison.Ordinal));
    }

    internal static HttpRequestMessage Put(string roleId, string bearer, string json)
    {
        HttpRequestMessage request = AstraHttp.Post($"{Roles}/{roleId}", bearer, json);
        request.Method = HttpMethod.Put;
        return request;
    }

    /// <summary>Creates a role over HTTP as <paramref name="bearer"/>, returning its id.</summary>
    internal static async Task<string> CreateAsync(TestApp app, string bearer, string json)
    {
        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post(Roles, bearer, json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        using JsonDocument body = await AstraHttp.ReadJsonAsync(response);
        return body.RootElement.GetProperty("id").GetString()!;
    }
}
