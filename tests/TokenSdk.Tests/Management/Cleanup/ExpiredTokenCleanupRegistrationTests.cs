using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TokenSdk.Management;
using TokenSdk.Management.Cleanup;

namespace TokenSdk.Tests.Management.Cleanup;

public class ExpiredTokenCleanupRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddExpiredTokenCleanup_NoConfiguration_RegistersTheServiceWithTheDefaults()
    {
        var services = new ServiceCollection();

        services.AddTokenSdk().AddInMemoryStore().AddExpiredTokenCleanup();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<ExpiredTokenCleanupService>(Assert.Single(provider.GetServices<IHostedService>()));
        ExpiredTokenCleanupOptions options = provider.GetRequiredService<IOptions<ExpiredTokenCleanupOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), options.Interval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.InitialDelay);
        Assert.Equal(TimeSpan.FromHours(1), options.MaximumBackoff);
    }

    [Fact]
    public async Task AddExpiredTokenCleanup_CalledTwice_RegistersOneServiceAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();

        services.AddTokenSdk().AddInMemoryStore()
            .AddExpiredTokenCleanup(o => o.Interval = TimeSpan.FromMinutes(2))
            .AddExpiredTokenCleanup(o => o.MaximumBackoff = TimeSpan.FromMinutes(30));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>());
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<ExpiredTokenCleanupOptions>));
        ExpiredTokenCleanupOptions options = provider.GetRequiredService<IOptions<ExpiredTokenCleanupOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(2), options.Interval);
        Assert.Equal(TimeSpan.FromMinutes(30), options.MaximumBackoff);
    }

    [Theory]
    [InlineData("Interval", 0, 60, 3600)]
    [InlineData("Interval", 0.5, 60, 3600)]
    [InlineData("Interval", 172800, 60, 172800)]
    [InlineData("InitialDelay", 300, -1, 3600)]
    [InlineData("InitialDelay", 300, 86401, 3600)]
    [InlineData("MaximumBackoff", 300, 60, 299)]
    [InlineData("MaximumBackoff", 300, 60, 86401)]
    public async Task AddExpiredTokenCleanup_InvalidOption_StartupValidationNamesIt(string option, double interval, double initialDelay, double maximumBackoff)
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddInMemoryStore().AddExpiredTokenCleanup(o =>
        {
            o.Interval = TimeSpan.FromSeconds(interval);
            o.InitialDelay = TimeSpan.FromSeconds(initialDelay);
            o.MaximumBackoff = TimeSpan.FromSeconds(maximumBackoff);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.IsType<OptionsValidationException>(Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate()));

        Assert.Contains(error.Failures, f => f.StartsWith($"ExpiredTokenCleanupOptions.{option} must lie between", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddExpiredTokenCleanup_HostedService_UsesTheRegisteredManagerAndClock()
    {
        ITokenManager manager = Substitute.For<ITokenManager>();
        var time = new ObservedTimeProvider(new FakeTimeProvider(ManagementFixture.Start));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(manager);
        services.AddTokenSdk().AddInMemoryStore().AddExpiredTokenCleanup(o => o.InitialDelay = TimeSpan.FromSeconds(10));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService service = Assert.Single(provider.GetServices<IHostedService>());

        await service.StartAsync(Ct);
        await time.PassNextWaitAsync(TimeSpan.FromSeconds(10));
        TimeSpan next = await time.NextWaitAsync();
        await service.StopAsync(Ct);

        await manager.Received(1).PurgeExpiredAsync(Arg.Any<CancellationToken>());
        Assert.Equal(TimeSpan.FromMinutes(5), next);
    }
}
