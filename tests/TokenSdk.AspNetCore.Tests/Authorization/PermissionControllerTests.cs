using System.Net;
using Microsoft.AspNetCore.Mvc;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authorization;

/// <summary>A controller protected by <see cref="RequirePermissionAttribute"/> on the class and on one action.</summary>
[ApiController]
[Route("controller/reports")]
[RequirePermission(Permissions.DbCql)]
public sealed class ReportsController : ControllerBase
{
    /// <summary>Needs db-cql (the class attribute).</summary>
    [HttpGet]
    public string List() => "reports";

    /// <summary>Needs db-cql and, on top, db-keyspace-create.</summary>
    [HttpPost("schema")]
    [RequirePermission(Permissions.DbKeyspaceCreate)]
    public string ChangeSchema() => "schema changed";
}

public sealed class PermissionControllerTests
{
    [Fact]
    public async Task ControllerAttribute_TokenHoldsPermission_Allows()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/controller/reports", token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reports", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ControllerAttribute_TokenLacksPermission_Returns403()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ApiReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/controller/reports", token.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ControllerAttribute_NoToken_Returns401()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/controller/reports");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("read-only-user", HttpStatusCode.Forbidden)]
    [InlineData("database-administrator", HttpStatusCode.OK)]
    public async Task ActionAttribute_AddsToTheClassAttribute(string roleId, HttpStatusCode expected)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(roleId);

        using HttpResponseMessage response = await app.SendAsync(TestApp.Request(HttpMethod.Post, "/controller/reports/schema", token.Token));

        Assert.Equal(expected, response.StatusCode);
    }
}
