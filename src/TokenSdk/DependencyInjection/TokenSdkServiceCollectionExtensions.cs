using System.Diagnostics.Metrics;
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
    /// Registers the role catalog, generator, verifier, token manager (with its deletion policy and a logging audit sink), options (validated at start) and <see cref="TimeProvider"/>.
    /// Add a store with the returned builder, for example <c>.AddInMemoryStore()</c>. Calling this twice registers
    /// nothing twice (each <paramref name="configure"/> delegate still runs, as with <c>Configure</c>); services the host
    /// registered first are kept.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; to bind configuration, call <c>section.Bind(options)</c> here
    /// or <c>services.AddOptions&lt;TokenSdkOptions&gt;().Bind(section)</c>.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddTokenSdk(this IServiceCollection services, Action<TokenSdkOptions>? configure = null)
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
}
