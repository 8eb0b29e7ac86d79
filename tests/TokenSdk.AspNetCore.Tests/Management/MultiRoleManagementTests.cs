using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// Tokens of several roles through the management API, as the DevOps API v2 contract's <c>roles</c> array allows:
/// creation, listing, what the token may then do, and every refusal with its stable error id.
/// </summary>
public sealed class MultiRoleManagementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v2/clientIdSecrets")]
    [InlineData("/v2/tokens")]
    public async Task Create_TwoRolesByIdAndByNameInAnotherCase_TokenHoldsBothAndTheUnionOfTheirPermissions(string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        // Read Only Service Account: CQL, no database listing. Billing Administrator: billing only.
        string[] expectedIds = [DefaultRoles.ReadOnlyServiceAccount.Id, DefaultRoles.BillingAdministrator.Id];

        // Create: the first role by id, the second by name in another case.
        using HttpResponseMessage created = await app.SendAsync(AstraHttp.Post(path, admin.Token, """{"roles":["read-only-service-account","BILLING administrator"],"description":"two roles"}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        string clientId, token;
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(created))
        {
            JsonElement root = body.RootElement;
            Assert.Equal(expectedIds, Ids(root.GetProperty("roles")));
            clientId = root.GetProperty("clientId").GetString()!;
            token = root.GetProperty("token").GetString()!;
        }

        // List: both role ids, in the order asked.
        using HttpResponseMessage listed = await app.GetAsync("/v2/clientIdSecrets", admin.Token);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(listed))
        {
            JsonElement entry = Assert.Single(body.RootElement.GetProperty("clients").EnumerateArray(), c => c.GetProperty("clientId").GetString() == clientId);
            Assert.Equal(expectedIds, Ids(entry.GetProperty("roles")));
        }

        // The principal: one role claim per role, permission claims the union.
        using HttpResponseMessage claims = await app.GetAsync("/claims", token);
        Assert.Equal(HttpStatusCode.OK, claims.StatusCode);
        using (JsonDocument body = await AstraHttp.ReadJsonAsync(claims))
        {
            Assert.Equal(expectedIds, Ids(body.RootElement.GetProperty("roles")));
            Assert.Equal(
                DefaultRoles.ReadOnlyServiceAccount.Permissions.Union(DefaultRoles.BillingAdministrator.Permissions).Order(StringComparer.Ordinal),
                Ids(body.RootElement.GetProperty("permissions")).Order(StringComparer.Ordinal));
        }

        // A permission of the first role only, of the second role only, and of neither.
        Assert.False(DefaultRoles.BillingAdministrator.HasPermission(Permissions.DbCql));
        Assert.False(DefaultRoles.ReadOnlyServiceAccount.HasPermission(Permissions.OrgBillingWrite));
        Assert.False(DefaultRoles.ReadOnlyServiceAccount.HasPermission(Permissions.OrgDbView) || DefaultRoles.BillingAdministrator.HasPermission(Permissions.OrgDbView));
        using HttpResponseMessage first = await app.GetAsync("/data", token);
        using HttpResponseMessage second = await app.GetAsync("/billing", token);
        using HttpResponseMessage neither = await app.GetAsync("/v2/databases", token);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, neither.StatusCode);
    }

    [Fact]
    public async Task Create_SixteenRoles_Returns200WithEveryRoleIdInOrder()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string[] ids = [.. DefaultRoles.All.Select(r => r.Id).Reverse()];
        Assert.Equal(TokenGenerationRequest.MaxRoles, ids.Length);

        using HttpResponseMessage created = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, JsonSerializer.Serialize(new { roles = ids })));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using JsonDocument body = await AstraHttp.ReadJsonAsync(created);
        Assert.Equal(ids, Ids(body.RootElement.GetProperty("roles")));
    }

    [Theory]
    [InlineData("""{"roles":[]}""", 40000, "'roles' is required")]
    [InlineData("""{"roles":["read-only-user","billing-administrator",""]}""", 40000, "'roles' holds an empty role id or name (entry 3)")]
    [InlineData("""{"roles":["read-only-user","billing-administrator","READ-ONLY-USER"]}""", 40002, "'roles' names the same role twice (entries 1 and 3)")]
    [InlineData("""{"roles":["read-only-user","Read Only User"]}""", 40002, "'roles' names the role 'Read Only User' twice (entries 1 and 2)")]
    [InlineData("""{"roles":["read-only-user","no-such-role"]}""", 40001, "'no-such-role'")]
    public async Task Create_BadRoleList_Returns400WithItsIdNamingTheFieldOrRoleAndStoresNothing(string body, int id, string expected)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, body));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, id);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Fact]
    public async Task Create_SeventeenRoles_Returns400With40002NamingTheFieldAndTheLimit()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string[] ids = [.. DefaultRoles.All.Select(r => r.Id), TestApp.OrdersReaderRoleId];
        Assert.Equal(TokenGenerationRequest.MaxRoles + 1, ids.Length);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, JsonSerializer.Serialize(new { roles = ids })));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40002);
        Assert.Equal("'roles' holds 17 roles; a token holds at most 16.", message);
        Assert.Equal(1, await CountTokensAsync(app));
    }

    [Fact]
    public async Task Create_RepeatedRoleOfAPastedCredential_DoesNotEchoIt()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, $$"""{"roles":["{{admin.Token}}","{{admin.Token}}"]}"""));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.BadRequest, 40002);
        Assert.DoesNotContain(admin.Token, message, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Token, app.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SecondRoleTheCallerCannotGrant_Returns403NamingItAuditedAndStoresNothing()
    {
        await using TestApp app = await TestApp.StartAsync();
        // A Database Administrator may grant Read Only User, not Billing Administrator.
        GeneratedToken dbAdmin = await app.GenerateAsync(DefaultRoles.DatabaseAdministrator);

        using HttpResponseMessage response = await app.SendAsync(AstraHttp.Post("/v2/clientIdSecrets", dbAdmin.Token, """{"roles":["read-only-user","billing-administrator"]}"""));

        string message = await AstraHttp.AssertErrorAsync(response, HttpStatusCode.Forbidden, 40301);
        Assert.Contains("The role 'Billing Administrator' grants the permission 'org-billing-", message, StringComparison.Ordinal);
        Assert.Equal(1, await CountTokensAsync(app));
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Name == "AuditDenied" && r.Message.Contains(dbAdmin.ClientId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_RepeatedRolesWithoutWritePermission_Returns400BeforeAuthorizationButOneRoleTwiceByIdAndName403()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken readOnly = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        // The same text twice is refused from the body alone; whether two spellings name one role is the catalog's
        // to say, and only after the manager authorized the caller.
        using HttpResponseMessage sameText = await app.SendAsync(AstraHttp.Post("/v2/tokens", readOnly.Token, """{"roles":["read-only-user","read-only-user"]}"""));
        using HttpResponseMessage idAndName = await app.SendAsync(AstraHttp.Post("/v2/tokens", readOnly.Token, """{"roles":["read-only-user","Read Only User"]}"""));

        await AstraHttp.AssertErrorAsync(sameText, HttpStatusCode.BadRequest, 40002);
        string message = await AstraHttp.AssertErrorAsync(idAndName, HttpStatusCode.Forbidden, 40300);
        Assert.Contains("org-token-write", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_RolesScopedToDifferentDatabases_EachPermissionOnlyWhereItsRoleGrantsIt()
    {
        // Orders Reader: db-table-select on database orders. Inventory CQL: db-cql on database inventory.
        await using TestApp app = await TestApp.StartAsync(configureServices: s => s.Configure<TokenSdkOptions>(o =>
        {
            var role = new CustomRoleOptions { Id = "inventory-cql", Name = "Inventory CQL" };
            role.Permissions.Add(Permissions.DbCql);
            role.Resources.Add("drn:astra:org:default:db:inventory");
            o.CustomRoles.Add(role);
        }));
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        using HttpResponseMessage created = await app.SendAsync(AstraHttp.Post("/v2/tokens", admin.Token, $$"""{"roles":["{{TestApp.OrdersReaderRoleId}}","Inventory CQL"]}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using JsonDocument body = await AstraHttp.ReadJsonAsync(created);
        string token = body.RootElement.GetProperty("token").GetString()!;

        // /orders/{db} asks for db-table-select on that database: the token holds it, and holds a role on inventory,
        // but not that permission there.
        using HttpResponseMessage orders = await app.GetAsync("/orders/orders", token);
        using HttpResponseMessage inventory = await app.GetAsync("/orders/inventory", token);

        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, inventory.StatusCode);
    }

    private static string[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static async Task<int> CountTokensAsync(TestApp app) =>
        (await app.Manager.ListAsync(TestApp.Admin, cancellationToken: Ct)).GetValueOrThrow().Tokens.Count;
}
