using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Verification;

/// <summary>Verification of tokens that hold several roles: union of permissions, each role with its own scopes.</summary>
public class MultiRoleVerificationTests
{
    private static readonly ResourceScope s_salesTable = ResourceScope.ForTable("acme", "sales", "ks", "orders");
    private static readonly ResourceScope s_hrTable = ResourceScope.ForTable("acme", "hr", "ks", "people");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyAsync_TwoRoles_ReturnsBothInOrderAndTheUnionOfPermissions()
    {
        var fixture = new TokenFixture();
        GeneratedToken token = await IssueAsync(fixture, DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator);

        TokenVerificationResult result = await fixture.Verifier.VerifyAsync(token.Token, Ct);

        Assert.True(result.IsValid);
        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator], result.Roles);
        Assert.Same(DefaultRoles.ReadOnlyUser, result.Roles[0]);
        Assert.Equal(
            DefaultRoles.ReadOnlyUser.Permissions.Union(DefaultRoles.BillingAdministrator.Permissions).Order(StringComparer.Ordinal),
            result.Permissions.Order(StringComparer.Ordinal));
        Assert.True(result.HasPermission(Permissions.OrgBillingWrite));   // only the second role
        Assert.True(result.HasPermission(Permissions.DbTableSelect));     // only the first
        Assert.False(result.HasPermission(Permissions.OrgTokenWrite));    // neither
        Assert.True(result.Allows(Permissions.OrgBillingWrite, ResourceScope.ForOrganization("default")));
        Assert.Equal($"Valid (client {token.ClientId}, organization default, roles Read Only User, Billing Administrator)", result.ToString());
    }

    [Fact]
    public async Task Allows_EachRoleKeepsItsOwnScopes_ScopesDoNotMix()
    {
        // select on sales only, modify on hr only: the token may select in sales and modify in hr, nothing else.
        var salesReader = new Role("sales-reader", "Sales Reader", [Permissions.DbTableSelect], resources: [ResourceScope.ForDatabase("*", "sales")]);
        var hrWriter = new Role("hr-writer", "HR Writer", [Permissions.DbTableModify], resources: [ResourceScope.ForDatabase("*", "hr")]);
        var fixture = new TokenFixture(roles: new RoleCatalog([salesReader, hrWriter]));
        GeneratedToken token = await IssueAsync(fixture, "acme", salesReader, hrWriter);

        TokenVerificationResult result = await fixture.Verifier.VerifyAsync(token.Token, Ct);

        Assert.True(result.Allows(Permissions.DbTableSelect, s_salesTable));
        Assert.True(result.Allows(Permissions.DbTableModify, s_hrTable));
        Assert.False(result.Allows(Permissions.DbTableSelect, s_hrTable));
        Assert.False(result.Allows(Permissions.DbTableModify, s_salesTable));
        Assert.False(result.Allows(Permissions.DbTableSelect, ResourceScope.ForTable("other-org", "sales", "ks", "orders")));
        Assert.True(result.HasPermission(Permissions.DbTableSelect));
        Assert.True(result.HasPermission(Permissions.DbTableModify));
    }

    [Fact]
    public async Task VerifyAsync_RoleOfASourceChanges_TheChangeAppliesAtOnce()
    {
        var source = new MutableRoleSource(new Role("exporter", "Exporter", [Permissions.DbTableSelect]));
        var catalog = new RoleCatalog(null, null, [source]);
        var fixture = new TokenFixture(roles: catalog);
        GeneratedToken token = await IssueAsync(fixture, DefaultRoles.BillingAdministrator, source.Current!);
        Assert.False((await fixture.Verifier.VerifyAsync(token.Token, Ct)).HasPermission(Permissions.DbTableModify));

        source.Current = new Role("exporter", "Exporter", [Permissions.DbTableSelect, Permissions.DbTableModify]);
        TokenVerificationResult widened = await fixture.Verifier.VerifyAsync(token.Token, Ct);
        Assert.True(widened.HasPermission(Permissions.DbTableModify));
        Assert.Same(source.Current, widened.Roles[1]);

        source.Current = new Role("exporter", "Exporter", [Permissions.DbCql]);
        TokenVerificationResult narrowed = await fixture.Verifier.VerifyAsync(token.Token, Ct);
        Assert.False(narrowed.HasPermission(Permissions.DbTableSelect));
        Assert.True(narrowed.HasPermission(Permissions.DbCql));
        Assert.True(narrowed.HasPermission(Permissions.OrgBillingRead));
    }

    [Fact]
    public async Task VerifyAsync_OneOfTheRolesIsGone_FailsAsRoleNotFoundAndWarnsOnce()
    {
        var source = new MutableRoleSource(new Role("exporter", "Exporter", [Permissions.DbTableSelect]));
        var logs = new FakeLogCollector();
        using var loggerFactory = new LoggerFactory([new FakeLoggerProvider(logs)]);
        var store = new InMemoryTokenStore();
        var catalog = new RoleCatalog(null, null, [source]);
        var generator = new TokenGenerator();
        var verifier = new TokenVerifier(store, catalog, logger: loggerFactory.CreateLogger<TokenVerifier>());
        IssuedToken issued = generator.Generate(new TokenGenerationRequest([DefaultRoles.ReadOnlyUser, source.Current!]));
        Assert.True(await store.TryAddAsync(issued.Record, Ct));
        Assert.True((await verifier.VerifyAsync(issued.Details.Token, Ct)).IsValid);

        source.Current = null;
        TokenVerificationResult first = await verifier.VerifyAsync(issued.Details.Token, Ct);
        TokenVerificationResult second = await verifier.VerifyAsync(issued.Details.Token, Ct);

        Assert.Equal(VerificationStatus.RoleNotFound, first.Status);
        Assert.Equal(VerificationStatus.RoleNotFound, second.Status);
        Assert.Empty(first.Roles);
        Assert.Empty(first.Permissions);
        Assert.False(first.HasPermission(Permissions.DbTableSelect));
        FakeLogRecord warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "RoleNotFound");
        Assert.Contains("'exporter'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_StoredRoleIdsNameAnUnknownRole_FailsClosed()
    {
        // What a store written by a newer node could hold for a role this node does not know.
        var store = new InMemoryTokenStore();
        var generator = new TokenGenerator();
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        StoredToken record = issued.Record;
        var unknownSecond = new StoredToken(record.ClientId, record.OrganizationId, "read-only-user,reports-exporter", record.Verifier, record.CreatedAt);
        Assert.True(await store.TryAddAsync(unknownSecond, Ct));
        var verifier = new TokenVerifier(store, new RoleCatalog());

        TokenVerificationResult result = await verifier.VerifyAsync(issued.Details.Token, Ct);

        Assert.Equal(VerificationStatus.RoleNotFound, result.Status);
        Assert.False(result.HasPermission(Permissions.DbTableSelect));
    }

    [Fact]
    public async Task VerifyAsync_ManyTokensOfOneCombination_ShareOneResolvedSet()
    {
        var fixture = new TokenFixture();
        GeneratedToken a = await IssueAsync(fixture, DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator);
        GeneratedToken b = await IssueAsync(fixture, DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator);

        TokenVerificationResult first = await fixture.Verifier.VerifyAsync(a.Token, Ct);
        TokenVerificationResult second = await fixture.Verifier.VerifyAsync(b.Token, Ct);

        Assert.Same(first.Roles, second.Roles);
        Assert.Same(first.Permissions, second.Permissions);
    }

    [Fact]
    public async Task VerifyAsync_RolesListedInAnotherOrder_KeepTheirOwnOrder()
    {
        var fixture = new TokenFixture();
        GeneratedToken ab = await IssueAsync(fixture, DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator);
        GeneratedToken ba = await IssueAsync(fixture, DefaultRoles.BillingAdministrator, DefaultRoles.ReadOnlyUser);

        Assert.Equal([DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator], (await fixture.Verifier.VerifyAsync(ab.Token, Ct)).Roles);
        Assert.Equal([DefaultRoles.BillingAdministrator, DefaultRoles.ReadOnlyUser], (await fixture.Verifier.VerifyAsync(ba.Token, Ct)).Roles);
    }

    [Fact]
    public void Roles_OfADefaultResult_IsEmptyAndNeverValid()
    {
        TokenVerificationResult result = default;

        Assert.Empty(result.Roles);
        Assert.Empty(result.Permissions);
        Assert.False(result.Allows(Permissions.DbCql, s_salesTable));
    }

    [Fact]
    public async Task Roles_CannotBeChangedThroughTheList()
    {
        var fixture = new TokenFixture();
        GeneratedToken token = await IssueAsync(fixture, DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator);
        TokenVerificationResult result = await fixture.Verifier.VerifyAsync(token.Token, Ct);

        Assert.False(result.Roles is Role[]);
        Assert.True(((ICollection<Role>)result.Roles).IsReadOnly);
        TokenVerificationResult single = await fixture.Verifier.VerifyAsync((await fixture.IssueAsync()).Token, Ct);
        Assert.True(((ICollection<Role>)single.Roles).IsReadOnly);
    }

    private static Task<GeneratedToken> IssueAsync(TokenFixture fixture, params Role[] roles) => IssueAsync(fixture, null, roles);

    private static async Task<GeneratedToken> IssueAsync(TokenFixture fixture, string? organizationId, params Role[] roles)
    {
        IssuedToken issued = fixture.Generator.Generate(new TokenGenerationRequest(roles) { OrganizationId = organizationId });
        Assert.True(await fixture.Store.TryAddAsync(issued.Record, Ct));
        return issued.Details;
    }

    private sealed class MutableRoleSource(Role? initial) : IRoleSource
    {
        public Role? Current { get; set; } = initial;

        public IEnumerable<Role> GetRoles() => Current is null ? [] : [Current];

        public bool TryGetRole(string id, [NotNullWhen(true)] out Role? role)
        {
            role = Current is { } current && string.Equals(current.Id, id, StringComparison.OrdinalIgnoreCase) ? current : null;
            return role is not null;
        }
    }
}
