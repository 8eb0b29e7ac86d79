using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

public class ResourceScopeTests
{
    [Fact]
    public void Parse_Organization_ReturnsDepthOne()
    {
        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:acme");

        // Assert
        Assert.Equal("acme", scope.Organization);
        Assert.Null(scope.Database);
        Assert.Null(scope.Keyspace);
        Assert.Null(scope.Table);
        Assert.Equal(1, scope.Depth);
    }

    [Fact]
    public void Parse_Database_ReturnsDepthTwo()
    {
        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:acme:db:orders");

        // Assert
        Assert.Equal("acme", scope.Organization);
        Assert.Equal("orders", scope.Database);
        Assert.Null(scope.Keyspace);
        Assert.Null(scope.Table);
        Assert.Equal(2, scope.Depth);
    }

    [Fact]
    public void Parse_Keyspace_ReturnsDepthThree()
    {
        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales");

        // Assert
        Assert.Equal("acme", scope.Organization);
        Assert.Equal("orders", scope.Database);
        Assert.Equal("sales", scope.Keyspace);
        Assert.Null(scope.Table);
        Assert.Equal(3, scope.Depth);
    }

    [Fact]
    public void Parse_Table_ReturnsDepthFour()
    {
        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices");

        // Assert
        Assert.Equal("acme", scope.Organization);
        Assert.Equal("orders", scope.Database);
        Assert.Equal("sales", scope.Keyspace);
        Assert.Equal("invoices", scope.Table);
        Assert.Equal(4, scope.Depth);
    }

    [Fact]
    public void Parse_Wildcards_KeepsWildcardSegments()
    {
        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:*:db:*:keyspace:*:table:*");

        // Assert
        Assert.Equal(ResourceScope.Wildcard, scope.Organization);
        Assert.Equal(ResourceScope.Wildcard, scope.Database);
        Assert.Equal(ResourceScope.Wildcard, scope.Keyspace);
        Assert.Equal(ResourceScope.Wildcard, scope.Table);
    }

    [Fact]
    public void Parse_AllWildcardOrganization_EqualsAll()
    {
        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:*");

        // Assert
        Assert.Equal(ResourceScope.All, scope);
        Assert.Equal("drn:astra:org:*", ResourceScope.All.ToString());
    }

    private static readonly (string Text, string Reason)[] s_malformedDrns =
    [
        ("", "does not start with 'drn:astra:'"),
        ("org:acme", "does not start with 'drn:astra:'"),
        ("arn:astra:org:acme", "does not start with 'drn:astra:'"),
        ("drn:aws:org:acme", "does not start with 'drn:astra:'"),
        ("DRN:ASTRA:org:acme", "does not start with 'drn:astra:'"),
        (" drn:astra:org:acme", "does not start with 'drn:astra:'"),
        ("drn:astra:", "1 to 4 '<level>:<name>' pairs"),
        ("drn:astra:org", "1 to 4 '<level>:<name>' pairs"),
        ("drn:astra:org:acme:db", "1 to 4 '<level>:<name>' pairs"),
        ("drn:astra:org:acme:db:orders:keyspace", "1 to 4 '<level>:<name>' pairs"),
        ("drn:astra:org:acme:db:orders:keyspace:sales:table", "1 to 4 '<level>:<name>' pairs"),
        ("drn:astra:org:acme:db:orders:keyspace:sales:table:t:column:c", "1 to 4 '<level>:<name>' pairs"),
        ("drn:astra:organization:acme", "level 1 must be 'org'"),
        ("drn:astra:ORG:acme", "level 1 must be 'org'"),
        ("drn:astra:db:orders", "level 1 must be 'org'"),
        ("drn:astra:org:acme:database:orders", "level 2 must be 'db'"),
        ("drn:astra:org:acme:keyspace:sales", "level 2 must be 'db'"),
        ("drn:astra:org:acme:db:orders:ks:sales", "level 3 must be 'keyspace'"),
        ("drn:astra:org:acme:db:orders:keyspace:sales:tbl:t", "level 4 must be 'table'"),
        ("drn:astra:org:", "the org name is empty"),
        ("drn:astra:org:acme:db:", "the db name is empty"),
        ("drn:astra:org:acme:db::keyspace:sales", "the db name is empty"),
        ("drn:astra:org:acme:db:orders:keyspace:", "the keyspace name is empty"),
        ("drn:astra:org:acme:db:orders:keyspace:sales:table:", "the table name is empty"),
        ("drn:astra:org:ac me", "whitespace"),
        ("drn:astra:org:acme ", "whitespace"),
        ("drn:astra:org:acme:db: orders", "whitespace"),
        ("drn:astra:org:acme:db:orders\t", "whitespace"),
        ("drn:astra:org:acme:db:orders:keyspace:sales:table:in voices", "whitespace"),
    ];

