using System.Security.Claims;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

public class TokenCallerTests
{
    private const string AuthenticationType = "test";

    private static readonly RoleCatalog s_catalog = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TokenCaller CallerWith(params Role[] roles) => new("someone", "acme", roles);

    private static Role Scoped(string id, string[] permissions, params string[] resources) =>
        new(id, id, permissions, resources: resources.Select(ResourceScope.Parse));

    private static ClaimsPrincipal Principal(params Claim[] claims) =>
        new(new ClaimsIdentity(claims, AuthenticationType));

    // Constructor

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Constructor_EmptyId_ThrowsArgumentException(string id)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new TokenCaller(id, "acme", []));

        Assert.Equal("id", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\t")]
    public void Constructor_EmptyOrganization_ThrowsArgumentException(string organizationId)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new TokenCaller("someone", organizationId, []));

        Assert.Equal("organizationId", error.ParamName);
    }

    [Fact]
    public void Constructor_NullRoles_ThrowsArgumentNullException()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => new TokenCaller("someone", "acme", null!));

        Assert.Equal("roles", error.ParamName);
    }

    [Fact]
    public void Constructor_DuplicateAndNullRoles_KeepsEachRoleOnce()
    {
        var caller = new TokenCaller("someone", "acme", [DefaultRoles.ReadOnlyUser, null!, DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator]);

        Assert.Equal("someone", caller.Id);
        Assert.Equal("acme", caller.OrganizationId);
        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator], caller.Roles);
    }

    // HasPermission

    [Fact]
    public void HasPermission_SeveralRoles_GrantsTheUnionOfTheirPermissions()
    {
        TokenCaller caller = CallerWith(DefaultRoles.BillingAdministrator, DefaultRoles.ReadOnlyUser);

        Assert.True(caller.HasPermission(Permissions.OrgBillingWrite));
        Assert.True(caller.HasPermission(Permissions.DbTableSelect));
        Assert.False(caller.HasPermission(Permissions.OrgTokenWrite));
        Assert.False(caller.HasPermission(Permissions.DbTableModify));
    }

    [Fact]
    public void HasPermission_NoRoles_GrantsNothing()
    {
        TokenCaller caller = CallerWith();

        Assert.False(caller.HasPermission(Permissions.OrgRead));
    }

    // FromPrincipal: id and organization

    [Fact]
    public void FromPrincipal_NameIdentifier_WinsOverNameAndClientId()
    {
        ClaimsPrincipal principal = Principal(
            new Claim(TokenClaimTypes.ClientId, "client"),
            new Claim(ClaimTypes.Name, "name"),
            new Claim(ClaimTypes.NameIdentifier, "subject"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal("subject", caller.Id);
    }

    [Fact]
    public void FromPrincipal_NoNameIdentifier_UsesName()
    {
        ClaimsPrincipal principal = Principal(new Claim(TokenClaimTypes.ClientId, "client"), new Claim(ClaimTypes.Name, "name"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal("name", caller.Id);
    }

    [Fact]
    public void FromPrincipal_OnlyClientId_UsesClientId()
    {
        ClaimsPrincipal principal = Principal(new Claim(TokenClaimTypes.ClientId, "client"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal("client", caller.Id);
    }

    [Fact]
    public void FromPrincipal_NoIdentifyingClaim_IsAnonymous()
    {
        ClaimsPrincipal principal = Principal(new Claim(ClaimTypes.Email, "someone@example.com"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal("anonymous", caller.Id);
    }

    [Fact]
    public void FromPrincipal_OrganizationClaim_NamesTheOrganization()
    {
        ClaimsPrincipal principal = Principal(new Claim(TokenClaimTypes.OrganizationId, "acme"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog, defaultOrganizationId: "fallback");

        Assert.Equal("acme", caller.OrganizationId);
    }

    [Fact]
    public void FromPrincipal_NoOrganizationClaim_UsesTheDefaultArgument()
    {
        ClaimsPrincipal principal = Principal(new Claim(ClaimTypes.Name, "name"));

        TokenCaller withArgument = TokenCaller.FromPrincipal(principal, s_catalog, defaultOrganizationId: "fallback");
        TokenCaller withoutArgument = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal("fallback", withArgument.OrganizationId);
        Assert.Equal(TokenSdkOptions.DefaultOrganization, withoutArgument.OrganizationId);
    }

    [Fact]
    public void FromPrincipal_EmptyOrganizationClaim_UsesTheDefaultArgument()
    {
        ClaimsPrincipal principal = Principal(new Claim(TokenClaimTypes.OrganizationId, ""));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog, defaultOrganizationId: "fallback");

        Assert.Equal("fallback", caller.OrganizationId);
    }

    [Fact]
    public void FromPrincipal_ApplicationTokenClientIdClaim_IsATokenCaller()
    {
        ClaimsPrincipal principal = Principal(new Claim(TokenClaimTypes.ClientId, "abcdefghijklmnopqrstuvwx"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal("abcdefghijklmnopqrstuvwx", caller.ClientId);
    }

    [Fact]
    public void FromPrincipal_PersonWithoutClientIdClaim_IsNotATokenCaller()
    {
        ClaimsPrincipal principal = Principal(new Claim(ClaimTypes.NameIdentifier, "alice"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Null(caller.ClientId);
        Assert.Null(new TokenCaller("alice", "acme", [DefaultRoles.OrganizationAdministrator]).ClientId);
    }

    // FromPrincipal: roles

    [Fact]
    public void FromPrincipal_RoleClaimsByIdAndByName_ResolveThroughTheCatalog()
    {
        ClaimsPrincipal principal = Principal(
            new Claim(ClaimTypes.Role, DefaultRoles.DatabaseAdministrator.Id),
            new Claim(ClaimTypes.Role, "bILLING administrator"),
            new Claim(ClaimTypes.Role, "Read Only User"));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal([DefaultRoles.DatabaseAdministrator, DefaultRoles.BillingAdministrator, DefaultRoles.ReadOnlyUser], caller.Roles);
        Assert.True(caller.HasPermission(Permissions.OrgTokenWrite));
    }

    [Fact]
    public void FromPrincipal_SameRoleByIdAndByName_IsHeldOnce()
    {
        ClaimsPrincipal principal = Principal(
            new Claim(ClaimTypes.Role, DefaultRoles.ReadOnlyUser.Id),
            new Claim(ClaimTypes.Role, DefaultRoles.ReadOnlyUser.Name.ToUpperInvariant()));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal([DefaultRoles.ReadOnlyUser], caller.Roles);
    }

    [Fact]
    public void FromPrincipal_UnknownRoleNames_AreIgnored()
    {
        ClaimsPrincipal principal = Principal(
            new Claim(ClaimTypes.Role, "Space Cadet"),
            new Claim(ClaimTypes.Role, "organization-administrator-ish"),
            new Claim(ClaimTypes.Role, DefaultRoles.ReadOnlyUser.Name));

        TokenCaller caller = TokenCaller.FromPrincipal(principal, s_catalog);

        Assert.Equal([DefaultRoles.ReadOnlyUser], caller.Roles);
    }

    [Fact]
    public void FromPrincipal_CustomRoleClaimType_IsHonoured()
    {
        var identity = new ClaimsIdentity(
            [
                new Claim("groups", DefaultRoles.DatabaseAdministrator.Id),
                new Claim(ClaimTypes.Role, DefaultRoles.OrganizationAdministrator.Id),
            ],
            AuthenticationType,
            ClaimTypes.Name,
            roleType: "groups");

        TokenCaller caller = TokenCaller.FromPrincipal(new ClaimsPrincipal(identity), s_catalog);

        // Only the identity's own role claim type counts; the standard role claim is just another claim here.
        Assert.Equal([DefaultRoles.DatabaseAdministrator], caller.Roles);
    }

    [Fact]
    public void FromPrincipal_UnauthenticatedIdentity_ContributesNoRoles()
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, "name"),
            new Claim(ClaimTypes.Role, DefaultRoles.OrganizationAdministrator.Id),
        ]);
        Assert.False(identity.IsAuthenticated);

        TokenCaller caller = TokenCaller.FromPrincipal(new ClaimsPrincipal(identity), s_catalog);

        Assert.Empty(caller.Roles);
        Assert.False(caller.HasPermission(Permissions.OrgTokenWrite));
    }

    [Fact]
    public void FromPrincipal_AuthenticatedAndUnauthenticatedIdentities_TakesRolesOnlyFromTheAuthenticatedOne()
    {
        var anonymous = new ClaimsIdentity([new Claim(ClaimTypes.Role, DefaultRoles.OrganizationAdministrator.Id)]);
        var signedIn = new ClaimsIdentity([new Claim(ClaimTypes.Role, DefaultRoles.ReadOnlyUser.Id)], AuthenticationType);

        TokenCaller caller = TokenCaller.FromPrincipal(new ClaimsPrincipal([anonymous, signedIn]), s_catalog);

        Assert.Equal([DefaultRoles.ReadOnlyUser], caller.Roles);
    }

    [Fact]
    public void FromPrincipal_UnauthenticatedIdentityFirst_DoesNotChooseTheOrganizationOrId()
    {
        // The roles come from the authenticated identity only; the organization they are exercised in must too,
        // or an unauthenticated identity earlier in the principal steers an administrator's roles into another tenant.
        var unauthenticated = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "intruder"),
            new Claim(TokenClaimTypes.OrganizationId, "victim"),
        ]);
        var signedIn = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "admin"),
                new Claim(TokenClaimTypes.OrganizationId, "acme"),
                new Claim(ClaimTypes.Role, DefaultRoles.OrganizationAdministrator.Id),
            ],
            AuthenticationType);

        TokenCaller caller = TokenCaller.FromPrincipal(new ClaimsPrincipal([unauthenticated, signedIn]), s_catalog);

        Assert.Equal([DefaultRoles.OrganizationAdministrator], caller.Roles);
        Assert.Equal("acme", caller.OrganizationId);
        Assert.Equal("admin", caller.Id);
    }

    [Fact]
    public void FromPrincipal_NullArguments_Throw()
    {
        ClaimsPrincipal principal = Principal();

        Assert.Throws<ArgumentNullException>("principal", () => TokenCaller.FromPrincipal(null!, s_catalog));
        Assert.Throws<ArgumentNullException>("roles", () => TokenCaller.FromPrincipal(principal, null!));
        Assert.Throws<ArgumentException>("defaultOrganizationId", () => TokenCaller.FromPrincipal(principal, s_catalog, " "));
    }

    // FromVerification

    [Fact]
    public async Task FromVerification_ValidResult_ActsAsTheTokenWithItsOrganizationAndRole()
    {
        var fixture = new TokenFixture();
        GeneratedToken token = await fixture.IssueAsync(DefaultRoles.DatabaseAdministrator, organizationId: "acme");
        TokenVerificationResult result = await fixture.Verifier.VerifyAsync(token.Token, Ct);
        Assert.True(result.IsValid);

        TokenCaller caller = TokenCaller.FromVerification(result);

        Assert.Equal(token.ClientId, caller.Id);
        Assert.Equal("acme", caller.OrganizationId);
        Assert.Equal([DefaultRoles.DatabaseAdministrator], caller.Roles);
        Assert.True(caller.HasPermission(Permissions.OrgTokenWrite));
    }

    [Fact]
    public async Task FromVerification_MalformedResult_ThrowsNamingTheStatus()
    {
        var fixture = new TokenFixture();
        TokenVerificationResult result = await fixture.Verifier.VerifyAsync("not-a-token", Ct);
        Assert.Equal(VerificationStatus.Malformed, result.Status);

        ArgumentException error = Assert.Throws<ArgumentException>(() => TokenCaller.FromVerification(result));

        Assert.Equal("result", error.ParamName);
        Assert.Contains(nameof(VerificationStatus.Malformed), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromVerification_DeletedToken_ThrowsNamingTheStatus()
    {
        var fixture = new TokenFixture();
        GeneratedToken token = await fixture.IssueAsync(DefaultRoles.OrganizationAdministrator, organizationId: "acme");
        await fixture.Store.DeleteAsync(token.ClientId, Ct);
        TokenVerificationResult result = await fixture.Verifier.VerifyAsync(token.Token, Ct);

        ArgumentException error = Assert.Throws<ArgumentException>(() => TokenCaller.FromVerification(result));

        Assert.Contains(nameof(VerificationStatus.UnknownClient), error.Message, StringComparison.Ordinal);
    }

    // FindEscalation: default roles

    [Fact]
    public void FindEscalation_OrganizationAdministrator_CanGrantEveryDefaultRole()
    {
        TokenCaller caller = CallerWith(DefaultRoles.OrganizationAdministrator);

        Assert.All(DefaultRoles.All, role => Assert.Null(caller.FindEscalation(role)));
    }

    [Fact]
    public void FindEscalation_InCatalogWithHostPermission_OrganizationAdministratorCanGrantIt()
    {
        var reports = new Role("reports", "Reports", ["acme-reports-export", Permissions.DbTableSelect]);
        var catalog = new RoleCatalog([reports], customPermissions: ["acme-reports-export"]);
        TokenCaller caller = CallerWith(DefaultRoles.OrganizationAdministrator);

        string? inCatalog = caller.FindEscalation(reports, catalog);
        string? asGiven = caller.FindEscalation(reports);

        Assert.Null(inCatalog);
        Assert.Equal("acme-reports-export", asGiven);
        Assert.Equal([DefaultRoles.OrganizationAdministrator], caller.Roles);
    }

    [Fact]
    public void FindEscalation_InCatalogWithHostPermission_DatabaseAdministratorCannotGrantIt()
    {
        var reports = new Role("reports", "Reports", ["acme-reports-export", Permissions.DbTableSelect]);
        var catalog = new RoleCatalog([reports], customPermissions: ["acme-reports-export"]);
        TokenCaller caller = CallerWith(DefaultRoles.DatabaseAdministrator);

        string? escalation = caller.FindEscalation(reports, catalog);

        Assert.Equal("acme-reports-export", escalation);
    }

    [Fact]
    public void FindEscalation_InCatalogWithHostPermission_CustomRoleHoldingItCanGrantIt()
    {
        var exporter = new Role("exporter", "Exporter", [Permissions.OrgTokenWrite, "acme-reports-export"]);
        var reports = new Role("reports", "Reports", ["acme-reports-export"]);
        var catalog = new RoleCatalog([exporter, reports], customPermissions: ["acme-reports-export"]);

        string? escalation = CallerWith(exporter).FindEscalation(reports, catalog);

        Assert.Null(escalation);
    }

    [Theory]
    [InlineData("database-administrator")]
    [InlineData("read-only-user")]
    [InlineData("read-only-service-account")]
    [InlineData("read-write-user")]
    [InlineData("administrator-user")]
    [InlineData("api-read-write-service-account")]
    [InlineData("ui-view-only")]
    public void FindEscalation_DatabaseAdministrator_CanGrantDataRoles(string roleId)
    {
        TokenCaller caller = CallerWith(DefaultRoles.DatabaseAdministrator);
        Assert.True(s_catalog.TryGetRole(roleId, out Role? role));

        string? escalation = caller.FindEscalation(role);

        Assert.Null(escalation);
    }

    [Fact]
    public void FindEscalation_DatabaseAdministratorGrantingOrganizationAdministrator_ReturnsAPermissionItLacks()
    {
        TokenCaller caller = CallerWith(DefaultRoles.DatabaseAdministrator);

        string? escalation = caller.FindEscalation(DefaultRoles.OrganizationAdministrator);

        Assert.NotNull(escalation);
        Assert.DoesNotContain(escalation, DefaultRoles.DatabaseAdministrator.Permissions);
        Assert.Contains(escalation, DefaultRoles.OrganizationAdministrator.Permissions);
    }

    [Fact]
    public void FindEscalation_DatabaseAdministratorGrantingBillingAdministrator_ReturnsBillingRead()
    {
        TokenCaller caller = CallerWith(DefaultRoles.DatabaseAdministrator);

        string? escalation = caller.FindEscalation(DefaultRoles.BillingAdministrator);

        // The first missing permission in ordinal order: org-billing-read sorts before org-billing-write.
        Assert.Equal(Permissions.OrgBillingRead, escalation);
    }

    [Fact]
    public void FindEscalation_ReadOnlyUserGrantingReadWriteUser_ReturnsTheFirstWritePermission()
    {
        TokenCaller caller = CallerWith(DefaultRoles.ReadOnlyUser);

        string? escalation = caller.FindEscalation(DefaultRoles.ReadWriteUser);

        Assert.Equal(Permissions.DbKeyspaceModify, escalation);
    }

    // FindEscalation: scoped roles

    [Fact]
    public void FindEscalation_ScopedCallerGrantingANarrowerScope_IsAllowed()
    {
        TokenCaller caller = CallerWith(Scoped("orders-reader", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders"));
        Role sales = Scoped("sales-reader", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders:keyspace:sales");

        string? escalation = caller.FindEscalation(sales);

        Assert.Null(escalation);
    }

    [Fact]
    public void FindEscalation_ScopedCallerGrantingTheSameScope_IsAllowed()
    {
        TokenCaller caller = CallerWith(Scoped("orders-reader", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders"));
        Role same = Scoped("orders-reader-2", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders");

        Assert.Null(caller.FindEscalation(same));
    }

    [Theory]
    [InlineData("drn:astra:org:*:db:billing")]
    [InlineData("drn:astra:org:*:db:*")]
    [InlineData("drn:astra:org:*")]
    [InlineData("drn:astra:org:*:db:orders:keyspace:sales,drn:astra:org:*:db:billing")]
    public void FindEscalation_ScopedCallerGrantingAnotherOrWiderScope_ReturnsThePermission(string resources)
    {
        TokenCaller caller = CallerWith(Scoped("orders-reader", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders"));
        Role wider = Scoped("wider-reader", [Permissions.DbTableSelect], resources.Split(','));

        string? escalation = caller.FindEscalation(wider);

        Assert.Equal(Permissions.DbTableSelect, escalation);
    }

    [Fact]
    public void FindEscalation_ScopedCallerGrantingAnUnscopedRole_ReturnsThePermission()
    {
        TokenCaller caller = CallerWith(Scoped("orders-reader", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders"));
        var unscoped = new Role("any-reader", "Any Reader", [Permissions.DbTableSelect]);

        string? escalation = caller.FindEscalation(unscoped);

        Assert.Equal(Permissions.DbTableSelect, escalation);
    }

    [Fact]
    public void FindEscalation_UnscopedCallerGrantingAScopedRole_IsAllowed()
    {
        TokenCaller caller = CallerWith(DefaultRoles.ReadOnlyUser);
        Role scoped = Scoped("orders-reader", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders");

        Assert.Null(caller.FindEscalation(scoped));
    }

    [Fact]
    public void FindEscalation_PermissionsFromTwoRoles_Combine()
    {
        Role select = Scoped("orders-select", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders");
        Role modify = Scoped("orders-modify", [Permissions.DbTableModify], "drn:astra:org:*:db:orders");
        Role both = Scoped("orders-rw", [Permissions.DbTableSelect, Permissions.DbTableModify], "drn:astra:org:*:db:orders:keyspace:sales");

        string? withOneRole = CallerWith(select).FindEscalation(both);
        string? withBothRoles = CallerWith(select, modify).FindEscalation(both);

        Assert.Equal(Permissions.DbTableModify, withOneRole);
        Assert.Null(withBothRoles);
    }

    [Fact]
    public void FindEscalation_ScopesFromTwoRoles_Combine()
    {
        Role orders = Scoped("orders-select", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders");
        Role billing = Scoped("billing-select", [Permissions.DbTableSelect], "drn:astra:org:*:db:billing");
        Role target = Scoped("two-db-select", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders", "drn:astra:org:*:db:billing");

        Assert.Equal(Permissions.DbTableSelect, CallerWith(orders).FindEscalation(target));
        Assert.Null(CallerWith(orders, billing).FindEscalation(target));
    }

    [Fact]
    public void FindEscalation_DuplicateRoles_AreHarmless()
    {
        Role orders = Scoped("orders-select", [Permissions.DbTableSelect], "drn:astra:org:*:db:orders");
        TokenCaller caller = CallerWith(orders, orders, DefaultRoles.DatabaseAdministrator, DefaultRoles.DatabaseAdministrator);

        Assert.Equal(2, caller.Roles.Count);
        Assert.Null(caller.FindEscalation(DefaultRoles.ReadWriteUser));
        Assert.Equal(Permissions.OrgBillingRead, caller.FindEscalation(DefaultRoles.BillingAdministrator));
    }

    [Fact]
    public void FindEscalation_RoleWithoutPermissions_IsAlwaysAllowed()
    {
        var empty = new Role("nothing", "Nothing", []);

        Assert.Null(CallerWith().FindEscalation(empty));
    }

    [Fact]
    public void FindEscalation_NullRole_Throws()
    {
        Assert.Throws<ArgumentNullException>("role", () => CallerWith().FindEscalation(null!));
    }
}
