using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Tests.Management;

public class TokenDeletionPolicyTests
{
    private const string Organization = "acme";

    private static readonly DateTimeOffset s_start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly InMemoryTokenStore _store = new();
    private readonly RoleCatalog _roles = new();
    private readonly FakeTimeProvider _time = new(s_start);
    private readonly TokenCaller _caller = new("admin", Organization, [DefaultRoles.OrganizationAdministrator]) { ClientId = "admintoken" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TokenDeletionPolicy NewPolicy(TokenSdkOptions? options = null) => new(_store, _roles, options ?? new TokenSdkOptions(), _time);

    private StoredToken NewRecord(Role role, string organizationId = Organization, DateTimeOffset? expiresAt = null) =>
        new TokenGenerator(timeProvider: _time).Generate(new TokenGenerationRequest(role) { OrganizationId = organizationId, ExpiresAt = expiresAt }).Record;

    private async Task<StoredToken> AddAsync(Role role, string organizationId = Organization, DateTimeOffset? expiresAt = null)
    {
        StoredToken record = NewRecord(role, organizationId, expiresAt);
        Assert.True(await _store.TryAddAsync(record, Ct));
        return record;
    }

    private TokenDeletionContext Deleting(StoredToken record, DeletionReason reason = DeletionReason.NoLongerNeeded) => new()
    {
        Caller = _caller,
        Token = new TokenInfo(record, _roles.TryGetRole(record.RoleId, out Role? role) ? role.Name : null),
        Reason = reason,
    };

    // Reason

    [Theory]
    [InlineData(DeletionReason.Unspecified)]
    [InlineData((DeletionReason)99)]
    [InlineData((DeletionReason)(-1))]
    public async Task EvaluateAsync_MissingOrUnknownReason_IsInvalidRequest(DeletionReason reason)
    {
        StoredToken reader = await AddAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(reader, reason), Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains("reason is required", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_MissingReasonWithGuardOff_IsStillInvalidRequest()
    {
        var options = new TokenSdkOptions();
        options.Management.LockoutGuard = false;
        StoredToken reader = await AddAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult result = await NewPolicy(options).EvaluateAsync(Deleting(reader, DeletionReason.Unspecified), Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
    }

    [Fact]
    public async Task EvaluateAsync_NullContext_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("context", async () => await NewPolicy().EvaluateAsync(null!, Ct));
    }

    // Tokens that cannot manage tokens

    [Theory]
    [InlineData("read-only-user")]
    [InlineData("administrator-service-account")]
    [InlineData("billing-administrator")]
    public async Task EvaluateAsync_RoleWithoutTokenWrite_IsAllowed(string roleId)
    {
        Assert.True(_roles.TryGetRole(roleId, out Role? role));
        StoredToken only = await AddAsync(role);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(only), Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task EvaluateAsync_RoleNoLongerInTheCatalog_IsAllowed()
    {
        var gone = new Role("retired-admin", "Retired Admin", [Permissions.OrgTokenWrite]);
        StoredToken only = await AddAsync(gone);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(only), Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    // Lock-out guard

    [Theory]
    [InlineData(DeletionReason.Compromised)]
    [InlineData(DeletionReason.NoLongerNeeded)]
    [InlineData(DeletionReason.RoleChange)]
    [InlineData(DeletionReason.Other)]
    public async Task EvaluateAsync_LastManagerToken_IsLockoutPrevented(DeletionReason reason)
    {
        StoredToken manager = await AddAsync(DefaultRoles.DatabaseAdministrator);
        await AddAsync(DefaultRoles.ReadWriteUser);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager, reason), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
        Assert.Contains($"'{Organization}'", result.Message, StringComparison.Ordinal);
        Assert.Contains("TokenSdk:Management:LockoutGuard", result.Message, StringComparison.Ordinal);
        Assert.Contains(manager.ClientId, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_LastManagerTokenNotInTheStore_IsLockoutPrevented()
    {
        // The policy looks at the organization's other tokens; the one being deleted need not be listed.
        StoredToken manager = NewRecord(DefaultRoles.OrganizationAdministrator);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Theory]
    [InlineData("organization-administrator", "database-administrator")]
    [InlineData("database-administrator", "organization-administrator")]
    [InlineData("database-administrator", "database-administrator")]
    public async Task EvaluateAsync_AnotherLiveManagerTokenInTheOrganization_IsAllowed(string deletedRoleId, string otherRoleId)
    {
        Assert.True(_roles.TryGetRole(deletedRoleId, out Role? deletedRole));
        Assert.True(_roles.TryGetRole(otherRoleId, out Role? otherRole));
        StoredToken manager = await AddAsync(deletedRole);
        await AddAsync(otherRole);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager), Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task EvaluateAsync_CustomRoleWithTokenWrite_CountsAsAManager()
    {
        var tokenAdmin = new Role("token-admin", "Token Admin", [Permissions.OrgTokenRead, Permissions.OrgTokenWrite]);
        var policy = new TokenDeletionPolicy(_store, new RoleCatalog([tokenAdmin]), new TokenSdkOptions(), _time);
        StoredToken first = await AddAsync(tokenAdmin);

        ManagementResult alone = await policy.EvaluateAsync(Deleting(first), Ct);
        await AddAsync(tokenAdmin);
        ManagementResult withAnother = await policy.EvaluateAsync(Deleting(first), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, alone.Status);
        Assert.True(withAnother.Succeeded, withAnother.ToString());
    }

    [Fact]
    public async Task EvaluateAsync_OtherManagerTokenInAnotherOrganization_DoesNotCount()
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);
        await AddAsync(DefaultRoles.OrganizationAdministrator, organizationId: "globex");

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Fact]
    public async Task EvaluateAsync_OtherManagerTokenExpired_DoesNotCount()
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator, expiresAt: s_start.AddMinutes(30));
        await AddAsync(DefaultRoles.OrganizationAdministrator, expiresAt: s_start.AddHours(1));
        TokenDeletionPolicy policy = NewPolicy();

        ManagementResult beforeExpiry = await policy.EvaluateAsync(Deleting(manager), Ct);
        _time.Advance(TimeSpan.FromHours(1));
        ManagementResult atExpiry = await policy.EvaluateAsync(Deleting(manager), Ct);

        Assert.True(beforeExpiry.Succeeded, beforeExpiry.ToString());
        Assert.Equal(ManagementStatus.LockoutPrevented, atExpiry.Status);
    }

    [Fact]
    public async Task EvaluateAsync_OtherManagerTokenExpiresSooner_DoesNotCount()
    {
        // Rotation with a grace period: the old token expires soon; deleting the new one would lock the organization out.
        StoredToken fresh = await AddAsync(DefaultRoles.OrganizationAdministrator);
        await AddAsync(DefaultRoles.OrganizationAdministrator, expiresAt: s_start.AddDays(1));

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(fresh), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Fact]
    public async Task EvaluateAsync_OtherManagerTokenDeleted_DoesNotCount()
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);
        StoredToken other = await AddAsync(DefaultRoles.OrganizationAdministrator);
        await _store.DeleteAsync(other.ClientId, Ct);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Fact]
    public async Task EvaluateAsync_GuardOff_AllowsTheLastManagerToken()
    {
        var options = new TokenSdkOptions();
        options.Management.LockoutGuard = false;
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);

