using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

public class RoleTests
{
    private static readonly ResourceScope s_ordersDb = ResourceScope.Parse("drn:astra:org:acme:db:orders");
    private static readonly ResourceScope s_salesKeyspace = ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales");
    private static readonly ResourceScope s_invoicesTable = ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices");
    private static readonly ResourceScope s_billingDb = ResourceScope.Parse("drn:astra:org:acme:db:billing");

    [Fact]
    public void Constructor_ValidArguments_SetsProperties()
    {
        // Arrange
        string[] permissions = [Permissions.DbTableSelect, Permissions.DbCql, Permissions.DbTableSelect];

        // Act
        var role = new Role("orders-reader", "Orders Reader", permissions, "Reads orders.", [s_ordersDb, s_ordersDb]);

        // Assert
        Assert.Equal("orders-reader", role.Id);
        Assert.Equal("Orders Reader", role.Name);
        Assert.Equal("Reads orders.", role.Description);
        Assert.Equal([Permissions.DbCql, Permissions.DbTableSelect], role.Permissions.Order(StringComparer.Ordinal));
        Assert.Equal([s_ordersDb], role.Resources);
        Assert.False(role.IsDefault);
        Assert.Equal("Orders Reader (orders-reader)", role.ToString());
    }

    [Fact]
    public void Constructor_NoDescriptionNoResources_UsesEmptyDescriptionAndNoLimits()
    {
        // Act
        var role = new Role("r1", "R1", []);

        // Assert
        Assert.Equal(string.Empty, role.Description);
        Assert.Empty(role.Resources);
        Assert.Empty(role.Permissions);
    }

    [Fact]
    public void Constructor_PermissionsChangedAfterward_RoleUnaffected()
    {
        // Arrange
        List<string> permissions = [Permissions.DbTableSelect];
        var role = new Role("r1", "R1", permissions);

        // Act
        permissions.Add(Permissions.DbTableModify);

        // Assert
        Assert.False(role.HasPermission(Permissions.DbTableModify));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-starts-with-dash")]
    [InlineData(".dot")]
    [InlineData("has space")]
    [InlineData("has/slash")]
    [InlineData("colon:id")]
    [InlineData("émoji")]
    public void Constructor_BadId_ThrowsArgumentExceptionNamingId(string id)
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role(id, "Name", [Permissions.DbCql]));