    public static TheoryData<string, string> MalformedDrnsWithReasons =>
        [.. s_malformedDrns.Select(row => new TheoryDataRow<string, string>(row.Text, row.Reason))];

    public static TheoryData<string> MalformedDrns => [.. s_malformedDrns.Select(row => row.Text)];

    [Theory]
    [MemberData(nameof(MalformedDrnsWithReasons))]
    public void Parse_MalformedDrn_ThrowsFormatExceptionSayingWhy(string text, string reason)
    {
        // Act
        FormatException ex = Assert.Throws<FormatException>(() => ResourceScope.Parse(text));

        // Assert
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("drn:astra:org:<org>", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedDrns))]
    public void TryParse_MalformedDrn_ReturnsFalseAndNull(string text)
    {
        // Act
        bool parsed = ResourceScope.TryParse(text, out ResourceScope? scope);

        // Assert
        Assert.False(parsed);
        Assert.Null(scope);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        // Act
        bool parsed = ResourceScope.TryParse(null, out ResourceScope? scope);

        // Assert
        Assert.False(parsed);
        Assert.Null(scope);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        // Act
        ArgumentNullException ex = Assert.Throws<ArgumentNullException>(() => ResourceScope.Parse(null!));

        // Assert
        Assert.Equal("text", ex.ParamName);
    }

    [Fact]
    public void Parse_SegmentLongerThan128Characters_ThrowsFormatException()
    {
        // Arrange
        string text = "drn:astra:org:" + new string('a', 129);

        // Act
        bool parsed = ResourceScope.TryParse(text, out _);

        // Assert
        Assert.False(parsed);
        Assert.Throws<FormatException>(() => ResourceScope.Parse(text));
    }

    [Fact]
    public void Parse_Segment128Characters_Succeeds()
    {
        // Arrange
        string org = new('a', 128);

        // Act
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:" + org);

        // Assert
        Assert.Equal(org, scope.Organization);
    }

    [Theory]
    [InlineData("drn:astra:org:acme")]
    [InlineData("drn:astra:org:*")]
    [InlineData("drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:acme:db:*")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales")]
    [InlineData("drn:astra:org:*:db:orders:keyspace:*")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:acme:db:*:keyspace:sales:table:*")]
    [InlineData("drn:astra:org:Acme-1:db:3f9a_b.c:keyspace:Sales:table:In-Voices")]
    public void ToString_ParsedDrn_RoundTrips(string text)
    {
        // Arrange
        ResourceScope scope = ResourceScope.Parse(text);

        // Act
        string printed = scope.ToString();

        // Assert
        Assert.Equal(text, printed);
        Assert.Equal(scope, ResourceScope.Parse(printed));
    }

    [Fact]
    public void ForTable_Segments_ProduceSameScopeAsParse()
    {
        // Act
        ResourceScope built = ResourceScope.ForTable("acme", "orders", "sales", "invoices");

        // Assert
        Assert.Equal(ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices"), built);
        Assert.Equal(ResourceScope.Parse("drn:astra:org:acme"), ResourceScope.ForOrganization("acme"));
        Assert.Equal(ResourceScope.Parse("drn:astra:org:acme:db:orders"), ResourceScope.ForDatabase("acme", "orders"));
        Assert.Equal(ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:*"), ResourceScope.ForKeyspace("acme", "orders", "*"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData(" a")]
    public void ForDatabase_InvalidSegment_ThrowsArgumentExceptionNamingTheSegment(string database)
    {
        // Act
        ArgumentException ex = Assert.Throws<ArgumentException>(() => ResourceScope.ForDatabase("acme", database));

        // Assert
        Assert.Equal("database", ex.ParamName);
        Assert.Contains("database name", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Scope stopping at a level covers everything beneath it (prefix match).
    [InlineData("drn:astra:org:acme", "drn:astra:org:acme")]
    [InlineData("drn:astra:org:acme", "drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:acme", "drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:orders:keyspace:sales")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales", "drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices", "drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    // '*' at each level.
    [InlineData("drn:astra:org:*", "drn:astra:org:acme")]
    [InlineData("drn:astra:org:*", "drn:astra:org:other:db:orders:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:*:db:orders", "drn:astra:org:acme:db:orders:keyspace:sales")]
    [InlineData("drn:astra:org:acme:db:*", "drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:acme:db:*", "drn:astra:org:acme:db:billing:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:*", "drn:astra:org:acme:db:orders:keyspace:sales")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:*:table:invoices", "drn:astra:org:acme:db:orders:keyspace:archive:table:invoices")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales:table:*", "drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    [InlineData("drn:astra:org:*:db:*:keyspace:*:table:*", "drn:astra:org:acme:db:orders:keyspace:sales:table:invoices")]
    public void Covers_ResourceWithinScope_ReturnsTrue(string scopeText, string resourceText)
    {
        // Arrange
        ResourceScope scope = ResourceScope.Parse(scopeText);
        ResourceScope resource = ResourceScope.Parse(resourceText);

        // Act
        bool covers = scope.Covers(resource);

        // Assert
        Assert.True(covers);
    }

    [Theory]
    // Different organization, database, keyspace or table.
    [InlineData("drn:astra:org:acme", "drn:astra:org:other")]
    [InlineData("drn:astra:org:acme", "drn:astra:org:other:db:orders")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:other:db:orders")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:billing")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales", "drn:astra:org:acme:db:orders:keyspace:archive")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices", "drn:astra:org:acme:db:orders:keyspace:sales:table:refunds")]
    [InlineData("drn:astra:org:acme:db:*", "drn:astra:org:other:db:orders")]
    [InlineData("drn:astra:org:acme:db:*:keyspace:sales", "drn:astra:org:acme:db:orders:keyspace:archive")]
    // A deeper scope never covers a shallower resource, even with wildcards.
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme")]
    [InlineData("drn:astra:org:acme:db:*", "drn:astra:org:acme")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales", "drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:*", "drn:astra:org:acme:db:orders")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices", "drn:astra:org:acme:db:orders:keyspace:sales")]
    [InlineData("drn:astra:org:acme:db:orders:keyspace:sales:table:*", "drn:astra:org:acme:db:orders:keyspace:sales")]
    // Comparison is ordinal, case-sensitive.
    [InlineData("drn:astra:org:acme", "drn:astra:org:ACME")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:Orders")]
    // A named scope does not cover a wildcard resource (which stands for everything).
    [InlineData("drn:astra:org:acme", "drn:astra:org:*")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:*")]
    public void Covers_ResourceOutsideScope_ReturnsFalse(string scopeText, string resourceText)
    {
        // Arrange
        ResourceScope scope = ResourceScope.Parse(scopeText);
        ResourceScope resource = ResourceScope.Parse(resourceText);

        // Act
        bool covers = scope.Covers(resource);

        // Assert
        Assert.False(covers);
    }

    [Fact]
    public void Covers_Null_ThrowsArgumentNullException()
    {
        // Arrange
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:acme");

        // Act
        ArgumentNullException ex = Assert.Throws<ArgumentNullException>(() => scope.Covers(null!));

        // Assert
        Assert.Equal("resource", ex.ParamName);
    }

    [Fact]
    public void Equals_SameDrnParsedTwice_AreEqualWithSameHashCode()
    {
        // Arrange
        ResourceScope first = ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales");
        ResourceScope second = ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales");

        // Act
        bool equal = first.Equals(second);
        bool equalAsObject = first.Equals((object)second);

        // Assert
        Assert.NotSame(first, second);
        Assert.True(equal);
        Assert.True(equalAsObject);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Theory]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:billing")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:Orders")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme")]
    [InlineData("drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:orders:keyspace:*")]
    [InlineData("drn:astra:org:acme:db:*", "drn:astra:org:acme:db:orders")]
    public void Equals_DifferentDrns_AreNotEqual(string left, string right)
    {
        // Arrange
        ResourceScope first = ResourceScope.Parse(left);
        ResourceScope second = ResourceScope.Parse(right);

        // Act
        bool equal = first.Equals(second);

        // Assert
        Assert.False(equal);
    }

    [Fact]
    public void Equals_NullOrOtherType_ReturnsFalse()
    {
        // Arrange
        ResourceScope scope = ResourceScope.Parse("drn:astra:org:acme");

        // Act
        bool equalsString = scope.Equals((object)"drn:astra:org:acme");
        bool equalsNull = scope.Equals(null);

        // Assert
        Assert.False(equalsNull);
        Assert.False(equalsString);
    }
}
