using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenSdk.AspNetCore.Management;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the token management API, shaped like the Astra DevOps API.</summary>
public static class TokenManagementEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {prefix}/clientIdSecrets</c> (generate; 201), <c>GET {prefix}/clientIdSecrets</c> (list),
    /// <c>DELETE {prefix}/clientIdSecrets/{clientId}</c> (204; 404 when unknown) and <c>GET {prefix}/roles</c>.
    /// Callers must be authenticated (401 otherwise) and hold <c>org-token-read</c> to read or <c>org-token-write</c>
    /// to change (403 with a ProblemDetails naming the missing permission otherwise).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <param name="configure">Configures the authentication schemes and the body size limit; <see langword="null"/> for the defaults.</param>
    /// <returns>The route group, for further conventions (rate limiting, CORS, ...).</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty, or the options are invalid.</exception>
    public static RouteGroupBuilder MapTokenManagement(this IEndpointRouteBuilder endpoints, string prefix = "/v2", Action<TokenManagementEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var options = new TokenManagementEndpointOptions();
        configure?.Invoke(options);
        if (options.MaxRequestBodySize is < 256 or > 1024 * 1024)
        {
            throw new ArgumentException("TokenManagementEndpointOptions.MaxRequestBodySize must lie between 256 bytes and 1 MiB.", nameof(configure));
        }

        if (options.AuthenticationSchemes.Count == 0 || options.AuthenticationSchemes.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("TokenManagementEndpointOptions.AuthenticationSchemes must name at least one scheme, and no empty one.", nameof(configure));
        }

        var handlers = new TokenManagementEndpoints(options);
        AuthorizationPolicy authenticated = new AuthorizationPolicyBuilder([.. options.AuthenticationSchemes]).RequireAuthenticatedUser().Build();

        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(authenticated).WithTags("TokenSdk token management");
        group.MapPost("/clientIdSecrets", handlers.Guard(handlers.CreateAsync, writes: true)).WithName("TokenSdk.CreateClientIdSecret");
        group.MapGet("/clientIdSecrets", handlers.Guard(handlers.ListAsync, writes: false)).WithName("TokenSdk.ListClientIdSecrets");
        group.MapDelete("/clientIdSecrets/{clientId}", handlers.Guard(handlers.DeleteAsync, writes: true)).WithName("TokenSdk.DeleteClientIdSecret");
        group.MapGet("/roles", handlers.Guard(handlers.RolesAsync, writes: false)).WithName("TokenSdk.ListRoles");
        return group;
    }
}
