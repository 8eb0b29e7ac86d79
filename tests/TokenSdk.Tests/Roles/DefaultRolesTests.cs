using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

public class DefaultRolesTests
{
    // Written out from /work/shared/reference/astra-tokens-facts.md, "Default roles (names)".
    private static readonly string[] s_astraRoleNames =
    [
        "Organization Administrator", "Database Administrator", "Billing Administrator",
        "UI View Only", "Administrator User", "Administrator Service Account", "Read Only User",
        "Read Only Service Account", "Read/Write User", "Read/Write Service Account", "API Administrator User",
        "API Administrator Service Account", "API Read Only User", "API Read Only Service Account",
        "API Read/Write User", "API Read/Write Service Account",
    ];

    private static readonly string[] s_changeWords = ["create", "alter", "drop", "modify", "grant", "authorize", "write"];

    public static TheoryData<string> RoleIds => [.. DefaultRoles.All.Select(r => r.Id)];

    public static TheoryData<string> ApiRoleIds =>
        [.. DefaultRoles.All.Where(r => r.Name.StartsWith("API", StringComparison.Ordinal)).Select(r => r.Id)];

    public static TheoryData<string> ServiceAccountRoleIds =>
        [.. DefaultRoles.All.Where(r => r.Name.Contains("Service Account", StringComparison.Ordinal)).Select(r => r.Id)];

    public static TheoryData<string> ReadOnlyRoleIds =>
        [.. DefaultRoles.All.Where(r => r.Name.Contains("Read Only", StringComparison.Ordinal)).Select(r => r.Id)];

    public static TheoryData<string> ReadWriteRoleIds =>
        [.. DefaultRoles.All.Where(r => r.Name.Contains("Read/Write", StringComparison.Ordinal)).Select(r => r.Id)];

    [Fact]
    public void All_Always_HoldsSixteenRoles()
    {
        // Act
        int count = DefaultRoles.All.Count;

        // Assert
        Assert.Equal(16, count);
    }

    [Fact]
    public void All_Names_AreTheAstraDefaultRoleNames()
    {
        // Act
        string[] names = [.. DefaultRoles.All.Select(r => r.Name)];

        // Assert
        Assert.Equal(s_astraRoleNames, names);
    }

    [Fact]
    public void All_Ids_AreUnique()
    {
        // Act
        string[] duplicates = [.. DefaultRoles.All.GroupBy(r => r.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];

        // Assert
        Assert.Empty(duplicates);
    }

    [Fact]
    public void All_Names_AreUniqueIgnoringCase()
    {
        // Act
        string[] duplicates = [.. DefaultRoles.All.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)];

        // Assert
        Assert.Empty(duplicates);
    }

    [Fact]
    public void All_EveryRole_IsDefaultAndUnscoped()
    {
        // Act
        Role[] roles = [.. DefaultRoles.All];

        // Assert
        Assert.All(roles, role =>
        {
            Assert.True(role.IsDefault, $"{role} is not marked default.");
            Assert.Empty(role.Resources);
            Assert.NotEmpty(role.Description);
        });
    }

    [Fact]
    public void All_EveryPermission_IsBuiltIn()
    {
        // Act
        string[] unknown = [.. DefaultRoles.All.SelectMany(r => r.Permissions).Where(p => !Permissions.IsBuiltIn(p)).Distinct()];

        // Assert
        Assert.Empty(unknown);
    }

    [Fact]
    public void All_Properties_AreListedInAll()
    {
        // Arrange
        Role[] properties =
        [
            DefaultRoles.OrganizationAdministrator, DefaultRoles.DatabaseAdministrator, DefaultRoles.BillingAdministrator,
            DefaultRoles.UIViewOnly, DefaultRoles.AdministratorUser, DefaultRoles.AdministratorServiceAccount,
            DefaultRoles.ReadOnlyUser, DefaultRoles.ReadOnlyServiceAccount, DefaultRoles.ReadWriteUser,
            DefaultRoles.ReadWriteServiceAccount, DefaultRoles.ApiAdministratorUser, DefaultRoles.ApiAdministratorServiceAccount,
            DefaultRoles.ApiReadOnlyUser, DefaultRoles.ApiReadOnlyServiceAccount, DefaultRoles.ApiReadWriteUser,
            DefaultRoles.ApiReadWriteServiceAccount,
        ];

        // Act
        IReadOnlyList<Role> all = DefaultRoles.All;

        // Assert
        Assert.Equal(properties, all);
    }