        ManagementResult result = await NewPolicy(options).EvaluateAsync(Deleting(manager), Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task EvaluateAsync_DefaultOptions_GuardIsOn()
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);
        var policy = new TokenDeletionPolicy(_store, _roles);

        ManagementResult result = await policy.EvaluateAsync(Deleting(manager), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Theory]
    [InlineData(DeletionReason.Rotated)]
    [InlineData(DeletionReason.Expired)]
    public async Task EvaluateAsync_ReasonsSetByTokenSdk_SkipTheGuard(DeletionReason reason)
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager, reason), Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task EvaluateAsync_ManyTokens_FindsAnotherManagerTokenBeyondTheFirstPage()
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);
        for (int i = 0; i < TokenListQuery.MaxLimit + 200; i++)
        {
            await AddAsync(DefaultRoles.ReadOnlyUser);
        }

        IReadOnlyList<StoredToken> firstPage = await _store.ListAsync(
            new TokenListQuery { OrganizationId = Organization, Limit = TokenListQuery.MaxLimit }, Ct);
        string lastOnFirstPage = firstPage[^1].ClientId;

        // Draw manager tokens until one sorts after the first page; only that one goes into the store.
        StoredToken late;
        do
        {
            late = NewRecord(DefaultRoles.DatabaseAdministrator);
        }
        while (string.CompareOrdinal(late.ClientId, lastOnFirstPage) <= 0);
        Assert.True(await _store.TryAddAsync(late, Ct));
        IReadOnlyList<StoredToken> firstPageAfterAdd = await _store.ListAsync(
            new TokenListQuery { OrganizationId = Organization, Limit = TokenListQuery.MaxLimit }, Ct);
        Assert.DoesNotContain(firstPageAfterAdd, t => t.ClientId == late.ClientId);
        Assert.DoesNotContain(firstPageAfterAdd, t => t.ClientId != manager.ClientId && t.RoleId != DefaultRoles.ReadOnlyUser.Id);

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager), Ct);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task EvaluateAsync_ManyTokensAndNoOtherManager_IsLockoutPrevented()
    {
        StoredToken manager = await AddAsync(DefaultRoles.OrganizationAdministrator);
        for (int i = 0; i < (2 * TokenListQuery.MaxLimit) + 1; i++)
        {
            await AddAsync(DefaultRoles.ReadOnlyUser);
        }

        ManagementResult result = await NewPolicy().EvaluateAsync(Deleting(manager), Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("store", () => new TokenDeletionPolicy(null!, _roles));
        Assert.Throws<ArgumentNullException>("roles", () => new TokenDeletionPolicy(_store, null!));
    }
}
