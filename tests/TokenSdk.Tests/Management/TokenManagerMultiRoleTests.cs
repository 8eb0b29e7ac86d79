using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

/// <summary>The manager's handling of tokens that hold several roles.</summary>
public class TokenManagerMultiRoleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_TwoRolesByIdAndName_StoresBothInOrderAndReturnsThem()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), ["READ-ONLY-USER", "billing administrator"], new TokenGenerateOptions { Description = "reports" }, Ct);

        Assert.True(result.Succeeded, result.ToString());
        GeneratedToken details = result.Value!;
        Assert.Equal(["read-only-user", "billing-administrator"], details.RoleIds);
        Assert.Equal(["Read Only User", "Billing Administrator"], details.RoleNames);
        Assert.Equal("read-only-user,billing-administrator", details.RoleId);
        Assert.Equal("Read Only User, Billing Administrator", details.RoleName);

        StoredToken? record = await fixture.Store.FindAsync(details.ClientId, Ct);
        Assert.Equal(["read-only-user", "billing-administrator"], record!.RoleIds);

        TokenVerificationResult verified = await fixture.VerifyAsync(details.Token);
        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator], verified.Roles);

        TokenAuditEvent generated = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Generated));
        Assert.Equal("read-only-user,billing-administrator", generated.RoleId);
    }

    [Fact]
    public async Task GenerateAsync_TwoRoles_ExportsNameThemAll()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken details = (await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id], cancellationToken: Ct)).GetValueOrThrow();

        string[] csv = details.ToCsv().Split("\r\n");
        Assert.Equal("Client Id,Client Secret,Role,Token", csv[0]);
        Assert.Equal($"\"{details.ClientId}\",\"{details.Secret}\",\"Read Only User, Billing Administrator\",\"{details.Token}\"", csv[1]);

        using var json = System.Text.Json.JsonDocument.Parse(details.ToJson());
        Assert.Equal(
            ["read-only-user", "billing-administrator"],
            json.RootElement.GetProperty("roles").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(details.Secret, details.ToString(), StringComparison.Ordinal);
        Assert.Contains("Read Only User, Billing Administrator", details.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_OneRoleTheCallerCannotGrant_IsEscalationDeniedAndNothingIsStored()
    {
        using var fixture = new ManagementFixture();
        TokenCaller dba = ManagementFixture.Caller("dana", DefaultRoles.DatabaseAdministrator);

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            dba, [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id], cancellationToken: Ct);

        TokenAuditEvent denied = TokenManagerAuthorizationTests.AssertDenied(
            fixture, result, ManagementStatus.EscalationDenied, "generate", result.MissingPermission);
        Assert.Contains("'Billing Administrator'", result.Message, StringComparison.Ordinal);
        Assert.StartsWith("org-billing", result.MissingPermission, StringComparison.Ordinal);
        Assert.Equal("billing-administrator", denied.RoleId);
        Assert.Empty(await fixture.Store.ListAsync(new TokenListQuery(), Ct));
    }

    [Fact]
    public async Task GenerateAsync_CallerWithTwoScopedRoles_MayGrantBothButNotAMerge()
    {
        var salesReader = new Role("sales-reader", "Sales Reader", [Permissions.DbTableSelect], resources: [ResourceScope.ForDatabase("*", "sales")]);
        var hrReader = new Role("hr-reader", "HR Reader", [Permissions.DbTableSelect], resources: [ResourceScope.ForDatabase("*", "hr")]);
        var salesWriter = new Role("sales-writer", "Sales Writer", [Permissions.DbTableModify], resources: [ResourceScope.ForDatabase("*", "sales")]);
        var manager = new Role("scoped-manager", "Scoped Manager", [Permissions.OrgTokenRead, Permissions.OrgTokenWrite]);
        using var fixture = new ManagementFixture(customRoles: [salesReader, hrReader, salesWriter, manager]);
        TokenCaller caller = ManagementFixture.Caller("sam", manager, salesReader, hrReader);

        ManagementResult<GeneratedToken> both = await fixture.Manager.GenerateAsync(caller, [salesReader.Id, hrReader.Id], cancellationToken: Ct);
        ManagementResult<GeneratedToken> more = await fixture.Manager.GenerateAsync(caller, [salesReader.Id, salesWriter.Id], cancellationToken: Ct);

        Assert.True(both.Succeeded, both.ToString());
        TokenVerificationResult verified = await fixture.VerifyAsync(both.Value!.Token);
        Assert.True(verified.Allows(Permissions.DbTableSelect, ResourceScope.ForTable("acme", "hr", "ks", "t")));
        Assert.False(verified.Allows(Permissions.DbTableModify, ResourceScope.ForTable("acme", "sales", "ks", "t")));
        Assert.Equal(ManagementStatus.EscalationDenied, more.Status);
        Assert.Equal(Permissions.DbTableModify, more.MissingPermission);
    }

    [Theory]
    [InlineData(new string[0], ManagementStatus.InvalidRequest, "1 to 16 roles; 0 were given")]
    [InlineData(new[] { "read-only-user", "Read Only User" }, ManagementStatus.InvalidRequest, "'Read Only User' is given twice")]
    [InlineData(new[] { "read-only-user", "READ-ONLY-USER" }, ManagementStatus.InvalidRequest, "given twice")]
    [InlineData(new[] { "read-only-user", "no-such-role" }, ManagementStatus.RoleNotFound, "'no-such-role'")]
    [InlineData(new[] { "read-only-user", "" }, ManagementStatus.RoleNotFound, "No role has the id or name ''")]
    public async Task GenerateAsync_BadRoleList_IsRefusedWithAClearMessage(string[] roles, ManagementStatus status, string message)
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), roles, cancellationToken: Ct);

        Assert.Equal(status, result.Status);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.Store.ListAsync(new TokenListQuery(), Ct));
    }

    [Fact]
    public async Task GenerateAsync_SeventeenRoles_IsRefused()
    {
        Role[] many = Enumerable.Range(1, 17).Select(i => new Role($"r{i}", $"Role {i}", [Permissions.DbCql])).ToArray();
        using var fixture = new ManagementFixture(customRoles: many);

        ManagementResult<GeneratedToken> sixteen = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), many[..16].Select(r => r.Id).ToArray(), cancellationToken: Ct);
        ManagementResult<GeneratedToken> seventeen = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), many.Select(r => r.Id).ToArray(), cancellationToken: Ct);

        Assert.True(sixteen.Succeeded, sixteen.ToString());
        Assert.Equal(16, sixteen.Value!.RoleIds.Count);
        Assert.Equal(ManagementStatus.InvalidRequest, seventeen.Status);
        Assert.Contains("1 to 16 roles; 17 were given", seventeen.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateAsync_WithoutRoles_KeepsEveryRoleOfTheOldToken()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = (await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id], cancellationToken: Ct)).GetValueOrThrow();

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(ManagementFixture.Admin(), old.ClientId, cancellationToken: Ct)).GetValueOrThrow();

        Assert.Equal(old.RoleIds, fresh.RoleIds);
        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator], (await fixture.VerifyAsync(fresh.Token)).Roles);
        Assert.Equal(VerificationStatus.UnknownClient, (await fixture.VerifyAsync(old.Token)).Status);
        TokenAuditEvent rotated = Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Rotated));
        Assert.Equal("read-only-user,billing-administrator", rotated.RoleId);
    }

    [Fact]
    public async Task RotateAsync_WithOtherRoles_ReplacesThemAll()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = (await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id], cancellationToken: Ct)).GetValueOrThrow();

        GeneratedToken fresh = (await fixture.Manager.RotateAsync(
            ManagementFixture.Admin(), old.ClientId, new TokenRotateOptions { Roles = ["Read/Write User"] }, Ct)).GetValueOrThrow();

        Assert.Equal(["read-write-user"], fresh.RoleIds);
        Assert.Same(DefaultRoles.ReadWriteUser, Assert.Single((await fixture.VerifyAsync(fresh.Token)).Roles));
    }

    [Fact]
    public async Task RotateAsync_ByACallerWhoCannotGrantOneOfTheRoles_IsEscalationDenied()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken old = (await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id], cancellationToken: Ct)).GetValueOrThrow();

        ManagementResult<GeneratedToken> result = await fixture.Manager.RotateAsync(
            ManagementFixture.Caller("dana", DefaultRoles.DatabaseAdministrator), old.ClientId, cancellationToken: Ct);

        Assert.Equal(ManagementStatus.EscalationDenied, result.Status);
        Assert.True((await fixture.VerifyAsync(old.Token)).IsValid);
    }

    [Fact]
    public async Task ListAsync_RoleFilter_MatchesATokenHoldingThatRoleAmongOthers()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken both = (await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id], cancellationToken: Ct)).GetValueOrThrow();
        GeneratedToken reader = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);

        TokenPage billing = (await fixture.Manager.ListAsync(ManagementFixture.Admin(), new TokenListOptions { RoleId = "BILLING-administrator" }, Ct)).GetValueOrThrow();
        TokenPage readers = (await fixture.Manager.ListAsync(ManagementFixture.Admin(), new TokenListOptions { RoleId = "read-only-user" }, Ct)).GetValueOrThrow();
        TokenPage prefix = (await fixture.Manager.ListAsync(ManagementFixture.Admin(), new TokenListOptions { RoleId = "read-only" }, Ct)).GetValueOrThrow();

        TokenInfo listed = Assert.Single(billing.Tokens);
        Assert.Equal(both.ClientId, listed.ClientId);
        Assert.Equal(["read-only-user", "billing-administrator"], listed.RoleIds);
        Assert.Equal(["Read Only User", "Billing Administrator"], listed.RoleNames);
        Assert.Equal("Read Only User, Billing Administrator", listed.RoleName);
        Assert.Equal(new[] { both.ClientId, reader.ClientId }.Order(StringComparer.Ordinal), readers.Tokens.Select(t => t.ClientId));
        Assert.Empty(prefix.Tokens);
    }

    [Fact]
    public async Task GetAsync_ARoleNoLongerInTheCatalog_HasANullNameAndTheOthersKeepTheirs()
    {
        var exporter = new Role("exporter", "Exporter", [Permissions.DbTableSelect]);
        using var withExporter = new ManagementFixture(customRoles: [exporter]);
        GeneratedToken token = (await withExporter.Manager.GenerateAsync(
            ManagementFixture.Admin(), [DefaultRoles.ReadOnlyUser.Id, exporter.Id], cancellationToken: Ct)).GetValueOrThrow();
        StoredToken record = (await withExporter.Store.FindAsync(token.ClientId, Ct))!;
        using var withoutExporter = new ManagementFixture();
        Assert.True(await withoutExporter.Store.TryAddAsync(record, Ct));

        TokenInfo info = (await withoutExporter.Manager.GetAsync(ManagementFixture.Admin(), token.ClientId, Ct)).GetValueOrThrow();

        Assert.Equal(["read-only-user", "exporter"], info.RoleIds);
        Assert.Equal(["Read Only User", null], info.RoleNames);
        Assert.Null(info.RoleName);
        Assert.Equal($"{token.ClientId} (read-only-user,exporter)", info.ToString());
    }

    [Fact]
    public async Task DeleteAsync_LastManagerTokenHoldsManagementThroughItsSecondRole_IsLockoutPrevented()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken manager = (await fixture.Manager.GenerateAsync(
            ManagementFixture.Person(), [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.DatabaseAdministrator.Id], cancellationToken: Ct)).GetValueOrThrow();
        TokenCaller asToken = TokenCaller.FromVerification(await fixture.VerifyAsync(manager.Token));

        ManagementResult result = await fixture.Manager.DeleteAsync(asToken, manager.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, result.Status);
        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.DatabaseAdministrator], asToken.Roles);
    }
}
