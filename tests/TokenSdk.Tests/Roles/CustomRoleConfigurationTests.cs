using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Roles;

public class CustomRoleConfigurationTests
{
    private static readonly Dictionary<string, string?> s_validSettings = new()
    {
        ["TokenSdk:CustomPermissions:0"] = "acme-orders-export",
        ["TokenSdk:CustomRoles:0:Id"] = "orders-reader",
        ["TokenSdk:CustomRoles:0:Name"] = "Orders Reader",
        ["TokenSdk:CustomRoles:0:Description"] = "Reads the orders database.",
        ["TokenSdk:CustomRoles:0:Permissions:0"] = "db-table-select",
        ["TokenSdk:CustomRoles:0:Permissions:1"] = "db-table-describe",
        ["TokenSdk:CustomRoles:0:Permissions:2"] = "acme-orders-export",
        ["TokenSdk:CustomRoles:0:Resources:0"] = "drn:astra:org:*:db:orders",
        ["TokenSdk:CustomRoles:0:Resources:1"] = "drn:astra:org:*:db:archive:keyspace:orders",
        ["TokenSdk:CustomRoles:1:Id"] = "orders-writer",
        ["TokenSdk:CustomRoles:1:Name"] = "Orders Writer",
        ["TokenSdk:CustomRoles:1:Permissions:0"] = "db-table-select",
        ["TokenSdk:CustomRoles:1:Permissions:1"] = "db-table-modify",
    };

    [Fact]
    public void Bind_CustomRolesSection_FillsOptions()
    {
        // Arrange
        IConfigurationSection section = BuildSection(s_validSettings);
        var options = new TokenSdkOptions();

        // Act
        section.Bind(options);

        // Assert
        Assert.Equal(["acme-orders-export"], options.CustomPermissions);
        Assert.Equal(2, options.CustomRoles.Count);
        CustomRoleOptions reader = options.CustomRoles[0];
        Assert.Equal("orders-reader", reader.Id);
        Assert.Equal("Orders Reader", reader.Name);
        Assert.Equal("Reads the orders database.", reader.Description);
        Assert.Equal(["db-table-select", "db-table-describe", "acme-orders-export"], reader.Permissions);
        Assert.Equal(["drn:astra:org:*:db:orders", "drn:astra:org:*:db:archive:keyspace:orders"], reader.Resources);
    }

    [Fact]
    public void GetRequiredService_BoundCustomRoles_CatalogFindsThem()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(s_validSettings);

        // Act
        provider.GetRequiredService<IStartupValidator>().Validate();
        IRoleCatalog catalog = provider.GetRequiredService<IRoleCatalog>();