    [Fact]
    public void OrganizationAdministrator_Permissions_AreEveryPermission()
    {
        // Act
        Role role = DefaultRoles.OrganizationAdministrator;

        // Assert
        Assert.Equal("Organization Administrator", role.Name);
        Assert.Equal(Permissions.All.Order(StringComparer.Ordinal), role.Permissions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void All_TokenManagementPermissions_HeldOnlyByOrganizationAndDatabaseAdministrator()
    {
        // Act
        string[] readers = [.. DefaultRoles.All.Where(r => r.HasPermission(Permissions.OrgTokenRead)).Select(r => r.Name)];
        string[] writers = [.. DefaultRoles.All.Where(r => r.HasPermission(Permissions.OrgTokenWrite)).Select(r => r.Name)];

        // Assert
        string[] expected = ["Organization Administrator", "Database Administrator"];
        Assert.Equal(expected, readers);
        Assert.Equal(expected, writers);
    }

    [Fact]
    public void All_ApiRoles_AreTheSixApiRoles()
    {
        // Act
        int count = ApiRoleIds.Count;

        // Assert
        Assert.Equal(6, count);
    }

    [Theory]
    [MemberData(nameof(ApiRoleIds))]
    public void ApiRole_Permissions_LackCql(string id)
    {
        // Arrange
        Role role = DefaultRoles.All.Single(r => r.Id == id);

        // Act
        bool cql = role.HasPermission(Permissions.DbCql);

        // Assert
        Assert.False(cql, $"{role} holds db-cql.");
    }

    [Fact]
    public void AdministratorUser_Permissions_IncludeCql()
    {
        // Act
        bool cql = DefaultRoles.AdministratorUser.HasPermission(Permissions.DbCql);

        // Assert
        Assert.True(cql);
    }

    [Fact]
    public void All_ServiceAccountRoles_AreTheSixServiceAccountRoles()
    {
        // Act
        int count = ServiceAccountRoleIds.Count;

        // Assert
        Assert.Equal(6, count);
    }

    [Theory]
    [MemberData(nameof(ServiceAccountRoleIds))]
    public void ServiceAccountRole_Permissions_LackUserAndDatabaseListing(string id)
    {
        // Arrange
        Role role = DefaultRoles.All.Single(r => r.Id == id);

        // Act
        bool users = role.HasPermission(Permissions.OrgUserRead);
        bool databases = role.HasPermission(Permissions.OrgDbView);

        // Assert
        Assert.False(users, $"{role} holds org-user-read.");
        Assert.False(databases, $"{role} holds org-db-view.");
    }

    [Fact]
    public void ReadOnlyUser_Permissions_IncludeUserAndDatabaseListing()
    {
        // Act
        Role role = DefaultRoles.ReadOnlyUser;

        // Assert
        Assert.True(role.HasPermission(Permissions.OrgUserRead));
        Assert.True(role.HasPermission(Permissions.OrgDbView));
    }

    [Fact]
    public void All_ReadOnlyRoles_AreTheFourReadOnlyRoles()
    {
        // Act
        int count = ReadOnlyRoleIds.Count;

        // Assert
        Assert.Equal(4, count);
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoleIds))]
    public void ReadOnlyRole_Permissions_HoldNoChangingPermission(string id)
    {
        // Arrange
        Role role = DefaultRoles.All.Single(r => r.Id == id);

        // Act
        string[] changing = [.. role.Permissions.Where(p => s_changeWords.Any(w => p.Contains(w, StringComparison.Ordinal)))];

        // Assert
        Assert.Empty(changing);
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoleIds))]
    public void ReadOnlyRole_Permissions_IncludeTableSelect(string id)
    {
        // Arrange
        Role role = DefaultRoles.All.Single(r => r.Id == id);

        // Act
        bool select = role.HasPermission(Permissions.DbTableSelect);

        // Assert
        Assert.True(select);
    }

    [Fact]
    public void All_ReadWriteRoles_AreTheFourReadWriteRoles()
    {
        // Act
        int count = ReadWriteRoleIds.Count;

        // Assert
        Assert.Equal(4, count);
    }

    [Theory]
    [MemberData(nameof(ReadWriteRoleIds))]
    public void ReadWriteRole_Permissions_SelectAndModifyButNoSchemaChange(string id)
    {
        // Arrange
        Role role = DefaultRoles.All.Single(r => r.Id == id);

        // Act
        bool select = role.HasPermission(Permissions.DbTableSelect);
        bool modify = role.HasPermission(Permissions.DbTableModify);
        bool createTable = role.HasPermission(Permissions.DbTableCreate);

        // Assert
        Assert.True(select);
        Assert.True(modify);
        Assert.False(createTable);
    }

    [Theory]
    [MemberData(nameof(RoleIds))]
    public void DefaultRole_ToString_ShowsNameAndId(string id)
    {
        // Arrange
        Role role = DefaultRoles.All.Single(r => r.Id == id);

        // Act
        string text = role.ToString();

        // Assert
        Assert.Equal($"{role.Name} ({id})", text);
    }
}
