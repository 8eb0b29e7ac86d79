using System.Diagnostics.CodeAnalysis;
using NSubstitute;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

public class RoleCatalogTests
{
    private static readonly Role s_ordersReader = new(
        "orders-reader", "Orders Reader", [Permissions.DbTableSelect], "Reads orders.", [ResourceScope.Parse("drn:astra:org:acme:db:orders")]);

    private static readonly Role s_ordersWriter = new(
        "orders-writer", "Orders Writer", [Permissions.DbTableSelect, Permissions.DbTableModify]);

    [Fact]
    public void GetRoles_DefaultConstructor_ListsTheSixteenDefaultRoles()
    {
        // Arrange
        var catalog = new RoleCatalog();

        // Act
        IReadOnlyList<Role> roles = catalog.GetRoles();

        // Assert
        Assert.Equal(DefaultRoles.All, roles);
    }

    [Fact]
    public void GetRoles_WithCustomRoles_ListsDefaultsThenCustomRoles()
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader, s_ordersWriter]);

        // Act
        IReadOnlyList<Role> roles = catalog.GetRoles();

        // Assert
        Assert.Equal(18, roles.Count);
        Assert.Equal(DefaultRoles.All, roles.Take(16));
        Assert.Equal([s_ordersReader, s_ordersWriter], roles.Skip(16));
    }

    [Fact]
    public void TryGetRole_DefaultRoleId_ReturnsDefaultRole()
    {
        // Arrange
        var catalog = new RoleCatalog();

        // Act
        bool found = catalog.TryGetRole("database-administrator", out Role? role);

        // Assert
        Assert.True(found);
        Assert.Same(DefaultRoles.DatabaseAdministrator, role);
    }

    [Fact]
    public void TryGetRole_CustomRoleId_ReturnsCustomRole()
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader]);

        // Act
        bool found = catalog.TryGetRole("orders-reader", out Role? role);

        // Assert
        Assert.True(found);
        Assert.Same(s_ordersReader, role);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("Database Administrator")]
    [InlineData("")]
    public void TryGetRole_UnknownId_ReturnsFalse(string id)
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader]);

        // Act
        bool found = catalog.TryGetRole(id, out Role? role);

        // Assert
        Assert.False(found);
        Assert.Null(role);
    }

    [Theory]
    [InlineData("Database-Administrator", "database-administrator")]
    [InlineData("DATABASE-ADMINISTRATOR", "database-administrator")]
    [InlineData("Orders-Reader", "orders-reader")]
    public void TryGetRole_DifferentlyCasedId_ReturnsTheRole(string id, string expectedId)
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader]);

        // Act
        bool found = catalog.TryGetRole(id, out Role? role);

        // Assert
        Assert.True(found);
        Assert.Equal(expectedId, role!.Id);
    }

    [Fact]
    public void TryGetRole_AnotherInstanceOfTheId_ReturnsTheSameRoleEveryTime()
    {
        // Arrange: ids read back from a store are other string instances than the role's own.
        var catalog = new RoleCatalog([s_ordersReader]);
        string stored = new("orders-reader".AsSpan());

        // Act
        bool first = catalog.TryGetRole(stored, out Role? firstRole);
        bool second = catalog.TryGetRole(stored, out Role? secondRole);

        // Assert
        Assert.True(first);
        Assert.True(second);
        Assert.Same(s_ordersReader, firstRole);
        Assert.Same(s_ordersReader, secondRole);
    }

    [Fact]
    public void TryGetRole_StoredIdInstance_AllocatesNothing()
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader]);
        string[] ids = [new("orders-reader".AsSpan()), new("Read-Write-User".AsSpan()), DefaultRoles.ReadOnlyUser.Id];
        foreach (string id in ids)
        {
            Assert.True(catalog.TryGetRole(id, out _));
        }

        // Act
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            foreach (string id in ids)
            {
                catalog.TryGetRole(id, out _);
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("read-write-user")]
    [InlineData("Read/Write User")]
    [InlineData("read/write user")]
    [InlineData("READ/WRITE USER")]
    public void FindRole_DefaultRoleIdOrNameInAnyCase_ReturnsRole(string idOrName)
    {
        // Arrange
        var catalog = new RoleCatalog();

        // Act
        Role? role = catalog.FindRole(idOrName);

        // Assert
        Assert.Same(DefaultRoles.ReadWriteUser, role);
    }

    [Theory]
    [InlineData("orders-reader")]
    [InlineData("Orders Reader")]
    [InlineData("orders reader")]
    public void FindRole_CustomRoleIdOrName_ReturnsCustomRole(string idOrName)
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader]);

        // Act
        Role? role = catalog.FindRole(idOrName);

        // Assert
        Assert.Same(s_ordersReader, role);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("Orders")]
    [InlineData("Read Write User")]
    public void FindRole_NoMatch_ReturnsNull(string idOrName)
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader]);

        // Act
        Role? role = catalog.FindRole(idOrName);

        // Assert
        Assert.Null(role);
    }

    [Fact]
    public void Constructor_CustomRoleWithUnknownPermission_ThrowsNamingRoleAndPermission()
    {
        // Arrange
        var role = new Role("orders-app", "Orders App", [Permissions.DbTableSelect, "acme-orders-read"]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([role]));

        // Assert
        Assert.Equal("customRoles", ex.ParamName);
        Assert.Contains("Custom role 'orders-app' names unknown permission 'acme-orders-read'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CustomPermissions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CustomPermissionDeclared_AcceptsHostPermission()
    {
        // Arrange
        var role = new Role("orders-app", "Orders App", [Permissions.DbTableSelect, "acme-orders-read"]);

        // Act
        var catalog = new RoleCatalog([role], customPermissions: ["acme-orders-read"]);

        // Assert
        Assert.True(catalog.TryGetRole("orders-app", out Role? found));
        Assert.True(found.HasPermission("acme-orders-read"));
    }

    [Fact]
    public void Constructor_MalformedCustomPermission_ThrowsNamingPermission()
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([], customPermissions: ["Acme Orders"]));

        // Assert
        Assert.Contains("Custom permission 'Acme Orders' is malformed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicateCustomRoleId_ThrowsNamingId()
    {
        // Arrange
        var first = new Role("orders-app", "Orders App", [Permissions.DbTableSelect]);
        var second = new Role("orders-app", "Orders App Two", [Permissions.DbTableSelect]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([first, second]));

        // Assert
        Assert.Contains("Custom role id 'orders-app' is used twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CustomRoleIdsDifferingOnlyInCase_ThrowsNamingBoth()
    {
        // Arrange
        var first = new Role("orders-app", "Orders App", [Permissions.DbTableSelect]);
        var second = new Role("Orders-App", "Orders App Two", [Permissions.DbTableSelect]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([first, second]));

        // Assert
        Assert.Contains("Custom role ids 'orders-app' and 'Orders-App' differ only in case", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicateCustomRoleNameDifferingInCase_ThrowsNamingBothRoles()
    {
        // Arrange
        var first = new Role("orders-app", "Orders App", [Permissions.DbTableSelect]);
        var second = new Role("orders-app-2", "ORDERS app", [Permissions.DbTableSelect]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([first, second]));

        // Assert
        Assert.Contains("Custom role name 'ORDERS app' is used by roles 'orders-app' and 'orders-app-2'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CustomRoleWithDefaultRoleId_ThrowsNamingTheDefaultRole()
    {
        // Arrange
        var role = new Role("organization-administrator", "My Admin", [Permissions.DbTableSelect]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([role]));

        // Assert
        Assert.Contains("Custom role id 'organization-administrator' clashes with the default role 'Organization Administrator'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CustomRoleWithDefaultRoleIdInOtherCase_ThrowsNamingTheDefaultRole()
    {
        // Arrange
        var role = new Role("Organization-Administrator", "My Admin", [Permissions.DbTableSelect]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([role]));

        // Assert
        Assert.Contains("Custom role id 'Organization-Administrator' clashes with the default role 'Organization Administrator'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CustomPermissions_OrganizationAdministratorOfTheCatalogHoldsThem()
    {
        // Arrange
        var catalog = new RoleCatalog([s_ordersReader], customPermissions: ["acme-orders-export", Permissions.DbCql]);

        // Act
        Role? byId = catalog.FindRole(DefaultRoles.OrganizationAdministrator.Id);
        Assert.True(catalog.TryGetRole(DefaultRoles.OrganizationAdministrator.Id, out Role? byLookup));

        // Assert
        Assert.NotNull(byId);
        Assert.Same(byId, byLookup);
        Assert.Same(byId, catalog.GetRoles()[0]);
        Assert.True(byId.IsDefault);
        Assert.Equal(DefaultRoles.OrganizationAdministrator.Name, byId.Name);
        Assert.Equal(Permissions.All.Append("acme-orders-export").Order(StringComparer.Ordinal), byId.Permissions.Order(StringComparer.Ordinal));
        Assert.Empty(byId.Resources);
    }

    [Fact]
    public void Constructor_CustomPermissions_SharedDefaultRolesUnchanged()
    {
        // Act
        var catalog = new RoleCatalog(null, customPermissions: ["acme-orders-export"]);

        // Assert: the static role is shared by every catalog of the process; only this catalog's copy holds more.
        Assert.False(DefaultRoles.OrganizationAdministrator.HasPermission("acme-orders-export"));
        Assert.Equal(Permissions.All.Count, DefaultRoles.OrganizationAdministrator.Permissions.Count);
        Assert.NotSame(DefaultRoles.OrganizationAdministrator, catalog.FindRole("Organization Administrator"));
        Assert.Same(DefaultRoles.DatabaseAdministrator, catalog.FindRole("database-administrator"));
        Assert.False(catalog.FindRole("database-administrator")!.HasPermission("acme-orders-export"));
    }

    [Fact]
    public void Constructor_NoNewPermission_KeepsTheSharedOrganizationAdministrator()
    {
        // Act
        var declaredNothing = new RoleCatalog(null, customPermissions: []);
        var declaredBuiltIn = new RoleCatalog(null, customPermissions: [Permissions.DbCql]);

        // Assert
        Assert.Same(DefaultRoles.OrganizationAdministrator, declaredNothing.FindRole("organization-administrator"));
        Assert.Same(DefaultRoles.OrganizationAdministrator, declaredBuiltIn.FindRole("organization-administrator"));
    }

    [Theory]
    [InlineData("Database Administrator")]
    [InlineData("database administrator")]
    public void Constructor_CustomRoleWithDefaultRoleName_ThrowsNamingTheDefaultRole(string name)
    {
        // Arrange
        var role = new Role("my-db-admin", name, [Permissions.DbTableSelect]);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([role]));

        // Assert
        Assert.Contains($"Custom role name '{name}' clashes with the default role 'database-administrator'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DefaultRolePassedAsCustom_ThrowsSayingItIsDefault()
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([DefaultRoles.ReadOnlyUser]));

        // Assert
        Assert.Contains("Role 'read-only-user' is a default role", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullCustomRole_ThrowsSayingSo()
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([s_ordersReader, null!]));

        // Assert
        Assert.Contains("A custom role is null.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralProblems_ListsEveryProblem()
    {
        // Arrange
        var unknownPermission = new Role("a", "A", ["acme-x"]);
        var defaultName = new Role("b", "UI View Only", []);
        var duplicateId = new Role("a", "A2", []);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([unknownPermission, defaultName, duplicateId]));

        // Assert
        Assert.StartsWith("Invalid custom roles:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown permission 'acme-x'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Custom role name 'UI View Only' clashes with the default role 'ui-view-only'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Custom role id 'a' is used twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NameDuplicatesCustomRoleWhoseIdClashesWithDefault_ReportsDuplicateNotDefaultClash()
    {
        // Arrange: the first role's id clashes with a default role; the second repeats the first's name.
        var clashingId = new Role("database-administrator", "Orders Admin", []);
        var sameName = new Role("orders-admin", "orders admin", []);

        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new RoleCatalog([clashingId, sameName]));

        // Assert: no default role is called "orders admin", so the message must not claim a default-role clash.
        Assert.Contains("Custom role id 'database-administrator' clashes with the default role 'Database Administrator'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Custom role name 'orders admin' clashes with the default role", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Custom role name 'orders admin' is used by roles 'database-administrator' and 'orders-admin'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetRole_SubstitutedSourceRole_IsFoundAfterStaticRoles()
    {
        // Arrange
        var dynamicRole = new Role("dyn-role", "Dynamic Role", [Permissions.DbTableSelect]);
        IRoleSource source = Substitute.For<IRoleSource>();
        source.TryGetRole("dyn-role", out Arg.Any<Role?>()!).Returns(call =>
        {
            call[1] = dynamicRole;
            return true;
        });
        var catalog = new RoleCatalog([s_ordersReader], sources: [source]);

        // Act
        bool found = catalog.TryGetRole("dyn-role", out Role? role);

        // Assert
        Assert.True(found);
        Assert.Same(dynamicRole, role);
        source.Received(1).TryGetRole("dyn-role", out Arg.Any<Role?>()!);
    }

    [Theory]
    [InlineData("organization-administrator")]
    [InlineData("orders-reader")]
    public void TryGetRole_StaticRoleId_DoesNotConsultSource(string id)
    {
        // Arrange
        IRoleSource source = Substitute.For<IRoleSource>();
        var catalog = new RoleCatalog([s_ordersReader], sources: [source]);

        // Act
        bool found = catalog.TryGetRole(id, out Role? role);

        // Assert
        Assert.True(found);
        Assert.Equal(id, role!.Id);
        source.DidNotReceiveWithAnyArgs().TryGetRole(default!, out Arg.Any<Role?>()!);
    }

    [Fact]
    public void TryGetRole_SourceRoleReusingDefaultRoleId_ReturnsDefaultRole()
    {
        // Arrange
        var impostor = new Role("organization-administrator", "Shadow Admin", []);
        IRoleSource source = Substitute.For<IRoleSource>();
        source.TryGetRole("organization-administrator", out Arg.Any<Role?>()!).Returns(call =>
        {
            call[1] = impostor;
            return true;
        });
        source.GetRoles().Returns([impostor]);
        var catalog = new RoleCatalog(null, sources: [source]);

        // Act
        bool found = catalog.TryGetRole("organization-administrator", out Role? role);
        IReadOnlyList<Role> roles = catalog.GetRoles();

        // Assert
        Assert.True(found);
        Assert.Same(DefaultRoles.OrganizationAdministrator, role);
        Assert.DoesNotContain(impostor, roles);
        Assert.Equal(16, roles.Count);
    }

    [Theory]
    [InlineData("Database Administrator")]
    [InlineData("DATABASE ADMINISTRATOR")]
    [InlineData("Orders Reader")]
    public void TryGetRole_SourceRoleReusingStaticRoleName_IsIgnored(string name)
    {
        // Arrange
        var impostor = new Role("impostor", name, [Permissions.OrgTokenWrite]);
        IRoleSource source = Substitute.For<IRoleSource>();
        source.TryGetRole("impostor", out Arg.Any<Role?>()!).Returns(call =>
        {
            call[1] = impostor;
            return true;
        });
        source.GetRoles().Returns([impostor]);
        var catalog = new RoleCatalog([s_ordersReader], sources: [source]);

        // Act
        bool found = catalog.TryGetRole("impostor", out Role? role);
        IReadOnlyList<Role> roles = catalog.GetRoles();
        Role? byName = catalog.FindRole(name);

        // Assert
        Assert.False(found);
        Assert.Null(role);
        Assert.DoesNotContain(impostor, roles);
        Assert.NotSame(impostor, byName);
    }

    [Fact]
    public void TryGetRole_SourceRoleReusingStaticIdInOtherCase_IsIgnored()
    {
        // Arrange
        var impostor = new Role("Orders-Reader", "Impostor", [Permissions.OrgTokenWrite]);
        var source = new FakeRoleSource();
        source.Set(impostor);
        var catalog = new RoleCatalog([s_ordersReader], sources: [source]);

        // Act
        bool found = catalog.TryGetRole("Orders-Reader", out Role? role);
        IReadOnlyList<Role> roles = catalog.GetRoles();

        // Assert
        Assert.True(found);
        Assert.Same(s_ordersReader, role);
        Assert.DoesNotContain(impostor, roles);
        Assert.Equal(0, source.Lookups);
    }

    [Fact]
    public void TryGetRole_SourceRoleByIdInOtherCase_ReturnsSourceRole()
    {
        // Arrange
        var dynamicRole = new Role("dyn-role", "Dynamic Role", [Permissions.DbTableSelect]);
        var source = new FakeRoleSource();
        source.Set(dynamicRole);
        var catalog = new RoleCatalog(null, sources: [source]);

        // Act
        bool found = catalog.TryGetRole("DYN-ROLE", out Role? role);

        // Assert
        Assert.True(found);
        Assert.Same(dynamicRole, role);
    }

    [Fact]
    public void TryGetRole_SourceWithoutRole_ReturnsFalse()
    {
        // Arrange
        IRoleSource source = Substitute.For<IRoleSource>();
        var catalog = new RoleCatalog(null, sources: [source]);

        // Act
        bool found = catalog.TryGetRole("missing", out Role? role);

        // Assert
        Assert.False(found);
        Assert.Null(role);
        source.Received(1).TryGetRole("missing", out Arg.Any<Role?>()!);
    }

    [Fact]
    public void TryGetRole_SeveralSources_ConsultedInOrderUntilFound()
    {
        // Arrange
        var second = new FakeRoleSource();
        second.Set(new Role("dyn-role", "Dynamic Role", []));
        var third = new FakeRoleSource();
        third.Set(new Role("dyn-role", "Dynamic Role Elsewhere", []));
        var first = new FakeRoleSource();
        var catalog = new RoleCatalog(null, sources: [first, second, third]);

        // Act
        bool found = catalog.TryGetRole("dyn-role", out Role? role);

        // Assert
        Assert.True(found);
        Assert.Equal("Dynamic Role", role!.Name);
        Assert.Equal(1, first.Lookups);
        Assert.Equal(1, second.Lookups);
        Assert.Equal(0, third.Lookups);
    }

    [Fact]
    public void GetRoles_WithSource_ListsDefaultsCustomThenSourceRoles()
    {
        // Arrange
        var dynamicRole = new Role("dyn-role", "Dynamic Role", [Permissions.DbTableSelect]);
        var source = new FakeRoleSource();
        source.Set(dynamicRole);
        var catalog = new RoleCatalog([s_ordersReader], sources: [source]);

        // Act
        IReadOnlyList<Role> roles = catalog.GetRoles();

        // Assert
        Assert.Equal(18, roles.Count);
        Assert.Same(s_ordersReader, roles[16]);
        Assert.Same(dynamicRole, roles[17]);
    }

    [Fact]
    public void FindRole_SourceRoleByNameInAnyCase_ReturnsSourceRole()
    {
        // Arrange
        var dynamicRole = new Role("dyn-role", "Dynamic Role", [Permissions.DbTableSelect]);
        var source = new FakeRoleSource();
        source.Set(dynamicRole);
        var catalog = new RoleCatalog(null, sources: [source]);

        // Act
        Role? byId = catalog.FindRole("dyn-role");
        Role? byName = catalog.FindRole("dynamic role");

        // Assert
        Assert.Same(dynamicRole, byId);
        Assert.Same(dynamicRole, byName);
    }

    [Fact]
    public void TryGetRole_SourceRoleChanged_NextLookupSeesChange()
    {
        // Arrange
        var source = new FakeRoleSource();
        source.Set(new Role("dyn-role", "Dynamic Role", [Permissions.DbTableSelect]));
        var catalog = new RoleCatalog(null, sources: [source]);
        Assert.True(catalog.TryGetRole("dyn-role", out Role? before));

        // Act
        source.Set(new Role("dyn-role", "Dynamic Role", [Permissions.DbTableSelect, Permissions.DbTableModify]));
        bool found = catalog.TryGetRole("dyn-role", out Role? after);

        // Assert
        Assert.False(before.HasPermission(Permissions.DbTableModify));
        Assert.True(found);
        Assert.True(after!.HasPermission(Permissions.DbTableModify));
    }

    [Fact]
    public void TryGetRole_SourceRoleRemoved_NextLookupMissesIt()
    {
        // Arrange
        var source = new FakeRoleSource();
        source.Set(new Role("dyn-role", "Dynamic Role", []));
        var catalog = new RoleCatalog(null, sources: [source]);
        Assert.True(catalog.TryGetRole("dyn-role", out _));

        // Act
        source.Remove("dyn-role");
        bool found = catalog.TryGetRole("dyn-role", out _);

        // Assert
        Assert.False(found);
        Assert.Null(catalog.FindRole("Dynamic Role"));
    }

    [Fact]
    public void TryGetRole_NullId_ThrowsArgumentNullException()
    {
        // Arrange
        var catalog = new RoleCatalog();

        // Act
        ArgumentNullException ex = Assert.Throws<ArgumentNullException>(() => catalog.TryGetRole(null!, out _));

        // Assert
        Assert.Equal("id", ex.ParamName);
    }

    /// <summary>A role source backed by a dictionary that tests change while the catalog is in use.</summary>
    internal sealed class FakeRoleSource : IRoleSource
    {
        private readonly Dictionary<string, Role> _roles = new(StringComparer.OrdinalIgnoreCase);

        public int Lookups { get; private set; }

        public void Set(Role role) => _roles[role.Id] = role;

        public void Remove(string id) => _roles.Remove(id);

        public IEnumerable<Role> GetRoles() => [.. _roles.Values];

        public bool TryGetRole(string id, [NotNullWhen(true)] out Role? role)
        {
            Lookups++;
            return _roles.TryGetValue(id, out role);
        }
    }
}
