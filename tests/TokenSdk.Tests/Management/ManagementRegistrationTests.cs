using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Tests.Management;

public class ManagementRegistrationTests
{
    private const string AuditCategory = "TokenSdk.Audit";

    private static readonly DateTimeOffset s_start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TokenCaller Administrator(string organizationId = TokenSdkOptions.DefaultOrganization) =>
        new("admin", organizationId, [DefaultRoles.OrganizationAdministrator]) { ClientId = "admintoken" };

    private static ServiceProvider Build(IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    // Default registrations

    [Fact]
    public async Task AddTokenSdk_WithInMemoryStore_ResolvesTheManagerAndItsDefaults()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = Build(services);

        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        ITokenDeletionPolicy policy = provider.GetRequiredService<ITokenDeletionPolicy>();
        ITokenAuditSink[] sinks = [.. provider.GetServices<ITokenAuditSink>()];

        Assert.IsType<TokenManager>(manager);
        Assert.IsType<TokenDeletionPolicy>(policy);
        Assert.IsType<LoggerTokenAuditSink>(Assert.Single(sinks));
        Assert.Same(manager, provider.GetRequiredService<ITokenManager>());
        Assert.Same(policy, provider.GetRequiredService<ITokenDeletionPolicy>());
    }

    [Fact]
    public async Task AddTokenSdk_CalledTwice_RegistersOneLoggerAuditSink()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = Build(services);

        ITokenAuditSink[] sinks = [.. provider.GetServices<ITokenAuditSink>()];

