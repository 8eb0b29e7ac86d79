using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
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
}
