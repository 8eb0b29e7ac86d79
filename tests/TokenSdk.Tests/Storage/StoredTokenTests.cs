using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Tests.Storage;

public class StoredTokenTests
{
    private static StoredToken NewRecord(string? organizationId = null) =>
        new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = organizationId }).Record;

    [Fact]
    public void Constructor_KeepsEveryValue_CreatedAtWithItsOffset()
    {
        StoredToken source = NewRecord();
        var createdAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromMinutes(330));

        var record = new StoredToken(source.ClientId, "acme", DefaultRoles.ReadWriteUser.Id, source.Verifier, createdAt)
        {
            CreatedBy = "alice",
            Description = "ci",
            ExpiresAt = createdAt.AddDays(30),
        };

        Assert.Equal(source.ClientId, record.ClientId);
        Assert.Equal("acme", record.OrganizationId);
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, record.RoleId);
        Assert.Equal(source.Verifier, record.Verifier);
        Assert.Equal(createdAt, record.CreatedAt);
        Assert.Equal(createdAt.Offset, record.CreatedAt.Offset);
        Assert.Equal(createdAt.AddDays(30), record.ExpiresAt);
        Assert.Equal(TimeSpan.Zero, record.ExpiresAt!.Value.Offset);
        Assert.Equal("alice", record.CreatedBy);
        Assert.Equal("ci", record.Description);
    }

    [Fact]
    public void ExpiresAt_MinValue_IsKeptAndHasExpired()
    {
        StoredToken record = NewRecord().WithExpiresAt(DateTimeOffset.MinValue);

        Assert.Equal(DateTimeOffset.MinValue, record.ExpiresAt);
        Assert.True(record.IsExpiredAt(DateTimeOffset.UnixEpoch.UtcTicks));
    }

    [Fact]
    public void WithExpiresAt_Null_NeverExpires()
    {
        StoredToken record = NewRecord().WithExpiresAt(DateTimeOffset.UnixEpoch).WithExpiresAt(null);

        Assert.Null(record.ExpiresAt);
        Assert.False(record.IsExpiredAt(DateTimeOffset.MaxValue.UtcTicks));
    }

    [Fact]
    public void Pool_EqualFields_ShareOneInstance_CopiesStayEqual()
    {
        var pool = new SharedTokenFieldsPool();
        StoredToken first = NewRecord("acme");
        StoredToken second = NewRecord("acme");

        StoredToken sharedFirst = pool.Share(first);
        StoredToken sharedSecond = pool.Share(second);

        Assert.Same(first, sharedFirst);
        Assert.NotSame(second, sharedSecond);
        Assert.Same(sharedFirst.Shared, sharedSecond.Shared);
        Assert.Equal(second.ClientId, sharedSecond.ClientId);
        Assert.Equal(second.Verifier, sharedSecond.Verifier);
        Assert.Equal(second.CreatedAt, sharedSecond.CreatedAt);
        Assert.Equal(second.CreatedBy, sharedSecond.CreatedBy);
        Assert.Equal(second.ExpiresAt, sharedSecond.ExpiresAt);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Pool_DifferentOrganizationRoleOrOffset_KeepsThemApart()
    {
        var pool = new SharedTokenFieldsPool();
        StoredToken template = NewRecord();

        pool.Share(template);
        pool.Share(new StoredToken(template.ClientId, "other", template.RoleId, template.Verifier, template.CreatedAt));
        pool.Share(new StoredToken(template.ClientId, template.OrganizationId, DefaultRoles.OrganizationAdministrator.Id, template.Verifier, template.CreatedAt));
        pool.Share(new StoredToken(template.ClientId, template.OrganizationId, template.RoleId, template.Verifier, template.CreatedAt.ToOffset(TimeSpan.FromHours(2))));

        Assert.Equal(4, pool.Count);
    }

    [Fact]
    public void Pool_EqualIdsInOtherCombinations_ShareOneStringInstance()
    {
        var pool = new SharedTokenFieldsPool();
        StoredToken template = NewRecord("acme");

        // Ids read back from a log are new strings each time.
        StoredToken acme = pool.Share(template);
        StoredToken other = pool.Share(new StoredToken(template.ClientId, "other", new string(template.RoleId.AsSpan()), template.Verifier, template.CreatedAt));
        StoredToken acmeAdmin = pool.Share(new StoredToken(template.ClientId, new string("acme".AsSpan()), DefaultRoles.OrganizationAdministrator.Id, template.Verifier, template.CreatedAt));

        Assert.Equal(3, pool.Count);
        Assert.Same(acme.RoleId, other.RoleId);
        Assert.Same(acme.OrganizationId, acmeAdmin.OrganizationId);
        Assert.NotSame(acme.RoleId, acmeAdmin.RoleId);
    }

    [Fact]
    public void ToString_DoesNotShowTheVerifier()
    {
        StoredToken record = NewRecord();
        string encoded = record.Verifier.Encode();

        string text = record.ToString();

        Assert.Contains(record.ClientId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded.Split('$')[^1], text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralRoleIds_KeepsThemInOrderAndJoinsThemForStores()
    {
        StoredToken source = NewRecord();

        var record = new StoredToken(source.ClientId, "acme", ["read-only-user", "billing-administrator"], source.Verifier, source.CreatedAt);
        var reread = new StoredToken(record.ClientId, record.OrganizationId, record.RoleId, record.Verifier, record.CreatedAt);

        Assert.Equal(["read-only-user", "billing-administrator"], record.RoleIds);
        Assert.Equal("read-only-user,billing-administrator", record.RoleId);
        Assert.Equal(record.RoleIds, reread.RoleIds);
        Assert.Equal(["read-only-user"], NewRecord().RoleIds);
        Assert.Contains("Role = read-only-user,billing-administrator", record.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "1 to 16 roles; 0 were given")]
    [InlineData(new[] { "a", "A" }, "'A' is given twice")]
    [InlineData(new[] { "a", "" }, "null or empty")]
    [InlineData(new[] { "a,b" }, "cannot contain ','")]
    public void Constructor_BadRoleIdList_Throws(string[] roleIds, string message)
    {
        StoredToken source = NewRecord();

        ArgumentException error = Assert.Throws<ArgumentException>(
            () => new StoredToken(source.ClientId, "acme", roleIds, source.Verifier, source.CreatedAt));

        Assert.Equal("roleIds", error.ParamName);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,,b")]
    [InlineData("a,b,A")]
    [InlineData(",a")]
    [InlineData("a,")]
    public void Constructor_BadJoinedRoleIds_Throws(string roleId)
    {
        StoredToken source = NewRecord();

        ArgumentException error = Assert.Throws<ArgumentException>(
            () => new StoredToken(source.ClientId, "acme", roleId, source.Verifier, source.CreatedAt));

        Assert.Equal("roleId", error.ParamName);
    }

    [Fact]
    public void Constructor_SeventeenRoleIds_Throws()
    {
        StoredToken source = NewRecord();
        string[] ids = Enumerable.Range(1, 17).Select(i => $"r{i}").ToArray();

        Assert.Throws<ArgumentException>(() => new StoredToken(source.ClientId, "acme", ids, source.Verifier, source.CreatedAt));
        Assert.Throws<ArgumentException>(() => new StoredToken(source.ClientId, "acme", string.Join(',', ids), source.Verifier, source.CreatedAt));
        Assert.Equal(16, new StoredToken(source.ClientId, "acme", ids[..16], source.Verifier, source.CreatedAt).RoleIds.Count);
    }
}
