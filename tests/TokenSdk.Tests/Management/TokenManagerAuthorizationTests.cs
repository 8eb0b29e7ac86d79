using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

public class TokenManagerAuthorizationTests
{
    private static readonly ResourceScope s_ordersDatabase = ResourceScope.Parse("drn:astra:org:*:db:orders");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> CallersWithoutWrite()
    {
        var data = new TheoryData<string, string>();
        foreach (string role in new[] { DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id, DefaultRoles.UIViewOnly.Id })
        {
            foreach (string operation in new[] { "generate", "delete", "rotate" })
            {
                data.Add(role, operation);
            }
        }

        return data;
    }

    public static TheoryData<string, string> CallersWithoutRead()
    {
        var data = new TheoryData<string, string>();
        foreach (string role in new[] { DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id, DefaultRoles.AdministratorUser.Id })
        {
            foreach (string operation in new[] { "list", "get" })
            {
                data.Add(role, operation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CallersWithoutWrite))]
    public async Task WriteOperation_CallerWithoutOrgTokenWrite_IsPermissionDeniedAndChangesNothing(string roleId, string operation)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken target = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        TokenCaller caller = ManagementFixture.Caller("mallory", Role(roleId));
        string before = await fixture.SnapshotAsync();

        ManagementResult result = await RunAsync(fixture, caller, operation, target.ClientId);

        TokenAuditEvent denied = AssertDenied(fixture, result, ManagementStatus.PermissionDenied, operation, Permissions.OrgTokenWrite);
        Assert.Contains("mallory", result.Message, StringComparison.Ordinal);
        Assert.Equal("mallory", denied.ActorId);
        Assert.Equal(operation == "generate" ? null : target.ClientId, denied.ClientId);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(target.Token)).IsValid);
    }

    [Theory]
    [MemberData(nameof(CallersWithoutRead))]
    public async Task ReadOperation_CallerWithoutOrgTokenRead_IsPermissionDenied(string roleId, string operation)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken target = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        TokenCaller caller = ManagementFixture.Caller("mallory", Role(roleId));

        ManagementResult result = await RunAsync(fixture, caller, operation, target.ClientId);

        AssertDenied(fixture, result, ManagementStatus.PermissionDenied, operation, Permissions.OrgTokenRead);
        Assert.DoesNotContain(target.ClientId, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_CallerWithoutRoles_IsPermissionDenied()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            new TokenCaller("anonymous", "acme", []), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);

        AssertDenied(fixture, result, ManagementStatus.PermissionDenied, "generate", Permissions.OrgTokenWrite);
        Assert.Null(result.Value);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_DatabaseAdministratorMintsOrganizationAdministrator_IsEscalationDenied()
    {
        using var fixture = new ManagementFixture();
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(dba, "Organization Administrator", cancellationToken: Ct);

        Assert.NotNull(result.MissingPermission);
        Assert.DoesNotContain(result.MissingPermission, DefaultRoles.DatabaseAdministrator.Permissions);
        Assert.Contains(result.MissingPermission, DefaultRoles.OrganizationAdministrator.Permissions);
        TokenAuditEvent denied = AssertDenied(fixture, result, ManagementStatus.EscalationDenied, "generate", result.MissingPermission);
        Assert.Contains("Organization Administrator", result.Message, StringComparison.Ordinal);
        Assert.Equal(DefaultRoles.OrganizationAdministrator.Id, denied.RoleId);
        Assert.Null(result.Value);
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("read-only-user")]
    [InlineData("database-administrator")]
    [InlineData("read-write-service-account")]
    public async Task GenerateAsync_DatabaseAdministratorMintsRoleItHolds_Succeeds(string roleId)
    {
        using var fixture = new ManagementFixture();
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(dba, roleId, cancellationToken: Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(roleId, (await fixture.VerifyAsync(result.Value!.Token)).Roles.Single().Id);
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Denied));
    }

    [Fact]
    public async Task GenerateAsync_OrganizationAdministrator_MayMintEveryDefaultRole()
    {
        using var fixture = new ManagementFixture();

        var statuses = new List<ManagementStatus>();
        foreach (Role role in DefaultRoles.All)
        {
            statuses.Add((await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), role.Id, cancellationToken: Ct)).Status);
        }

        Assert.All(statuses, s => Assert.Equal(ManagementStatus.Succeeded, s));
        Assert.Equal(DefaultRoles.All.Count, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_OrganizationAdministratorMintsRoleWithHostPermission_Succeeds()
    {
        using var fixture = new ManagementFixture(HostPermissionOptions(), customRoles: [ReportsExporter()]);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), "reports-exporter", cancellationToken: Ct);

        Assert.True(result.Succeeded, result.ToString());
        TokenVerificationResult verified = await fixture.VerifyAsync(result.Value!.Token);
        Assert.True(verified.HasPermission("acme-reports-export"));
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Denied));
    }

    [Fact]
    public async Task GenerateAsync_OrganizationAdministratorTokenMintsRoleWithHostPermission_Succeeds()
    {
        using var fixture = new ManagementFixture(HostPermissionOptions(), customRoles: [ReportsExporter()]);
        GeneratedToken adminToken = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        TokenVerificationResult admin = await fixture.VerifyAsync(adminToken.Token);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(TokenCaller.FromVerification(admin), "Reports Exporter", cancellationToken: Ct);

        Assert.True(admin.HasPermission("acme-reports-export"));
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task GenerateAsync_DatabaseAdministratorMintsRoleWithHostPermission_IsEscalationDenied()
    {
        using var fixture = new ManagementFixture(HostPermissionOptions(), customRoles: [ReportsExporter()]);
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(dba, "reports-exporter", cancellationToken: Ct);

        AssertDenied(fixture, result, ManagementStatus.EscalationDenied, "generate", "acme-reports-export");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task RotateAsync_OrganizationAdministratorToRoleWithHostPermission_Succeeds()
    {
        using var fixture = new ManagementFixture(HostPermissionOptions(), customRoles: [ReportsExporter()]);
        GeneratedToken old = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { Roles = ["reports-exporter"] }, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("reports-exporter", (await fixture.VerifyAsync(result.Value!.Token)).Roles.Single().Id);
    }

    [Fact]
    public async Task GenerateAsync_ScopedTokenManagerMintsUnscopedRole_IsEscalationDenied()
    {
        Role scopedManager = ScopedManager();
        using var fixture = new ManagementFixture(customRoles: [scopedManager]);
        TokenCaller caller = ManagementFixture.Caller("sam", scopedManager);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(caller, DefaultRoles.ReadOnlyServiceAccount.Id, cancellationToken: Ct);

        Assert.NotNull(result.MissingPermission);
        Assert.Contains(result.MissingPermission, DefaultRoles.ReadOnlyServiceAccount.Permissions);
        AssertDenied(fixture, result, ManagementStatus.EscalationDenied, "generate", result.MissingPermission);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_ScopedTokenManagerMintsRoleWithinItsScope_Succeeds()
    {
        Role scopedManager = ScopedManager();
        var salesReader = new Role("orders-sales-reader", "Orders Sales Reader", [Permissions.DbCql, Permissions.DbTableSelect],
            resources: [ResourceScope.Parse("drn:astra:org:*:db:orders:keyspace:sales")]);
        using var fixture = new ManagementFixture(customRoles: [scopedManager, salesReader]);
        TokenCaller caller = ManagementFixture.Caller("sam", scopedManager);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(caller, salesReader.Id, cancellationToken: Ct);

        Assert.True(result.Succeeded, result.ToString());
        TokenVerificationResult verified = await fixture.VerifyAsync(result.Value!.Token);
        Assert.True(verified.Allows(Permissions.DbTableSelect, ResourceScope.ForTable("acme", "orders", "sales", "lines")));
        Assert.False(verified.Allows(Permissions.DbTableSelect, ResourceScope.ForTable("acme", "billing", "sales", "lines")));
    }

    [Fact]
    public async Task GenerateAsync_ScopedTokenManagerMintsWiderScope_IsEscalationDenied()
    {
        Role scopedManager = ScopedManager();
        var everyDatabase = new Role("all-db-reader", "All Databases Reader", [Permissions.DbTableSelect],
            resources: [ResourceScope.Parse("drn:astra:org:*:db:*")]);
        using var fixture = new ManagementFixture(customRoles: [scopedManager, everyDatabase]);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Caller("sam", scopedManager), everyDatabase.Id, cancellationToken: Ct);

        AssertDenied(fixture, result, ManagementStatus.EscalationDenied, "generate", Permissions.DbTableSelect);
    }

    [Fact]
    public async Task RotateAsync_DatabaseAdministratorRotatesOrganizationAdministratorToken_IsEscalationDenied()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken adminToken = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(dba, adminToken.ClientId, cancellationToken: Ct);

        Assert.NotNull(result.MissingPermission);
        TokenAuditEvent denied = AssertDenied(fixture, result, ManagementStatus.EscalationDenied, "rotate", result.MissingPermission);
        Assert.Equal(adminToken.ClientId, denied.ClientId);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(adminToken.Token)).IsValid);
    }

    [Fact]
    public async Task RotateAsync_NewRoleBeyondCaller_IsEscalationDeniedAndChangesNothing()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken readOnly = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            dba, readOnly.ClientId, new TokenRotateOptions { Roles = [DefaultRoles.OrganizationAdministrator.Name] }, Ct);

        Assert.NotNull(result.MissingPermission);
        AssertDenied(fixture, result, ManagementStatus.EscalationDenied, "rotate", result.MissingPermission);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(readOnly.Token)).IsValid);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("delete")]
    [InlineData("rotate")]
    public async Task TokenOfOtherOrganization_IsNotFoundNotForbiddenAndChangesNothing(string operation)
    {
        using var fixture = new ManagementFixture();
        GeneratedToken acmeToken = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        TokenCaller globexAdmin = ManagementFixture.Admin("globex", "gary");
        string before = await fixture.SnapshotAsync();

        ManagementResult foreign = await RunAsync(fixture, globexAdmin, operation, acmeToken.ClientId);
        ManagementResult missing = await RunAsync(fixture, globexAdmin, operation, "ABCDEFGHIJKLMNOPQRSTUVWX");

        Assert.Equal(ManagementStatus.NotFound, foreign.Status);
        Assert.Null(foreign.MissingPermission);
        Assert.DoesNotContain("acme", foreign.Message, StringComparison.Ordinal);
        Assert.Equal(missing.Message!.Replace("ABCDEFGHIJKLMNOPQRSTUVWX", acmeToken.ClientId, StringComparison.Ordinal), foreign.Message);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.True((await fixture.VerifyAsync(acmeToken.Token)).IsValid);
        Assert.DoesNotContain(fixture.Audit.Events, e => e.Kind != TokenAuditEventKind.Generated && e.ClientId == acmeToken.ClientId);
    }

    [Fact]
    public async Task ListAsync_OtherOrganization_SeesOnlyItsOwnTokens()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken acme1 = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        GeneratedToken acme2 = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken globex = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, ManagementFixture.Admin("globex", "gary"));

        TokenPage globexPage = (await fixture.Manager.ListAsync(ManagementFixture.Admin("globex", "gary"), cancellationToken: Ct)).GetValueOrThrow();
        TokenPage acmePage = (await fixture.Manager.ListAsync(ManagementFixture.Admin(), cancellationToken: Ct)).GetValueOrThrow();

        Assert.Equal([globex.ClientId], globexPage.Tokens.Select(t => t.ClientId));
        Assert.Equal(new[] { acme1.ClientId, acme2.ClientId }.Order(StringComparer.Ordinal), acmePage.Tokens.Select(t => t.ClientId));
        Assert.Equal("globex", (await fixture.VerifyAsync(globex.Token)).OrganizationId);
    }

    internal static Role Role(string id) => DefaultRoles.All.Single(r => r.Id == id);

    /// <summary>Options declaring one permission of the host's own: <c>acme-reports-export</c>.</summary>
    private static TokenSdkOptions HostPermissionOptions()
    {
        var options = new TokenSdkOptions();
        options.CustomPermissions.Add("acme-reports-export");
        return options;
    }

    /// <summary>A custom role holding the host's permission beside a built-in one.</summary>
    private static Role ReportsExporter() => new("reports-exporter", "Reports Exporter", ["acme-reports-export", Permissions.DbTableSelect]);


    internal static TokenAuditEvent AssertDenied(ManagementFixture fixture, ManagementResult result, ManagementStatus status, string operation, string? missingPermission)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(status, result.Status);
        Assert.Equal(missingPermission, result.MissingPermission);
        Assert.NotNull(result.Message);
        if (missingPermission is not null)
        {
            Assert.Contains($"'{missingPermission}'", result.Message, StringComparison.Ordinal);
        }

        TokenAuditEvent denied = fixture.Audit.Events[^1];
        Assert.Equal(TokenAuditEventKind.Denied, denied.Kind);
        Assert.Equal(operation, denied.Operation);
        Assert.Equal(result.Message, denied.Detail);
        Assert.Equal(fixture.Time.GetUtcNow(), denied.OccurredAt);
        return denied;
    }

    internal static async Task<ManagementResult> RunAsync(ManagementFixture fixture, TokenCaller caller, string operation, string clientId) => operation switch
    {
        "generate" => await fixture.Manager.GenerateAsync(caller, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct),
        "list" => await fixture.Manager.ListAsync(caller, cancellationToken: Ct),
        "get" => await fixture.Manager.GetAsync(caller, clientId, Ct),
        "delete" => await fixture.Manager.DeleteAsync(caller, clientId, DeletionReason.Compromised, Ct),
        "rotate" => await fixture.Manager.RotateAsync(caller, clientId, cancellationToken: Ct),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation."),
    };

    /// <summary>A token manager whose every permission is limited to database <c>orders</c>.</summary>
    private static Role ScopedManager() => new(
        "orders-token-manager",
        "Orders Token Manager",
        [
            Permissions.OrgTokenRead, Permissions.OrgTokenWrite, Permissions.DbCql, Permissions.DbGraphql, Permissions.DbRest,
            Permissions.DbAllKeyspaceDescribe, Permissions.DbKeyspaceDescribe, Permissions.DbTableDescribe, Permissions.DbTableSelect,
            Permissions.OrgRead,
        ],
        resources: [s_ordersDatabase]);

    [Fact]
    public async Task ListRolesAsync_CallerWithOrgTokenRead_ReturnsEveryRoleOfTheCatalog()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<IReadOnlyList<Role>> result = await fixture.Manager.ListRolesAsync(ManagementFixture.Admin(), Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(DefaultRoles.OrganizationAdministrator, result.Value!);
        Assert.Contains(DefaultRoles.ReadOnlyUser, result.Value!);
        Assert.Empty(fixture.Audit.OfKind(TokenAuditEventKind.Denied));
    }

    [Fact]
    public async Task ListRolesAsync_CallerWithoutOrgTokenRead_IsPermissionDeniedAndAudited()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<IReadOnlyList<Role>> result = await fixture.Manager.ListRolesAsync(ManagementFixture.Caller("mallory", DefaultRoles.BillingAdministrator), Ct);

        Assert.Equal(ManagementStatus.PermissionDenied, result.Status);
        Assert.Equal(Permissions.OrgTokenRead, result.MissingPermission);
        Assert.Null(result.Value);
        TokenAuditEvent denied = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Denied));
        Assert.Equal("list", denied.Operation);
        Assert.Contains("roles", denied.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("globex")]
    [InlineData("no-such-organization")]
    public async Task GenerateAsync_OrganizationOtherThanTheCallers_IsPermissionDeniedAuditedAndSaysNothingOfIt(string organizationId)
    {
        using var fixture = new ManagementFixture();
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { OrganizationId = organizationId }, Ct);

        Assert.Equal(ManagementStatus.PermissionDenied, result.Status);
        Assert.DoesNotContain(organizationId, result.Message, StringComparison.Ordinal);
        Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Denied), e => e.Operation == "generate");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task GenerateAsync_CallersOwnOrganizationNamed_Succeeds()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { OrganizationId = "acme" }, Ct);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("acme", result.Value!.OrganizationId);
    }
}
