using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TokenSdk.PostgreSql;
using TokenSdk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL token store on an <see cref="ITokenSdkBuilder"/>.</summary>
public static class PostgreSqlTokenSdkBuilderExtensions
{
    /// <summary>
    /// Uses a <see cref="PostgreSqlTokenStore"/> on the database of <see cref="PostgreSqlTokenStoreOptions.ConnectionString"/>,
    /// unless an <see cref="ITokenStore"/> is already registered. The options are validated when the host starts; the
    /// store opens (connects, checks the schema, loads its replica) when it is first resolved.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection string and, optionally, the schema and intervals.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddPostgreSqlStore(this ITokenSdkBuilder builder, Action<PostgreSqlTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, configure, dataSource: null);
    }

    /// <summary>
    /// Uses a <see cref="PostgreSqlTokenStore"/> on a data source the host provides, for example one it registered with
    /// <c>AddNpgsqlDataSource</c>: <c>AddPostgreSqlStore(sp =&gt; sp.GetRequiredService&lt;NpgsqlDataSource&gt;())</c>.
    /// The store does not dispose it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">Returns the data source.</param>
    /// <param name="configure">Sets the schema and intervals; the connection string is not used.</param>
    /// <returns>The builder.</returns>
    public static ITokenSdkBuilder AddPostgreSqlStore(
        this ITokenSdkBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource, Action<PostgreSqlTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Register(builder, configure ?? (static _ => { }), dataSource);
    }

    private static ITokenSdkBuilder Register(ITokenSdkBuilder builder, Action<PostgreSqlTokenStoreOptions> configure, Func<IServiceProvider, NpgsqlDataSource>? dataSource)
    {
        builder.Services.AddOptions<PostgreSqlTokenStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddSingleton(new PostgreSqlStoreRegistration(dataSource));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlTokenStoreOptions>, PostgreSqlTokenStoreOptionsValidator>());
        builder.Services.TryAddSingleton(static sp =>
        {
            PostgreSqlTokenStoreOptions options = sp.GetRequiredService<IOptions<PostgreSqlTokenStoreOptions>>().Value;
            Func<IServiceProvider, NpgsqlDataSource>? source = sp.GetRequiredService<PostgreSqlStoreRegistration>().DataSource;
            TimeProvider time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            ILogger<PostgreSqlTokenStore>? logger = sp.GetService<ILogger<PostgreSqlTokenStore>>();

            // DI resolves synchronously; opening waits for the replica to load, once, when the store is first needed.
            return PostgreSqlTokenStore.OpenAsync(options, source?.Invoke(sp), time, logger).GetAwaiter().GetResult();
        });
        builder.Services.TryAddSingleton<ITokenStore>(static sp => sp.GetRequiredService<PostgreSqlTokenStore>());
        return builder;
    }
}

/// <summary>How the PostgreSQL store gets its data source: from its connection string, or from the host.</summary>
internal sealed record PostgreSqlStoreRegistration(Func<IServiceProvider, NpgsqlDataSource>? DataSource);

/// <summary>Validates <see cref="PostgreSqlTokenStoreOptions"/> at start, naming each setting that is wrong.</summary>
internal sealed class PostgreSqlTokenStoreOptionsValidator(PostgreSqlStoreRegistration registration) : IValidateOptions<PostgreSqlTokenStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] errors = options.Validate(registration.DataSource is not null).ToArray();
        return errors.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