        Assert.IsType<LoggerTokenAuditSink>(Assert.Single(sinks));
        Assert.Single(services, d => d.ServiceType == typeof(ITokenManager));
        Assert.Single(services, d => d.ServiceType == typeof(ITokenDeletionPolicy));
    }

    [Fact]
    public async Task AddTokenSdk_ManagerGeneratesIntoTheRegisteredStore()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = Build(services);
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();

        ManagementResult<GeneratedToken> result = await manager.GenerateAsync(Administrator(), DefaultRoles.ReadOnlyUser.Name, cancellationToken: Ct);

        GeneratedToken token = result.GetValueOrThrow();
        StoredToken? stored = await provider.GetRequiredService<ITokenStore>().FindAsync(token.ClientId, Ct);
        Assert.NotNull(stored);
        Assert.Equal(DefaultRoles.ReadOnlyUser.Id, stored.RoleId);
        Assert.Equal("admin", stored.CreatedBy);
    }

    // Audit sinks

    [Fact]
    public async Task AddAuditSink_AddsTheHostSinkBesideTheLoggerSink()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore().AddAuditSink<RecordingAuditSink>().AddAuditSink<RecordingAuditSink>();
        await using ServiceProvider provider = Build(services);

        ITokenAuditSink[] sinks = [.. provider.GetServices<ITokenAuditSink>()];

        Assert.Equal(2, sinks.Length);
        Assert.Single(sinks.OfType<LoggerTokenAuditSink>());
        Assert.Single(sinks.OfType<RecordingAuditSink>());
    }

    [Fact]
    public async Task AddAuditSink_ManagerWritesEachEventToEverySink()
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddTokenSdk().AddInMemoryStore().AddAuditSink<RecordingAuditSink>();
        await using ServiceProvider provider = Build(services);
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        RecordingAuditSink recording = provider.GetServices<ITokenAuditSink>().OfType<RecordingAuditSink>().Single();
        FakeLogCollector logs = provider.GetFakeLogCollector();

        ManagementResult<GeneratedToken> result = await manager.GenerateAsync(Administrator("acme"), DefaultRoles.ReadWriteUser.Id, cancellationToken: Ct);

        GeneratedToken token = result.GetValueOrThrow();
        TokenAuditEvent written = Assert.Single(recording.Events);
        Assert.Equal(TokenAuditEventKind.Generated, written.Kind);
        Assert.Equal(token.ClientId, written.ClientId);
        Assert.Equal("admin", written.ActorId);
        Assert.Equal("acme", written.OrganizationId);
        Assert.Equal(DefaultRoles.ReadWriteUser.Id, written.RoleId);
        FakeLogRecord logged = Assert.Single(logs.GetSnapshot(), r => r.Category == AuditCategory);
        Assert.Contains(token.ClientId, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Secret, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAuditSink_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => TokenSdkBuilderExtensions.AddAuditSink<RecordingAuditSink>(null!));
    }

    // Host registrations win

    [Fact]
    public async Task AddTokenSdk_HostDeletionPolicy_IsUsedByTheManager()
    {
        ITokenDeletionPolicy hostPolicy = Substitute.For<ITokenDeletionPolicy>();
        hostPolicy.EvaluateAsync(Arg.Any<TokenDeletionContext>(), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<ManagementResult>(ManagementResult.Failed(ManagementStatus.InvalidRequest, "The host says no.")));
        var services = new ServiceCollection();
        services.AddSingleton(hostPolicy);
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = Build(services);
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        GeneratedToken token = (await manager.GenerateAsync(Administrator(), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();

        ManagementResult deleted = await manager.DeleteAsync(Administrator(), token.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.Same(hostPolicy, provider.GetRequiredService<ITokenDeletionPolicy>());
        Assert.Single(services, d => d.ServiceType == typeof(ITokenDeletionPolicy));
        Assert.Equal(ManagementStatus.InvalidRequest, deleted.Status);
        Assert.Equal("The host says no.", deleted.Message);
        await hostPolicy.Received(1).EvaluateAsync(Arg.Is<TokenDeletionContext>(c => c.Token.ClientId == token.ClientId), Arg.Any<CancellationToken>());
        Assert.NotNull(await provider.GetRequiredService<ITokenStore>().FindAsync(token.ClientId, Ct));
    }

    [Fact]
    public async Task AddTokenSdk_DefaultDeletionPolicy_GuardsTheLastManagerToken()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore();
        await using ServiceProvider provider = Build(services);
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        GeneratedToken token = (await manager.GenerateAsync(Administrator(), DefaultRoles.DatabaseAdministrator.Id, cancellationToken: Ct)).GetValueOrThrow();

        ManagementResult deleted = await manager.DeleteAsync(Administrator(), token.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.Equal(ManagementStatus.LockoutPrevented, deleted.Status);
    }

    // Start validation of management options

    public static TheoryData<Action<TokenSdkOptions>, string> InvalidManagementOptions() => new()
    {
        { o => o.Management.MaximumLifetime = TimeSpan.Zero, "TokenSdk:Management:MaximumLifetime must be positive (it is 00:00:00)" },
        { o => o.Management.MaximumLifetime = TimeSpan.FromDays(-1), "TokenSdk:Management:MaximumLifetime must be positive (it is -1.00:00:00)" },
        { o => o.Management.MaximumLifetimeByOrganization["bad org"] = TimeSpan.FromDays(1), "MaximumLifetimeByOrganization names an invalid organization id 'bad org'" },
        { o => o.Management.MaximumLifetimeByOrganization["-acme"] = TimeSpan.FromDays(1), "invalid organization id '-acme'" },
        { o => o.Management.MaximumLifetimeByOrganization["acme"] = TimeSpan.Zero, "TokenSdk:Management:MaximumLifetimeByOrganization:acme must be positive" },
        { o => o.Management.MaximumLifetimeByOrganization["acme"] = TimeSpan.FromHours(-2), "MaximumLifetimeByOrganization:acme must be positive (it is -02:00:00)" },
        { o => o.Management.MaximumGracePeriod = TimeSpan.FromSeconds(-1), "TokenSdk:Management:MaximumGracePeriod must not be negative (it is -00:00:01)" },
    };

    [Theory]
    [MemberData(nameof(InvalidManagementOptions))]
    public void AddTokenSdk_InvalidManagementOptions_FailStartValidationWithAClearMessage(Action<TokenSdkOptions> configure, string expected)
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(configure).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTokenSdk_SeveralInvalidManagementOptions_ReportsEachOne()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(o =>
        {
            o.Management.MaximumLifetime = TimeSpan.Zero;
            o.Management.MaximumLifetimeByOrganization["bad org"] = TimeSpan.FromDays(-1);
            o.Management.MaximumGracePeriod = TimeSpan.FromDays(-1);
        }).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void AddTokenSdk_BoundaryManagementOptions_PassStartValidation()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(o =>
        {
            o.Management.MaximumLifetime = TimeSpan.FromTicks(1);
            o.Management.MaximumLifetimeByOrganization["acme_2.eu-west"] = TimeSpan.FromDays(1);
            o.Management.MaximumGracePeriod = TimeSpan.Zero;
        }).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(TimeSpan.Zero, provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value.Management.MaximumGracePeriod);
    }

    // Configuration binding

    [Fact]
    public async Task AddTokenSdk_ManagementOptionsFromConfiguration_AreBoundAndApplied()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenSdk:Management:AllowExpiry"] = "true",
            ["TokenSdk:Management:MaximumLifetime"] = "30.00:00:00",
            ["TokenSdk:Management:MaximumLifetimeByOrganization:acme"] = "7.00:00:00",
            ["TokenSdk:Management:LockoutGuard"] = "false",
        }).Build();
        var time = new FakeTimeProvider(s_start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddTokenSdk(o => configuration.GetSection("TokenSdk").Bind(o)).AddInMemoryStore();
        await using ServiceProvider provider = Build(services);

        provider.GetRequiredService<IStartupValidator>().Validate();
        TokenManagementOptions management = provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value.Management;
        ITokenManager manager = provider.GetRequiredService<ITokenManager>();
        GeneratedToken inAcme = (await manager.GenerateAsync(Administrator("acme"), DefaultRoles.OrganizationAdministrator.Id, cancellationToken: Ct)).GetValueOrThrow();
        GeneratedToken elsewhere = (await manager.GenerateAsync(Administrator("globex"), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();
        ManagementResult deleteLastManager = await manager.DeleteAsync(Administrator("acme"), inAcme.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.True(management.AllowExpiry);
        Assert.False(management.LockoutGuard);
        Assert.Equal(TimeSpan.FromDays(30), management.MaximumLifetime);
        Assert.Equal(TimeSpan.FromDays(7), Assert.Contains("acme", management.MaximumLifetimeByOrganization));
        Assert.Equal(s_start.AddDays(7), inAcme.ExpiresAt);
        Assert.Equal(s_start.AddDays(30), elsewhere.ExpiresAt);
        Assert.True(deleteLastManager.Succeeded, deleteLastManager.ToString());
    }

    [Fact]
    public void AddTokenSdk_InvalidManagementOptionsFromConfiguration_FailStartValidation()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenSdk:Management:MaximumLifetimeByOrganization:acme"] = "-1.00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddTokenSdk(o => configuration.GetSection("TokenSdk").Bind(o)).AddInMemoryStore();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("TokenSdk:Management:MaximumLifetimeByOrganization:acme must be positive", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingAuditSink : ITokenAuditSink
    {
        private readonly ConcurrentQueue<TokenAuditEvent> _events = new();

        public IReadOnlyCollection<TokenAuditEvent> Events => _events;

        public ValueTask WriteAsync(TokenAuditEvent auditEvent, CancellationToken cancellationToken = default)
        {
            _events.Enqueue(auditEvent);
            return ValueTask.CompletedTask;
        }
    }
}
