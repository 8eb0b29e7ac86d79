using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;

namespace TokenSdk.Tests.DependencyInjection;

/// <summary><c>AddTokenSdk(configurationSectionPath)</c> and <c>AddTokenSdk(IConfiguration)</c>.</summary>
public sealed class TokenSdkConfigurationBindingTests
{
    private static readonly string s_pepper = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static IConfigurationRoot Configuration(Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["TokenSdk:DefaultOrganizationId"] = "acme",
            ["TokenSdk:TokenPrefix"] = "acme",
            ["TokenSdk:AdditionalTokenPrefixes:0"] = "old",
            ["TokenSdk:GenerationFormat"] = "Astra",
            ["TokenSdk:Hashing:Algorithm"] = "HmacSha256",
            ["TokenSdk:Hashing:CurrentKeyId"] = "k1",
            ["TokenSdk:Hashing:Peppers:0:KeyId"] = "k1",
            ["TokenSdk:Hashing:Peppers:0:Key"] = s_pepper,
            ["TokenSdk:Management:AllowExpiry"] = "true",
            ["TokenSdk:Management:MaximumLifetimeByOrganization:acme"] = "30.00:00:00",
            ["TokenSdk:Usage:Resolution"] = "00:05:00",
            ["TokenSdk:CustomPermissions:0"] = "acme-orders-export",
            ["TokenSdk:CustomRoles:0:Id"] = "orders-reader",
            ["TokenSdk:CustomRoles:0:Name"] = "Orders Reader",
            ["TokenSdk:CustomRoles:0:Permissions:0"] = Permissions.DbTableSelect,
            ["TokenSdk:CustomRoles:0:Permissions:1"] = "acme-orders-export",
            ["TokenSdk:CustomRoles:0:Resources:0"] = "drn:astra:org:*:db:orders",
        };
        foreach ((string key, string? value) in extra ?? [])
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static void AssertBound(TokenSdkOptions options)
    {
        Assert.Equal("acme", options.DefaultOrganizationId);
        Assert.Equal("acme", options.TokenPrefix);
        Assert.Equal(["old"], options.AdditionalTokenPrefixes);
        Assert.Equal(TokenFormatKind.Astra, options.GenerationFormat);
        Assert.Equal(VerifierAlgorithm.HmacSha256, options.Hashing.Algorithm);
        Assert.Equal("k1", Assert.Single(options.Hashing.Peppers).KeyId);
        Assert.True(options.Management.AllowExpiry);
        Assert.Equal(TimeSpan.FromDays(30), options.Management.MaximumLifetimeByOrganization["acme"]);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Usage.Resolution);
        Assert.Equal(["acme-orders-export"], options.CustomPermissions);
        CustomRoleOptions role = Assert.Single(options.CustomRoles);
        Assert.Equal("orders-reader", role.Id);
        Assert.Equal([Permissions.DbTableSelect, "acme-orders-export"], role.Permissions);
        Assert.Equal(["drn:astra:org:*:db:orders"], role.Resources);
    }

    [Fact]
    public void AddTokenSdk_ConfigurationSection_ValuesLandOnceAndStartValidates()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(Configuration().GetSection("TokenSdk")).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        provider.GetRequiredService<IStartupValidator>().Validate();

        AssertBound(provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value);
        Role role = provider.GetRequiredService<IRoleCatalog>().GetRoles().Single(r => r.Id == "orders-reader");
        Assert.Equal("Orders Reader", role.Name);
    }

    [Fact]
    public void AddTokenSdk_SectionPath_BindsTheConfigurationInTheContainer()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration());
        services.AddTokenSdk(configurationSectionPath: "TokenSdk").AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        provider.GetRequiredService<IStartupValidator>().Validate();

        AssertBound(provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value);
    }

    [Fact]
    public void AddTokenSdk_SameSectionRegisteredRepeatedly_BindsItOnce()
    {
        // A library and the host may both call AddTokenSdk with the application's section: lists must not repeat.
        IConfigurationRoot configuration = Configuration();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddTokenSdk("TokenSdk");
        services.AddTokenSdk("tokensdk");
        services.AddTokenSdk(configuration.GetSection("TokenSdk"));
        services.AddTokenSdk(configuration.GetSection("TokenSdk")).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate(); // a repeated role would fail with "used twice"

        AssertBound(provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value);
    }

    [Fact]
    public void AddTokenSdk_CodeAfterConfiguration_RunsAfterBinding()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(Configuration().GetSection("TokenSdk"));
        services.AddTokenSdk(o =>
        {
            o.DefaultOrganizationId = "from-code";
            o.CustomPermissions.Add("acme-orders-import");
        }).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        TokenSdkOptions options = provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value;

        Assert.Equal("from-code", options.DefaultOrganizationId);
        Assert.Equal(["acme-orders-export", "acme-orders-import"], options.CustomPermissions);
    }

    [Theory]
    [InlineData("TokenSdk:TokenPrefix", "Bad_Prefix", "TokenSdk:TokenPrefix 'Bad_Prefix' is invalid")]
    [InlineData("TokenSdk:Hashing:CurrentKeyId", "k2", "names no configured pepper")]
    [InlineData("TokenSdk:CustomRoles:0:Permissions:1", "not-declared", "not-declared")]
    public void AddTokenSdk_InvalidConfiguration_FailsAtStartWithAClearMessage(string key, string value, string expected)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(new() { [key] = value }));
        services.AddTokenSdk("TokenSdk").AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTokenSdk_MissingSection_LeavesTheDefaults()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddTokenSdk("TokenSdk").AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        TokenSdkOptions options = provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value;
        Assert.Equal(TokenSdkOptions.DefaultOrganization, options.DefaultOrganizationId);
        Assert.Empty(options.CustomRoles);
    }

    [Fact]
    public void AddTokenSdk_NullOrBlankConfiguration_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>(() => services.AddTokenSdk((IConfiguration)null!));
        Assert.Throws<ArgumentException>(() => services.AddTokenSdk(" "));
    }
}
