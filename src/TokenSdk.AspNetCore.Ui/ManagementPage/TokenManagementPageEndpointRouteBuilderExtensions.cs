using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Ui;
using TokenSdk.Roles;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the token management page: the Astra "Settings → Tokens" workflow for people signed in to the host.</summary>
public static class TokenManagementPageEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the token management page at <paramref name="path"/>: <c>GET {path}</c> (the page; 403 with a page that
    /// says why for a person without <c>org-token-read</c>), <c>GET {path}/assets/app.js</c> and <c>app.css</c>, and
    /// <c>GET {path}/context</c> (the roles, what the person may do, the antiforgery token). An anonymous visitor is
    /// challenged with <see cref="TokenManagementPageOptions.AuthenticationSchemes"/> (a cookie scheme redirects to the
    /// host's login). The page changes tokens only through the management API at
    /// <see cref="TokenManagementPageOptions.ApiPrefix"/>, sending the antiforgery token in a header.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="path">Where the page lives; starts with <c>/</c>.</param>
    /// <param name="configure">Configures the API prefix, authentication schemes and title; <see langword="null"/> for the defaults.</param>
    /// <returns>The route group, for further conventions (authorization policies, rate limiting, ...).</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> or the options are invalid.</exception>
    /// <exception cref="InvalidOperationException">
    /// The antiforgery services (<c>services.AddAntiforgery()</c> or <c>services.AddTokenManagementPage()</c>) or the
    /// TokenSdk services (<c>services.AddTokenSdk()</c>) are not registered.
    /// </exception>
    public static RouteGroupBuilder MapTokenManagementPage(
        this IEndpointRouteBuilder endpoints,
        string path = "/settings/tokens",
        Action<TokenManagementPageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path[0] != '/' || (path.Length > 1 && path[^1] == '/') || path.AsSpan().IndexOfAny("?#{}\\ ") >= 0)
        {
            throw new ArgumentException(
                $"The page path must start with '/' and not end with one, and hold no route parameters, query or spaces (for example \"/settings/tokens\"); it is \"{path}\".",
                nameof(path));
        }

        var options = new TokenManagementPageOptions();
        configure?.Invoke(options);
        options.Validate(nameof(configure));
        CheckServices(endpoints.ServiceProvider);

        var handlers = new TokenManagementPageEndpoints(path, options);
        AuthorizationPolicy authenticated = new AuthorizationPolicyBuilder([.. options.AuthenticationSchemes]).RequireAuthenticatedUser().Build();

        RouteGroupBuilder group = endpoints.MapGroup(path);
        group.RequireAuthorization(authenticated).ExcludeFromDescription();
        group.MapGet("", handlers.PageAsync).WithName("TokenSdk.ManagementPage");
        group.MapGet("/context", handlers.ContextAsync).WithName("TokenSdk.ManagementPageContext");
        group.MapGet("/assets/app.js", context => TokenManagementPageEndpoints.AssetAsync(context, PageAsset.Script)).WithName("TokenSdk.ManagementPageScript");
        group.MapGet("/assets/app.css", context => TokenManagementPageEndpoints.AssetAsync(context, PageAsset.Stylesheet)).WithName("TokenSdk.ManagementPageStylesheet");
        return group;
    }

    private static void CheckServices(IServiceProvider services)
    {
        if (services.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException(
                "The token management page needs the antiforgery services, which protect its cookie-authenticated requests: call builder.Services.AddAntiforgery() or builder.Services.AddTokenManagementPage() before MapTokenManagementPage.");
        }

        if (services.GetService<IOptions<AntiforgeryOptions>>()?.Value.HeaderName is null or "")
        {
            throw new InvalidOperationException(
                "The token management page sends its antiforgery token in a header, but AntiforgeryOptions.HeaderName is empty: leave it at its default or name a header.");
        }

        // Whether it is registered, without creating it: creating it would validate the TokenSdk options here, before
        // the host's own start-up code could report a configuration error its way.
        if (services.GetService<IServiceProviderIsService>() is { } registered ? !registered.IsService(typeof(IRoleCatalog)) : services.GetService<IRoleCatalog>() is null)
        {
            throw new InvalidOperationException(
                "The token management page needs the TokenSdk services: call builder.Services.AddTokenSdk() before MapTokenManagementPage.");
        }
    }
}
