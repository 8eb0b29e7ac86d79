using System.Net;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authorization;

public sealed class PermissionEndpointTests
{
    [Theory]
    [InlineData("/data")]
    [InlineData("/policy")]
    public async Task RequirePermission_TokenHoldsPermission_Allows(string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync(path, token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/data")]
    [InlineData("/policy")]
    public async Task RequirePermission_TokenLacksPermission_Returns403(string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        // API roles lack db-cql.
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ApiReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync(path, token.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task RequirePermission_NoToken_Returns401()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/data");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RequirePermissionAttribute_TokenHoldsPermission_Allows()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.BillingAdministrator);

        using HttpResponseMessage response = await app.GetAsync("/billing", token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequirePermissionAttribute_TokenLacksPermission_Returns403()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.DatabaseAdministrator);

        using HttpResponseMessage response = await app.GetAsync("/billing", token.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task RequirePermissionAttribute_NoToken_Returns401()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/billing");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(TestApp.OrdersReaderRoleId, HttpStatusCode.OK)]
    [InlineData(TestApp.InventoryReaderRoleId, HttpStatusCode.Forbidden)]
    [InlineData("read-only-user", HttpStatusCode.OK)]
    public async Task RequirePermission_WithResource_ChecksRoleScope(string roleId, HttpStatusCode expected)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(roleId);

        using HttpResponseMessage response = await app.GetAsync("/orders", token.Token);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("orders", HttpStatusCode.OK)]
    [InlineData("inventory", HttpStatusCode.Forbidden)]
    public async Task AuthorizeAsync_ResourceAtRunTime_ChecksRoleScope(string database, HttpStatusCode expected)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(TestApp.OrdersReaderRoleId);

        using HttpResponseMessage response = await app.GetAsync($"/orders/{database}", token.Token);

        Assert.Equal(expected, response.StatusCode);
    }
}