        // Assert
        Assert.Equal(18, catalog.GetRoles().Count);
        Assert.True(catalog.TryGetRole("orders-reader", out Role? reader));
        Assert.Equal("Orders Reader", reader.Name);
        Assert.Equal("Reads the orders database.", reader.Description);
        Assert.False(reader.IsDefault);
        Assert.True(reader.HasPermission("acme-orders-export"));
        Assert.Equal(
            [ResourceScope.Parse("drn:astra:org:*:db:orders"), ResourceScope.Parse("drn:astra:org:*:db:archive:keyspace:orders")],
            reader.Resources);
        Assert.Same(catalog.FindRole("orders writer"), catalog.FindRole("orders-writer"));
        Assert.NotNull(catalog.FindRole("orders-writer"));
    }

    [Fact]
    public void GetRequiredService_BoundScopedRole_AllowsOnlyInsideItsResources()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(s_validSettings);
        IRoleCatalog catalog = provider.GetRequiredService<IRoleCatalog>();
        Role reader = catalog.FindRole("orders-reader")!;

        // Act
        bool inOrders = reader.Allows(Permissions.DbTableSelect, ResourceScope.Parse("drn:astra:org:acme:db:orders:keyspace:sales:table:invoices"));
        bool inArchiveOrders = reader.Allows(Permissions.DbTableSelect, ResourceScope.Parse("drn:astra:org:acme:db:archive:keyspace:orders"));
        bool inArchiveOther = reader.Allows(Permissions.DbTableSelect, ResourceScope.Parse("drn:astra:org:acme:db:archive:keyspace:other"));
        bool elsewhere = reader.Allows(Permissions.DbTableSelect, ResourceScope.Parse("drn:astra:org:acme:db:billing"));

        // Assert
        Assert.True(inOrders);
        Assert.True(inArchiveOrders);
        Assert.False(inArchiveOther);
        Assert.False(elsewhere);
    }

    [Fact]
    public async Task GenerateAsync_BoundRoleWithHostPermission_OrganizationAdministratorMayDatabaseAdministratorMayNot()
    {
        // Arrange: custom permission and roles bound from configuration, as a host's appsettings.json gives them.
        IConfigurationSection section = BuildSection(s_validSettings);
        var services = new ServiceCollection();
        services.AddTokenSdk(o => section.Bind(o)).AddInMemoryStore();
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        var admin = new TokenCaller("alice", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);
        var dba = new TokenCaller("dora", TokenSdkOptions.DefaultOrganization, [DefaultRoles.DatabaseAdministrator]);
        CancellationToken ct = TestContext.Current.CancellationToken;

        // Act
        ManagementResult<GeneratedToken> byAdmin = await manager.GenerateAsync(admin, "orders-reader", cancellationToken: ct);
        ManagementResult<GeneratedToken> byDba = await manager.GenerateAsync(dba, "orders-reader", cancellationToken: ct);

        // Assert
        Assert.True(byAdmin.Succeeded, byAdmin.ToString());
        TokenVerificationResult verified = await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(byAdmin.Value!.Token, ct);
        Assert.True(verified.HasPermission("acme-orders-export"));
        Assert.Equal(ManagementStatus.EscalationDenied, byDba.Status);
        Assert.Equal("acme-orders-export", byDba.MissingPermission);
    }

    [Fact]
    public void Validate_NoCustomRoles_Succeeds()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddTokenSdk();
        using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        provider.GetRequiredService<IStartupValidator>().Validate();
        IRoleCatalog catalog = provider.GetRequiredService<IRoleCatalog>();

        // Assert
        Assert.Equal(DefaultRoles.All, catalog.GetRoles());
    }

    public static TheoryData<string, string, string> InvalidRoleSettings => new()
    {
        // Each row: the setting that breaks the first role, its value, and the text the message must contain.
        { "TokenSdk:CustomRoles:0:Permissions:3", "acme-orders-delete", "Custom role 'orders-reader' names unknown permission 'acme-orders-delete'" },
        { "TokenSdk:CustomRoles:0:Permissions:3", "Orders Delete", "TokenSdk:CustomRoles:0: Role 'orders-reader' names a malformed permission 'Orders Delete'" },
        { "TokenSdk:CustomRoles:0:Id", "orders-writer", "Custom role id 'orders-writer' is used twice" },
        { "TokenSdk:CustomRoles:0:Id", "Orders-Writer", "Custom role ids 'Orders-Writer' and 'orders-writer' differ only in case" },
        { "TokenSdk:CustomRoles:0:Id", "Read-Only-User", "Custom role id 'Read-Only-User' clashes with the default role 'Read Only User'" },
        { "TokenSdk:CustomRoles:0:Name", "ORDERS WRITER", "Custom role name 'Orders Writer' is used by roles 'orders-reader' and 'orders-writer'" },
        { "TokenSdk:CustomRoles:0:Id", "read-only-user", "Custom role id 'read-only-user' clashes with the default role 'Read Only User'" },
        { "TokenSdk:CustomRoles:0:Name", "Billing Administrator", "Custom role name 'Billing Administrator' clashes with the default role 'billing-administrator'" },
        { "TokenSdk:CustomRoles:0:Resources:2", "drn:astra:db:orders", "TokenSdk:CustomRoles:0: Custom role 'orders-reader' has an invalid resource 'drn:astra:db:orders'" },
        { "TokenSdk:CustomRoles:0:Resources:2", "drn:astra:org:acme:db:", "Custom role 'orders-reader' has an invalid resource 'drn:astra:org:acme:db:'" },
        { "TokenSdk:CustomRoles:0:Id", "bad id", "TokenSdk:CustomRoles:0: Role id 'bad id' is invalid" },
        { "TokenSdk:CustomRoles:0:Name", " Orders", "TokenSdk:CustomRoles:0: The name of role 'orders-reader' is invalid" },
        { "TokenSdk:CustomPermissions:1", "Acme Export", "Custom permission 'Acme Export' is malformed" },
    };

    [Theory]
    [MemberData(nameof(InvalidRoleSettings))]
    public void Validate_InvalidCustomRole_ThrowsOptionsValidationExceptionNamingProblem(string key, string value, string expectedMessage)
    {
        // Arrange
        var settings = new Dictionary<string, string?>(s_validSettings) { [key] = value };
        using ServiceProvider provider = BuildProvider(settings);
        IStartupValidator validator = provider.GetRequiredService<IStartupValidator>();

        // Act
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(validator.Validate);

        // Assert
        Assert.Equal(typeof(TokenSdkOptions), ex.OptionsType);
        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CustomRoleWithoutId_ThrowsNamingMissingId()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(s_validSettings);
        settings.Remove("TokenSdk:CustomRoles:0:Id");
        using ServiceProvider provider = BuildProvider(settings);
        IStartupValidator validator = provider.GetRequiredService<IStartupValidator>();

        // Act
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(validator.Validate);

        // Assert
        Assert.Contains("TokenSdk:CustomRoles:0: A custom role has no Id (name 'Orders Reader')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CustomRoleWithoutName_ThrowsNamingMissingName()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(s_validSettings);
        settings.Remove("TokenSdk:CustomRoles:0:Name");
        using ServiceProvider provider = BuildProvider(settings);
        IStartupValidator validator = provider.GetRequiredService<IStartupValidator>();

        // Act
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(validator.Validate);

        // Assert
        Assert.Contains("TokenSdk:CustomRoles:0: Custom role 'orders-reader' has no Name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredService_InvalidCustomRoleWithoutStartupValidation_ThrowsOptionsValidationException()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(s_validSettings) { ["TokenSdk:CustomRoles:0:Permissions:3"] = "acme-unknown" };
        using ServiceProvider provider = BuildProvider(settings);

        // Act
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IRoleCatalog>);

        // Assert
        Assert.Contains("unknown permission 'acme-unknown'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCustomRole_InCode_CatalogFindsRole()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddTokenSdk().AddCustomRole(role =>
        {
            role.Id = "analytics";
            role.Name = "Analytics";
            role.Description = "Reads the warehouse.";
            role.Permissions.Add(Permissions.DbTableSelect);
            role.Permissions.Add(Permissions.DbRest);
            role.Resources.Add("drn:astra:org:*:db:warehouse");
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        provider.GetRequiredService<IStartupValidator>().Validate();
        Role? role = provider.GetRequiredService<IRoleCatalog>().FindRole("analytics");

        // Assert
        Assert.NotNull(role);
        Assert.Equal("Analytics", role.Name);
        Assert.Equal([Permissions.DbRest, Permissions.DbTableSelect], role.Permissions.Order(StringComparer.Ordinal));
        Assert.Equal([ResourceScope.ForDatabase("*", "warehouse")], role.Resources);
    }

    [Fact]
    public void AddCustomRole_InCodeBesideConfiguration_CatalogHoldsBoth()
    {
        // Arrange
        IConfigurationSection section = BuildSection(s_validSettings);
        var services = new ServiceCollection();
        services.AddTokenSdk(o => section.Bind(o)).AddCustomRole(role =>
        {
            role.Id = "analytics";
            role.Name = "Analytics";
            role.Permissions.Add(Permissions.DbTableSelect);
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        provider.GetRequiredService<IStartupValidator>().Validate();
        IRoleCatalog catalog = provider.GetRequiredService<IRoleCatalog>();

        // Assert
        Assert.Equal(19, catalog.GetRoles().Count);
        Assert.NotNull(catalog.FindRole("analytics"));
        Assert.NotNull(catalog.FindRole("orders-reader"));
    }

    [Fact]
    public void AddCustomRole_InCodeClashingWithConfiguredRole_FailsStartupValidation()
    {
        // Arrange
        IConfigurationSection section = BuildSection(s_validSettings);
        var services = new ServiceCollection();
        services.AddTokenSdk(o => section.Bind(o)).AddCustomRole(role =>
        {
            role.Id = "orders-reader";
            role.Name = "Orders Reader Again";
            role.Permissions.Add(Permissions.DbTableSelect);
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        IStartupValidator validator = provider.GetRequiredService<IStartupValidator>();

        // Act
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(validator.Validate);

        // Assert
        Assert.Contains("Custom role id 'orders-reader' is used twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCustomRole_InCodeWithUnknownPermission_FailsStartupValidation()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddTokenSdk().AddCustomRole(role =>
        {
            role.Id = "analytics";
            role.Name = "Analytics";
            role.Permissions.Add("warehouse-read");
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        IStartupValidator validator = provider.GetRequiredService<IStartupValidator>();

        // Act
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(validator.Validate);

        // Assert
        Assert.Contains("Custom role 'analytics' names unknown permission 'warehouse-read'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRoleSource_Registered_CatalogConsultsIt()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddTokenSdk().AddRoleSource<StaticRoleSource>();
        using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        IRoleCatalog catalog = provider.GetRequiredService<IRoleCatalog>();
        bool found = catalog.TryGetRole(StaticRoleSource.Role.Id, out Role? role);

        // Assert
        Assert.True(found);
        Assert.Same(StaticRoleSource.Role, role);
        Assert.Contains(StaticRoleSource.Role, catalog.GetRoles());
        Assert.Same(StaticRoleSource.Role, catalog.FindRole("Source Role"));
    }

    [Fact]
    public void AddRoleSource_CalledTwice_RegistersSourceOnce()
    {
        // Arrange
        var services = new ServiceCollection();
        ITokenSdkBuilder builder = services.AddTokenSdk();

        // Act
        builder.AddRoleSource<StaticRoleSource>().AddRoleSource<StaticRoleSource>();

        // Assert
        Assert.Single(services, d => d.ServiceType == typeof(IRoleSource));
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Equal(17, provider.GetRequiredService<IRoleCatalog>().GetRoles().Count);
    }

    [Fact]
    public void AddRoleSource_SourceRoleClashingWithConfiguredRole_IsIgnored()
    {
        // Arrange
        var settings = new Dictionary<string, string?>(s_validSettings) { ["TokenSdk:CustomRoles:1:Name"] = "Source Role" };
        IConfigurationSection section = BuildSection(settings);
        var services = new ServiceCollection();
        services.AddTokenSdk(o => section.Bind(o)).AddRoleSource<StaticRoleSource>();
        using ServiceProvider provider = services.BuildServiceProvider();
        IRoleCatalog catalog = provider.GetRequiredService<IRoleCatalog>();

        // Act
        bool found = catalog.TryGetRole(StaticRoleSource.Role.Id, out _);
        Role? byName = catalog.FindRole("Source Role");

        // Assert
        Assert.False(found);
        Assert.Equal("orders-writer", byName?.Id);
        Assert.DoesNotContain(StaticRoleSource.Role, catalog.GetRoles());
    }

    private static IConfigurationSection BuildSection(IEnumerable<KeyValuePair<string, string?>> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("TokenSdk");

    private static ServiceProvider BuildProvider(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        IConfigurationSection section = BuildSection(settings);
        var services = new ServiceCollection();
        services.AddTokenSdk(o => section.Bind(o));
        return services.BuildServiceProvider();
    }

    /// <summary>A role source with one fixed role, constructed by the container.</summary>
    internal sealed class StaticRoleSource : IRoleSource
    {
        public static Role Role { get; } = new("source-role", "Source Role", [Permissions.DbTableSelect]);

        public IEnumerable<Role> GetRoles() => [Role];

        public bool TryGetRole(string id, [NotNullWhen(true)] out Role? role)
        {
            role = id == Role.Id ? Role : null;
            return role is not null;
        }
    }
}
