using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Tests.DependencyInjection;

public class TokenSdkServiceCollectionExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddTokenSdk_WithInMemoryStore_GeneratesAndVerifies()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var generator = provider.GetRequiredService<ITokenGenerator>();
        var store = provider.GetRequiredService<ITokenStore>();
        var verifier = provider.GetRequiredService<ITokenVerifier>();
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        await store.TryAddAsync(issued.Record, Ct);

        Assert.True((await verifier.VerifyAsync(issued.Details.Token, Ct)).IsValid);
        Assert.Same(store, provider.GetRequiredService<InMemoryTokenStore>());
        Assert.Equal(16, provider.GetRequiredService<IRoleCatalog>().GetRoles().Count);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddTokenSdk_RoleCreatedThroughTheRoleManager_IsHeldAndVerifiedThroughTheWiredServices(bool fileStore)
    {
        // Arrange
        using var directory = new TestSupport.TemporaryDirectory();
        var services = new ServiceCollection();
        ITokenSdkBuilder builder = services.AddTokenSdk();
        if (fileStore)
        {
            builder.AddFileStore(o => o.Directory = directory.Path);
        }
        else
        {
            builder.AddInMemoryStore();
        }

        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var roles = provider.GetRequiredService<TokenSdk.Management.IRoleManager>();
        var tokens = provider.GetRequiredService<TokenSdk.Management.ITokenManager>();
        var verifier = provider.GetRequiredService<ITokenVerifier>();
        var admin = new TokenSdk.Management.TokenCaller("alice", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);
        var definition = new TokenSdk.Management.RoleDefinition { Name = "Reports" };
        definition.Permissions.Add(Permissions.OrgAuditsRead);

        // Act
        Role role = (await roles.CreateAsync(admin, definition, Ct)).GetValueOrThrow();
        GeneratedToken token = (await tokens.GenerateAsync(admin, "Reports", cancellationToken: Ct)).GetValueOrThrow();
        TokenVerificationResult verified = await verifier.VerifyAsync(token.Token, Ct);

        // Assert
        Assert.Same(role, Assert.Single(verified.Roles));
        Assert.True(verified.HasPermission(Permissions.OrgAuditsRead));
        Assert.Same(role, provider.GetRequiredService<IRoleCatalog>().FindRole("reports", TokenSdkOptions.DefaultOrganization));
        Assert.Single(((IRoleStore)provider.GetRequiredService<ITokenStore>()).Roles);
    }

    [Fact]
    public void AddTokenSdk_CalledTwice_IsHarmless()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        int count = services.Count;

        services.AddTokenSdk().AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ITokenVerifier));
        Assert.Single(services, d => d.ServiceType == typeof(ITokenStore));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<TokenSdkOptions>));
        Assert.True(services.Count - count <= 2, "A second call should add at most the options registrations.");
        Assert.NotNull(provider.GetRequiredService<ITokenVerifier>());
    }

    [Fact]
    public async Task AddTokenSdk_HostRegistrationsWin()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero));
        ITokenStore hostStore = Substitute.For<ITokenStore>();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(hostStore);

        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(hostStore, provider.GetRequiredService<ITokenStore>());
        IssuedToken issued = provider.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        Assert.Equal(time.GetUtcNow(), issued.Details.GeneratedOn);
        Assert.Equal(time.GetUtcNow(), issued.Record.CreatedAt);
    }

    [Fact]
    public void AddTokenSdk_ConfigureDelegate_IsApplied()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(o =>
        {
            o.GenerationFormat = TokenFormatKind.Astra;
            o.DefaultOrganizationId = "acme";
        }).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        IssuedToken issued = provider.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        Assert.StartsWith("AstraCS:", issued.Details.Token, StringComparison.Ordinal);
        Assert.Equal("acme", issued.Details.OrganizationId);
    }

    [Fact]
    public void AddTokenSdk_BindsFromConfiguration()
    {
        string pepper = Convert.ToBase64String(new byte[48]);
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenSdk:TokenPrefix"] = "acme",
            ["TokenSdk:AdditionalTokenPrefixes:0"] = "old",
            ["TokenSdk:GenerationFormat"] = "Checksummed",
            ["TokenSdk:Hashing:Algorithm"] = "HmacSha256",
            ["TokenSdk:Hashing:CurrentKeyId"] = "2026-11",
            ["TokenSdk:Hashing:Peppers:0:KeyId"] = "2026-11",
            ["TokenSdk:Hashing:Peppers:0:Key"] = pepper,
        }).Build();
        var services = new ServiceCollection();
        services.AddTokenSdk(o => configuration.GetSection("TokenSdk").Bind(o)).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        IssuedToken issued = provider.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        Assert.StartsWith("acme_", issued.Details.Token, StringComparison.Ordinal);
        Assert.Equal(VerifierAlgorithm.HmacSha256, issued.Record.Verifier.Algorithm);
        Assert.Equal("2026-11", issued.Record.Verifier.KeyId);
    }

    public static TheoryData<Action<TokenSdkOptions>, string> InvalidOptions() => new()
    {
        { o => o.TokenPrefix = "Bad_Prefix", "TokenSdk:TokenPrefix 'Bad_Prefix' is invalid" },
        { o => o.TokenPrefix = "x", "TokenSdk:TokenPrefix 'x' is invalid" },
        { o => o.AdditionalTokenPrefixes.Add("UPPER"), "TokenSdk:AdditionalTokenPrefixes:0 'UPPER' is invalid" },
        { o => { o.AdditionalTokenPrefixes.Add("acme"); o.AdditionalTokenPrefixes.Add("x"); }, "TokenSdk:AdditionalTokenPrefixes:1 'x' is invalid" },
        { o => o.GenerationFormat = (TokenFormatKind)7, "GenerationFormat '7' is unknown" },
        { o => o.DefaultOrganizationId = "", "DefaultOrganizationId" },
        { o => o.Hashing.Algorithm = (VerifierAlgorithm)9, "Algorithm '9' is unknown" },
        { o => { o.Hashing.Algorithm = VerifierAlgorithm.HmacSha256; }, "CurrentKeyId is required" },
        { o => { o.Hashing.Algorithm = VerifierAlgorithm.HmacSha256; o.Hashing.CurrentKeyId = "missing"; }, "names no configured pepper" },
        { o => o.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = Convert.ToBase64String(new byte[16]) }), "is 16 bytes; a pepper needs at least 32" },
        { o => o.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = "not base64!" }), "missing or not base64" },
        { o => o.Hashing.Peppers.Add(new PepperOptions { KeyId = "bad key", Key = Convert.ToBase64String(new byte[32]) }), "KeyId 'bad key' is invalid" },
        { o => o.CustomPermissions.Add("Bad Permission"), "Custom permission 'Bad Permission' is malformed" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void AddTokenSdk_InvalidOptions_FailAtStartWithAClearMessage(Action<TokenSdkOptions> configure, string expected)
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(configure).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTokenSdk_PepperIsNeverInValidationMessages()
    {
        string key = Convert.ToBase64String(Enumerable.Range(7, 16).Select(i => (byte)i).ToArray());
        var services = new ServiceCollection();
        services.AddTokenSdk(o => o.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = key })).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, new PepperOptions { KeyId = "k1", Key = key }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddTokenSdk_UnknownFormatInConfiguration_FailsWithTheValue()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenSdk:GenerationFormat"] = "Bogus",
        }).Build();
        var services = new ServiceCollection();
        services.AddTokenSdk(o => configuration.GetSection("TokenSdk").Bind(o)).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Bogus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTokenSdk_NullServices_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TokenSdkServiceCollectionExtensions.AddTokenSdk(null!));
        Assert.Throws<ArgumentNullException>(() => TokenSdkBuilderExtensions.AddInMemoryStore(null!));
    }

    [Fact]
    public void AddTokenSdk_ReturnsBuilderOverTheSameServices()
    {
        var services = new ServiceCollection();

        ITokenSdkBuilder builder = services.AddTokenSdk();

        Assert.Same(services, builder.Services);
        Assert.Same(builder, builder.AddInMemoryStore());
    }
}
