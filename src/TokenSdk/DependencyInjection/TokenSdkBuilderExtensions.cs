using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk.DependencyInjection;
using TokenSdk.Management;
using TokenSdk.Management.Cleanup;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds stores and role sources to TokenSdk.</summary>
public static class TokenSdkBuilderExtensions
{
    /// <summary>
    /// Uses an <see cref="InMemoryTokenStore"/> (tokens live as long as the process), unless an
    /// <see cref="ITokenStore"/> is already registered.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddInMemoryStore(this ITokenSdkBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<InMemoryTokenStore>();
        builder.Services.TryAddSingleton<ITokenStore>(static sp => sp.GetRequiredService<InMemoryTokenStore>());
        return builder;
    }

    /// <summary>
    /// Uses a <see cref="FileTokenStore"/> in <paramref name="directory"/> (durable, shared safely by several processes),
    /// unless an <see cref="ITokenStore"/> is already registered.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The store directory; created when missing.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddFileStore(this ITokenSdkBuilder builder, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return builder.AddFileStore(options => options.Directory = directory);
    }

    /// <summary>
    /// Uses a <see cref="FileTokenStore"/> configured by <paramref name="configure"/>, unless an <see cref="ITokenStore"/>
    /// is already registered. The options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the directory and, optionally, the refresh interval and lock timeout.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddFileStore(this ITokenSdkBuilder builder, Action<FileTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<FileTokenStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileTokenStoreOptions>, FileTokenStoreOptionsValidator>());
        builder.Services.TryAddSingleton(static sp => new FileTokenStore(
            sp.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<FileTokenStore>>()));
        builder.Services.TryAddSingleton<ITokenStore>(static sp => sp.GetRequiredService<FileTokenStore>());
        return builder;
    }

    /// <summary>
    /// Adds a hosted service that calls <see cref="ITokenManager.PurgeExpiredAsync"/> every
    /// <see cref="ExpiredTokenCleanupOptions.Interval"/> (5 minutes by default): expired tokens and tokens past a
    /// rotation's grace period are deleted and audited with reason <see cref="DeletionReason.Expired"/>. A failed run is
    /// logged and retried after a growing wait. Calling this again only adds <paramref name="configure"/>; the service
    /// is registered once. The options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the interval, the initial delay and the maximum back-off; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddExpiredTokenCleanup(this ITokenSdkBuilder builder, Action<ExpiredTokenCleanupOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OptionsBuilder<ExpiredTokenCleanupOptions> options = builder.Services.AddOptions<ExpiredTokenCleanupOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExpiredTokenCleanupOptions>, ExpiredTokenCleanupOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExpiredTokenCleanupService>(static sp => new ExpiredTokenCleanupService(
            sp.GetRequiredService<ITokenManager>(),
            sp.GetRequiredService<IOptions<ExpiredTokenCleanupOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ExpiredTokenCleanupService>>())));
        return builder;
    }

    /// <summary>Adds a dynamic source of custom roles, resolved as a singleton.</summary>
    /// <typeparam name="TSource">The source type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddRoleSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSource>(this ITokenSdkBuilder builder)
        where TSource : class, IRoleSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoleSource, TSource>());
        return builder;
    }

    /// <summary>Adds an audit sink, resolved as a singleton, beside the default one that writes to the log.</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddAuditSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>(this ITokenSdkBuilder builder)
        where TSink : class, TokenSdk.Management.ITokenAuditSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<TokenSdk.Management.ITokenAuditSink, TSink>());
        return builder;
    }

    /// <summary>Adds a custom role defined in code; validated with the others when the host starts.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Fills in the role: id, name, description, permissions, resources.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddCustomRole(this ITokenSdkBuilder builder, Action<CustomRoleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var role = new CustomRoleOptions();
        configure(role);
        builder.Services.Configure<TokenSdk.TokenSdkOptions>(options => options.CustomRoles.Add(role));
        return builder;
    }
}