        // Assert
        Assert.Equal("id", ex.ParamName);
        Assert.Contains($"Role id '{id}' is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_IdLongerThan64_ThrowsArgumentException()
    {
        // Arrange
        string id = new('a', 65);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role(id, "Name", []));

        // Assert
        Assert.Equal("id", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" Leading")]
    [InlineData("Trailing ")]
    [InlineData("Tab\tInside")]
    [InlineData("New\nLine")]
    public void Constructor_BadName_ThrowsArgumentExceptionNamingName(string name)
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role("r1", name, [Permissions.DbCql]));

        // Assert
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("name of role 'r1' is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NameLongerThan100_ThrowsArgumentException()
    {
        // Arrange
        string name = new('N', 101);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role("r1", name, []));

        // Assert
        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void Constructor_Name100CharactersWithInnerSpacesAndSlash_Succeeds()
    {
        // Arrange
        string name = "Read/Write " + new string('x', 89);

        // Act
        var role = new Role("r1", name, []);

        // Assert
        Assert.Equal(100, role.Name.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("DB-CQL")]
    [InlineData("db cql")]
    [InlineData("1db")]
    public void Constructor_MalformedPermission_ThrowsArgumentExceptionNamingPermission(string permission)
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role("r1", "R1", [Permissions.DbCql, permission]));

        // Assert
        Assert.Equal("permissions", ex.ParamName);
        Assert.Contains($"Role 'r1' names a malformed permission '{permission}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullPermissionEntry_ThrowsArgumentException()
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role("r1", "R1", [Permissions.DbCql, null!]));

        // Assert
        Assert.Equal("permissions", ex.ParamName);
        Assert.Contains("null permission", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WellFormedButUnknownPermission_IsAccepted()
    {
        // Act
        var role = new Role("r1", "R1", ["acme-orders-read"]);

        // Assert
        Assert.True(role.HasPermission("acme-orders-read"));
    }

    [Fact]
    public void Constructor_NullResource_ThrowsArgumentExceptionNamingResources()
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role("r1", "R1", [Permissions.DbCql], resources: [s_ordersDb, null!]));

        // Assert
        Assert.Equal("resources", ex.ParamName);
        Assert.Contains("Role 'r1' has a null resource", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DescriptionLongerThan1000_ThrowsArgumentException()
    {
        // Arrange
        string description = new('d', 1001);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new Role("r1", "R1", [], description));

        // Assert
        Assert.Equal("description", ex.ParamName);
        Assert.Contains("longer than 1000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullArguments_ThrowArgumentNullException()
    {
        // Act
        ArgumentNullException nullId = Assert.Throws<ArgumentNullException>(() => new Role(null!, "R1", []));
        ArgumentNullException nullName = Assert.Throws<ArgumentNullException>(() => new Role("r1", null!, []));
        ArgumentNullException nullPermissions = Assert.Throws<ArgumentNullException>(() => new Role("r1", "R1", null!));

        // Assert
        Assert.Equal("id", nullId.ParamName);
        Assert.Equal("name", nullName.ParamName);
        Assert.Equal("permissions", nullPermissions.ParamName);
    }

    [Fact]
    public void HasPermission_HeldPermission_ReturnsTrue()
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect]);

        // Act
        bool has = role.HasPermission(Permissions.DbTableSelect);

        // Assert
        Assert.True(has);
    }

    [Theory]
    [InlineData("db-table-modify")]
    [InlineData("DB-TABLE-SELECT")]
    [InlineData("db-table")]
    [InlineData("")]
    public void HasPermission_OtherPermission_ReturnsFalse(string permission)
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect]);

        // Act
        bool has = role.HasPermission(permission);

        // Assert
        Assert.False(has);
    }

    [Fact]
    public void HasPermission_ResourceLimitedRole_StillReportsPermission()
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect], resources: [s_ordersDb]);

        // Act
        bool has = role.HasPermission(Permissions.DbTableSelect);

        // Assert
        Assert.True(has);
    }

    [Theory]
    [InlineData("drn:astra:org:acme")]
    [InlineData("drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:other:db:billing:keyspace:k:table:t")]
    [InlineData("drn:astra:org:*")]
    public void Allows_NoResourceLimits_AllowsHeldPermissionEverywhere(string resource)
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect]);

        // Act
        bool allowed = role.Allows(Permissions.DbTableSelect, ResourceScope.Parse(resource));

        // Assert
        Assert.True(allowed);
    }

    [Fact]
    public void Allows_PermissionNotHeld_ReturnsFalseEvenWithoutLimits()
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect]);

        // Act
        bool allowed = role.Allows(Permissions.DbTableModify, s_ordersDb);

        // Assert
        Assert.False(allowed);
    }

    [Fact]
    public void Allows_ResourceInsideScope_ReturnsTrue()
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect], resources: [s_billingDb, s_ordersDb]);

        // Act
        bool onDatabase = role.Allows(Permissions.DbTableSelect, s_ordersDb);
        bool onKeyspace = role.Allows(Permissions.DbTableSelect, s_salesKeyspace);
        bool onTable = role.Allows(Permissions.DbTableSelect, s_invoicesTable);

        // Assert
        Assert.True(onDatabase);
        Assert.True(onKeyspace);
        Assert.True(onTable);
    }

    [Theory]
    [InlineData("drn:astra:org:acme")]
    [InlineData("drn:astra:org:acme:db:inventory")]
    [InlineData("drn:astra:org:other:db:orders")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:archive")]
    public void Allows_ResourceOutsideScope_ReturnsFalse(string resource)
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect], resources: [s_salesKeyspace, s_billingDb]);

        // Act
        bool allowed = role.Allows(Permissions.DbTableSelect, ResourceScope.Parse(resource));

        // Assert
        Assert.False(allowed);
    }

    [Fact]
    public void Allows_ResourceInsideScopeButPermissionNotHeld_ReturnsFalse()
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect], resources: [s_ordersDb]);

        // Act
        bool allowed = role.Allows(Permissions.DbTableModify, s_invoicesTable);

        // Assert
        Assert.False(allowed);
    }

    [Fact]
    public void Allows_NullArguments_ThrowArgumentNullException()
    {
        // Arrange
        var role = new Role("r1", "R1", [Permissions.DbTableSelect]);

        // Act
        ArgumentNullException nullPermission = Assert.Throws<ArgumentNullException>(() => role.Allows(null!, s_ordersDb));
        ArgumentNullException nullResource = Assert.Throws<ArgumentNullException>(() => role.Allows(Permissions.DbTableSelect, null!));

        // Assert
        Assert.Equal("permission", nullPermission.ParamName);
        Assert.Equal("resource", nullResource.ParamName);
    }
}
