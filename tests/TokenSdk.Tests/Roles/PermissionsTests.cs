using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

public class PermissionsTests
{
    // Written out from /work/shared/reference/astra-tokens-facts.md, "Permission names (policy actions)".
    public static TheoryData<string> AstraPermissionNames =>
    [
        // Database
        "db-all-keyspace-create", "db-all-keyspace-describe", "db-cql", "db-graphql", "db-rest",
        // Keyspace
        "db-keyspace-alter", "db-keyspace-authorize", "db-keyspace-create", "db-keyspace-describe",
        "db-keyspace-drop", "db-keyspace-grant", "db-keyspace-modify",
        // Table
        "db-table-alter", "db-table-authorize", "db-table-create", "db-table-describe", "db-table-drop",
        "db-table-grant", "db-table-modify", "db-table-select",
        // Organization
        "org-audits-read", "org-billing-read", "org-billing-write", "org-db-addpeering",
        "org-db-create", "org-db-expand", "org-db-managemigratorproxy", "org-db-passwordreset",
        "org-db-suspend", "org-db-terminate", "org-db-view", "org-external-auth-read",
        "org-external-auth-write", "org-notification-write", "org-read", "org-write", "org-role-delete",
        "org-role-read", "org-role-write", "org-token-read", "org-token-write", "org-user-read", "org-user-write",
        // Also
        "accesslist-read", "accesslist-write", "db-manage-privateendpoint", "db-manage-telemetry",
        "org-db-readpeering",
    ];

    [Theory]
    [MemberData(nameof(AstraPermissionNames))]
    public void All_AstraPermissionName_IsListedWithExactSpelling(string permission)
    {
        // Arrange
        IReadOnlyList<string> all = Permissions.All;

        // Act
        bool listed = all.Contains(permission, StringComparer.Ordinal);

        // Assert
        Assert.True(listed, $"Permissions.All lacks '{permission}'.");
    }

    [Fact]
    public void All_ComparedWithAstraNames_HoldsExactlyThoseNames()
    {
        // Arrange
        string[] expected = [.. AstraPermissionNames.Select(row => row.Data)];

        // Act
        string[] actual = [.. Permissions.All];

        // Assert
        Assert.Equal(48, expected.Length);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void All_Always_HasNoDuplicates()
    {
        // Arrange
        IReadOnlyList<string> all = Permissions.All;

        // Act
        int distinct = all.Distinct(StringComparer.Ordinal).Count();

        // Assert
        Assert.Equal(all.Count, distinct);
    }

    [Fact]
    public void All_EveryName_IsWellFormedAndBuiltIn()
    {
        // Arrange
        IReadOnlyList<string> all = Permissions.All;

        // Act
        string[] rejected = [.. all.Where(p => !Permissions.IsWellFormed(p) || !Permissions.IsBuiltIn(p))];

        // Assert
        Assert.Empty(rejected);
    }

    [Fact]
    public void Constants_SampleNames_AreSpelledAsAstra()
    {
        // Arrange, Act
        (string Constant, string Expected)[] pairs =
        [
            (Permissions.OrgTokenRead, "org-token-read"),
            (Permissions.OrgTokenWrite, "org-token-write"),
            (Permissions.DbCql, "db-cql"),
            (Permissions.DbTableSelect, "db-table-select"),
            (Permissions.OrgDbManageMigratorProxy, "org-db-managemigratorproxy"),
        ];

        // Assert
        Assert.All(pairs, pair => Assert.Equal(pair.Expected, pair.Constant));
    }

    [Theory]
    [InlineData("db-cql")]
    [InlineData("org-token-write")]
    [InlineData("accesslist-read")]
    public void IsBuiltIn_KnownName_ReturnsTrue(string permission)
    {
        // Act
        bool builtIn = Permissions.IsBuiltIn(permission);

        // Assert
        Assert.True(builtIn);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("DB-CQL")]
    [InlineData("db-cql ")]
    [InlineData("orders-read")]
    [InlineData("db_cql")]
    public void IsBuiltIn_UnknownOrDifferentlySpelledName_ReturnsFalse(string? permission)
    {
        // Act
        bool builtIn = Permissions.IsBuiltIn(permission);

        // Assert
        Assert.False(builtIn);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("db-cql")]
    [InlineData("orders.read")]
    [InlineData("acme:orders-read2")]
    public void IsWellFormed_ValidName_ReturnsTrue(string permission)
    {
        // Act
        bool wellFormed = Permissions.IsWellFormed(permission);

        // Assert
        Assert.True(wellFormed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Db-cql")]
    [InlineData("db-CQL")]
    [InlineData("1db-cql")]
    [InlineData("-db-cql")]
    [InlineData(".db")]
    [InlineData("db cql")]
    [InlineData(" db-cql")]
    [InlineData("db-cql\n")]
    [InlineData("db_cql")]
    [InlineData("db/cql")]
    [InlineData("dé-cql")]
    public void IsWellFormed_MalformedName_ReturnsFalse(string? permission)
    {
        // Act
        bool wellFormed = Permissions.IsWellFormed(permission);

        // Assert
        Assert.False(wellFormed);
    }

    [Fact]
    public void IsWellFormed_64Characters_ReturnsTrue()
    {
        // Arrange
        string permission = "p" + new string('x', 63);

        // Act
        bool wellFormed = Permissions.IsWellFormed(permission);

        // Assert
        Assert.True(wellFormed);
    }

    [Fact]
    public void IsWellFormed_65Characters_ReturnsFalse()
    {
        // Arrange
        string permission = "p" + new string('x', 64);

        // Act
        bool wellFormed = Permissions.IsWellFormed(permission);

        // Assert
        Assert.False(wellFormed);
    }
}
