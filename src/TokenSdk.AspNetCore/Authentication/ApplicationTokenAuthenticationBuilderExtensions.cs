using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.AspNetCore.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds application token authentication to an <see cref="AuthenticationBuilder"/>.</summary>
public static class ApplicationTokenAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="ApplicationTokenDefaults.AuthenticationScheme"/> scheme, which authenticates requests by
    /// their application token, and the authorization handler behind <c>RequirePermission</c>. TokenSdk itself
    /// (<c>services.AddTokenSdk()</c> with a store) must be registered too.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokens(this AuthenticationBuilder builder) =>
        builder.AddApplicationTokens(ApplicationTokenDefaults.AuthenticationScheme, configure: null);

    /// <summary>
    /// Adds the <see cref="ApplicationTokenDefaults.AuthenticationScheme"/> scheme, configured by <paramref name="configure"/>,
    /// and the authorization handler behind <c>RequirePermission</c>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Configures where tokens are read from.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokens(this AuthenticationBuilder builder, Action<ApplicationTokenOptions>? configure) =>
        builder.AddApplicationTokens(ApplicationTokenDefaults.AuthenticationScheme, configure);

    /// <summary>
    /// Adds an application token authentication scheme under <paramref name="authenticationScheme"/>, and the
    /// authorization handler behind <c>RequirePermission</c>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configure">Configures where tokens are read from; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokens(this AuthenticationBuilder builder, string authenticationScheme, Action<ApplicationTokenOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(authenticationScheme);

        builder.Services.AddOptions<ApplicationTokenOptions>(authenticationScheme).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApplicationTokenOptions>, ApplicationTokenOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, PermissionAuthorizationHandler>());
        builder.Services.TryAddSingleton<ApplicationTokenHandlerLoggerFactory>();
        builder.Services.TryAddSingleton<AuthenticationFailureSummary>();
        return builder.AddScheme<ApplicationTokenOptions, ApplicationTokenHandler>(authenticationScheme, displayName: "Application token", configure);
    }

    /// <summary>
    /// Adds the <see cref="ApplicationTokenDefaults.AuthenticationScheme"/> scheme with its options bound from
    /// <paramref name="configuration"/> (for example <c>builder.Configuration.GetSection("Authentication:ApplicationToken")</c>),
    /// and the authorization handler behind <c>RequirePermission</c>. Keys are the option names
    /// (<c>AcceptBasic</c>, <c>AcceptQueryString</c>, <c>QueryParameterName</c>, <c>FailureSummaryInterval</c>, ...);
    /// events are code only. Invalid values stop the host at start.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokens(this AuthenticationBuilder builder, IConfiguration configuration) =>
        builder.AddApplicationTokens(ApplicationTokenDefaults.AuthenticationScheme, configuration, configure: null);

    /// <summary>
    /// Adds an application token authentication scheme under <paramref name="authenticationScheme"/> with its
    /// options bound from <paramref name="configuration"/>, then configured by <paramref name="configure"/> (for
    /// what configuration cannot hold: <see cref="ApplicationTokenOptions.Events"/>), and the authorization handler
    /// behind <c>RequirePermission</c>. Invalid values stop the host at start.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <param name="configure">Configures the options after binding; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokens(this AuthenticationBuilder builder, string authenticationScheme, IConfiguration configuration, Action<ApplicationTokenOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(authenticationScheme);

        builder.Services.AddOptions<ApplicationTokenOptions>(authenticationScheme)
            .Configure(options => ApplicationTokenOptionsSection.Apply(configuration, options));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<ApplicationTokenOptions>>(
            new ConfigurationChangeTokenSource<ApplicationTokenOptions>(authenticationScheme, configuration));
        return builder.AddApplicationTokens(authenticationScheme, configure);
    }

    /// <summary>
    /// Adds an application token authentication scheme under <paramref name="authenticationScheme"/> with its
    /// options bound from the section <paramref name="configurationSectionPath"/> (for example
    /// <c>"Authentication:Schemes:ApplicationToken"</c>) of the application's <see cref="IConfiguration"/>, then
    /// configured by <paramref name="configure"/>, and the authorization handler behind <c>RequirePermission</c>. A
    /// missing section leaves the defaults. Invalid values stop the host at start.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configurationSectionPath">The path of the section to bind, its keys separated by <c>:</c>.</param>
    /// <param name="configure">Configures the options after binding; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokens(this AuthenticationBuilder builder, string authenticationScheme, string configurationSectionPath, Action<ApplicationTokenOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(authenticationScheme);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationSectionPath);

        builder.Services.AddOptions<ApplicationTokenOptions>(authenticationScheme)
            .Configure<IConfiguration>((options, configuration) =>
                ApplicationTokenOptionsSection.Apply(configuration.GetSection(configurationSectionPath), options));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<ApplicationTokenOptions>>(sp =>
            new ConfigurationChangeTokenSource<ApplicationTokenOptions>(authenticationScheme, sp.GetRequiredService<IConfiguration>().GetSection(configurationSectionPath)));
        return builder.AddApplicationTokens(authenticationScheme, configure);
    }
}
