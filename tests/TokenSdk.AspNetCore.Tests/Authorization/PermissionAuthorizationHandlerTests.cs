using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authorization;

public sealed class PermissionAuthorizationHandlerTests
{
    private static readonly Role s_ordersReader = new(
        "orders-reader", "Orders Reader", [Permissions.DbTableSelect], resources: [ResourceScope.Parse("drn:astra:org:acme:db:orders")]);

    private static readonly Role s_keyspaceReader = new(
        "sales-reader", "Sales Reader", [Permissions.DbTableSelect], resources: [ResourceScope.Parse("drn:astra:org:acme:db:*:keyspace:sales")]);

    private static readonly Role s_inventoryWriter = new(
        "inventory-writer", "Inventory Writer", [Permissions.DbTableModify], resources: [ResourceScope.Parse("drn:astra:org:acme:db:inventory")]);

    private readonly PermissionAuthorizationHandler _handler = new(new RoleCatalog([s_ordersReader, s_keyspaceReader, s_inventoryWriter]));

    [Fact]
    public async Task Handle_PermissionClaimPresent_Succeeds()
    {
        ClaimsPrincipal user = User("acme", DefaultRoles.ReadOnlyUser);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(Permissions.DbCql));

        Assert.True(allowed);
    }

    [Fact]
    public async Task Handle_PermissionClaimMissing_Fails()
    {
        ClaimsPrincipal user = User("acme", DefaultRoles.ReadOnlyUser);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(Permissions.DbTableModify));

        Assert.False(allowed);
    }

    [Fact]
    public async Task Handle_UnauthenticatedIdentityWithClaims_Fails()
    {
        var identity = new ClaimsIdentity([new Claim(TokenClaimTypes.Permission, Permissions.DbCql)]);

        bool allowed = await AuthorizeAsync(new ClaimsPrincipal(identity), new PermissionRequirement(Permissions.DbCql));

        Assert.False(allowed);
    }

    [Theory]
    [InlineData("drn:astra:org:acme:db:orders", true)]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:k:table:t", true)]
    [InlineData("drn:astra:org:*:db:orders", true)]
    [InlineData("drn:astra:org:acme:db:inventory", false)]
    [InlineData("drn:astra:org:other:db:orders", false)]
    [InlineData("drn:astra:org:acme", false)]
    public async Task Handle_ResourceScopedRole_AllowsOnlyCoveredResources(string resource, bool expected)
    {
        ClaimsPrincipal user = User("acme", s_ordersReader);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(Permissions.DbTableSelect, ResourceScope.Parse(resource)));

        Assert.Equal(expected, allowed);
    }

    [Theory]
    [InlineData("drn:astra:org:acme:db:east:keyspace:sales", true)]
    [InlineData("drn:astra:org:acme:db:west:keyspace:sales:table:leads", true)]
    [InlineData("drn:astra:org:acme:db:east:keyspace:hr", false)]
    [InlineData("drn:astra:org:acme:db:east", false)]
    public async Task Handle_WildcardScope_CoversEveryDatabase(string resource, bool expected)
    {
        ClaimsPrincipal user = User("acme", s_keyspaceReader);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(Permissions.DbTableSelect, ResourceScope.Parse(resource)));

        Assert.Equal(expected, allowed);
    }

    [Theory]
    [InlineData("drn:astra:org:acme:db:anything", true)]
    [InlineData("drn:astra:org:other:db:anything", false)]
    public async Task Handle_UnrestrictedRole_AllowsOwnOrganizationOnly(string resource, bool expected)
    {
        ClaimsPrincipal user = User("acme", DefaultRoles.ReadOnlyUser);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(Permissions.DbTableSelect, ResourceScope.Parse(resource)));

        Assert.Equal(expected, allowed);
    }

    [Theory]
    [InlineData(Permissions.DbTableSelect, "drn:astra:org:acme:db:orders", true)]
    [InlineData(Permissions.DbTableModify, "drn:astra:org:acme:db:inventory", true)]
    [InlineData(Permissions.DbTableSelect, "drn:astra:org:acme:db:inventory", false)]
    [InlineData(Permissions.DbTableModify, "drn:astra:org:acme:db:orders", false)]
    [InlineData(Permissions.DbTableModify, "drn:astra:org:acme:db:billing", false)]
    public async Task Handle_TwoRolesScopedToDifferentDatabases_ScopesDoNotMix(string permission, string resource, bool expected)
    {
        // The identity holds both permission claims and a role on each database, but each permission only where its role grants it.
        ClaimsPrincipal user = User("acme", s_ordersReader, s_inventoryWriter);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(permission, ResourceScope.Parse(resource)));

        Assert.Equal(expected, allowed);
    }

    [Fact]
    public async Task Handle_ResourcePassedAtRunTime_IsChecked()
    {
        ClaimsPrincipal user = User("acme", s_ordersReader);
        var requirement = new PermissionRequirement(Permissions.DbTableSelect);

        bool orders = await AuthorizeAsync(user, requirement, ResourceScope.ForDatabase("acme", "orders"));
        bool inventory = await AuthorizeAsync(user, requirement, ResourceScope.ForDatabase("acme", "inventory"));

        Assert.True(orders);
        Assert.False(inventory);
    }

    [Fact]
    public async Task Handle_ResourceButRoleClaimUnknown_Fails()
    {
        var unknown = new Role("gone", "Gone", [Permissions.DbTableSelect]);
        ClaimsPrincipal user = User("acme", unknown);

        bool allowed = await AuthorizeAsync(user, new PermissionRequirement(Permissions.DbTableSelect, ResourceScope.Parse("drn:astra:org:acme:db:orders")));

        Assert.False(allowed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("DB-CQL")]
    [InlineData("db cql")]
    public void PermissionRequirement_MalformedPermission_Throws(string permission)
    {
        Assert.Throws<ArgumentException>(() => new PermissionRequirement(permission));
    }

    [Fact]
    public void RequirePermissionAttribute_WithResource_YieldsScopedRequirement()
    {
        var attribute = new RequirePermissionAttribute(Permissions.DbCql) { Resource = "drn:astra:org:*:db:orders" };

        PermissionRequirement requirement = Assert.IsType<PermissionRequirement>(Assert.Single(attribute.GetRequirements()));

        Assert.Equal(Permissions.DbCql, requirement.Permission);
        Assert.Equal(ResourceScope.Parse("drn:astra:org:*:db:orders"), requirement.Resource);
    }

    private async Task<bool> AuthorizeAsync(ClaimsPrincipal user, PermissionRequirement requirement, object? resource = null)
    {
        var context = new AuthorizationHandlerContext([requirement], user, resource);
        await _handler.HandleAsync(context);
        return context.HasSucceeded;
    }

    private static ClaimsPrincipal User(string organization, params Role[] roles)
    {
        List<Claim> claims =
        [
            new(TokenClaimTypes.ClientId, "client"),
            new(TokenClaimTypes.OrganizationId, organization),
            .. roles.Select(r => new Claim(ClaimTypes.Role, r.Id)),
            .. roles.SelectMany(r => r.Permissions).Distinct().Select(p => new Claim(TokenClaimTypes.Permission, p)),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "ApplicationToken", TokenClaimTypes.ClientId, ClaimTypes.Role));
    }
}
