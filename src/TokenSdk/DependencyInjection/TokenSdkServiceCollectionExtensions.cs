using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk;
using TokenSdk.Credentials;
using TokenSdk.DependencyInjection;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Usage;
using TokenSdk.Verification;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TokenSdk in an <see cref="IServiceCollection"/>.</summary>
public static class TokenSdkServiceCollectionExtensions
{
    /// <summary>
    /// Registers TokenSdk with default options, as <see cref="AddTokenSdk(IServiceCollection, Action{TokenSdkOptions})"/>
    /// does without a delegate. Add a store with the returned builder, for example <c>.AddInMemoryStore()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddTokenSdk(this IServiceCollection services) => services.AddTokenSdk(configure: null);

    /// <summary>
    /// Registers the role catalog, generator, verifier, token manager (with its deletion policy and a logging audit sink), options (validated at start) and <see cref="TimeProvider"/>.
    /// Add a store with the returned builder, for example <c>.AddInMemoryStore()</c>. Calling this twice registers
    /// nothing twice (each <paramref name="configure"/> delegate still runs, as with <c>Configure</c>); services the host
    /// registered first are kept.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (after any configuration bound by
    /// <see cref="AddTokenSdk(IServiceCollection, string)"/> or <see cref="AddTokenSdk(IServiceCollection, IConfiguration)"/>
    /// registered before).</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddTokenSdk(this IServiceCollection services, Action<TokenSdkOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<TokenSdkOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenSdkOptions>, TokenSdkOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRoleCatalog>(static sp =>
        {
            TokenSdkOptions options = sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value;
            return new RoleCatalog(
                options.CustomRoles.Select(r => r.ToRole()),
                options.CustomPermissions,
                sp.GetServices<IRoleSource>(),
                sp.GetService<ITokenStore>() as IRoleStore);
        });
        services.TryAddSingleton<ITokenGenerator>(static sp => new TokenGenerator(
            sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<TokenGenerator>>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => new TokenUsageTracker(
            sp.GetRequiredService<ITokenStore>(),
            sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<TokenUsageTracker>>()));
        services.TryAddSingleton<ITokenVerifier>(static sp => new TokenVerifier(
            sp.GetRequiredService<ITokenStore>(),
            sp.GetRequiredService<IRoleCatalog>(),
            sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<TokenVerifier>>(),
            sp.GetRequiredService<TokenUsageTracker>(),
            sp.GetService<IMeterFactory>()));

        services.TryAddSingleton<ITokenDeletionPolicy>(static sp => new TokenDeletionPolicy(
            sp.GetRequiredService<ITokenStore>(),
            sp.GetRequiredService<IRoleCatalog>(),
            sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenAuditSink, LoggerTokenAuditSink>(
            static sp => new LoggerTokenAuditSink(sp.GetService<ILoggerFactory>())));
        services.TryAddSingleton<ITokenManager>(static sp => new TokenManager(
            sp.GetRequiredService<ITokenStore>(),
            sp.GetRequiredService<IRoleCatalog>(),
            sp.GetRequiredService<ITokenGenerator>(),
            sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value,
            sp.GetRequiredService<ITokenDeletionPolicy>(),
            sp.GetServices<ITokenAuditSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IRoleManager>(static sp => new RoleManager(
            sp.GetService<ITokenStore>() as IRoleStore,
            sp.GetRequiredService<IRoleCatalog>(),
            sp.GetRequiredService<IOptions<TokenSdkOptions>>().Value,
            sp.GetServices<ITokenAuditSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));

        return new TokenSdkBuilder(services);
    }

    /// <summary>
    /// Registers TokenSdk as <see cref="AddTokenSdk(IServiceCollection, Action{TokenSdkOptions})"/> does, with
    /// <see cref="TokenSdkOptions"/> bound from the section <paramref name="configurationSectionPath"/> (for example
    /// <c>"TokenSdk"</c>) of the application's <see cref="IConfiguration"/> (resolved from the container). Binding is
    /// source generated (no reflection). The section is bound once however often this is called with the same path, so
    /// <see cref="TokenSdkOptions.CustomRoles"/> and the other lists are not repeated. Invalid options stop the host
    /// at start, as they do when set in code.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configurationSectionPath">The path of the section to bind, its keys separated by <c>:</c>.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddTokenSdk(this IServiceCollection services, string configurationSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationSectionPath);

        if (TokenSdkConfigurationSource.TryAdd(services, new TokenSdkConfigurationSource(configurationSectionPath, configuration: null)))
        {
            services.AddOptions<TokenSdkOptions>()
                .Configure<IConfiguration>((options, configuration) => configuration.GetSection(configurationSectionPath).Bind(options));
            services.AddSingleton<IOptionsChangeTokenSource<TokenSdkOptions>>(sp =>
                new ConfigurationChangeTokenSource<TokenSdkOptions>(sp.GetRequiredService<IConfiguration>().GetSection(configurationSectionPath)));
        }

        return services.AddTokenSdk();
    }

    /// <summary>
    /// Registers TokenSdk as <see cref="AddTokenSdk(IServiceCollection, Action{TokenSdkOptions})"/> does, with
    /// <see cref="TokenSdkOptions"/> bound from <paramref name="configuration"/> (for example
    /// <c>builder.Configuration.GetSection("TokenSdk")</c>). Binding is source generated (no reflection). The same
    /// section (the same instance, or a section of the same path) is bound once however often this is called, so
    /// <see cref="TokenSdkOptions.CustomRoles"/> and the other lists are not repeated. Invalid options stop the host
    /// at start, as they do when set in code.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddTokenSdk(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (TokenSdkConfigurationSource.TryAdd(services, new TokenSdkConfigurationSource(path: null, configuration)))
        {
            services.AddOptions<TokenSdkOptions>().Configure(options => configuration.Bind(options));
            services.AddSingleton<IOptionsChangeTokenSource<TokenSdkOptions>>(new ConfigurationChangeTokenSource<TokenSdkOptions>(configuration));
        }

        return services.AddTokenSdk();
    }
}
