using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Management;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the token management API, shaped like the Astra DevOps API.</summary>
public static class TokenManagementEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the token routes of the Astra DevOps API v2: <c>POST {prefix}/clientIdSecrets</c> and
    /// <c>POST {prefix}/tokens</c> (generate; 200), <c>GET {prefix}/clientIdSecrets</c> (list),
    /// <c>DELETE {prefix}/clientIdSecrets/{clientId}</c> (204; 404 when unknown; <c>?reason=</c> optional),
    /// TokenSdk's <c>POST {prefix}/clientIdSecrets/{clientId}/rotate</c> (200 with the new token), <c>GET {prefix}/organizations/roles</c>
    /// and <c>GET {prefix}/organizations/roles/{roleId}</c> (404 when unknown), the custom-role routes
    /// <c>POST {prefix}/organizations/roles</c> (201 with <c>Location</c> and <c>ETag</c>),
    /// <c>PUT {prefix}/organizations/roles/{roleId}</c> (200) and <c>DELETE {prefix}/organizations/roles/{roleId}</c> (204),
    /// both taking an optional <c>If-Match</c> (412 when the role changed), <c>GET {prefix}/currentOrg</c>, and
    /// TokenSdk's own <c>GET {prefix}/roles</c>. Callers must be authenticated (401 otherwise) and hold
    /// <c>org-token-read</c> to read tokens or <c>org-token-write</c> to change them; <c>org-token-read</c> or
    /// <c>org-role-read</c> to read roles, <c>org-role-write</c> to create or change them and <c>org-role-delete</c> to
    /// delete them (403 naming the missing permission otherwise); <c>currentOrg</c> needs only an authenticated caller.
    /// A caller sees and manages only its own organization's custom roles. Every error body is an RFC 9457 ProblemDetails with the
    /// DevOps API's <c>errors: [{"ID", "message"}]</c> member (ids listed in docs/management.md). A write that an
    /// application token did not authenticate (a cookie session of the token management page) must carry a valid
    /// antiforgery token (error 40003 otherwise); see <see cref="TokenManagementEndpointOptions.AntiforgeryExemptSchemes"/>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <param name="configure">Configures the authentication schemes and the body size limit; <see langword="null"/> for the defaults.</param>
    /// <returns>The route group, for further conventions (rate limiting, CORS, ...).</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty, or the options are invalid.</exception>
    /// <exception cref="InvalidOperationException">A scheme other than application tokens is accepted, and antiforgery is not registered.</exception>
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

        // A scheme other than application tokens may be a browser session: writes then need antiforgery tokens.
        string[] browserSchemes = [.. options.AuthenticationSchemes.Where(scheme =>
            scheme != ApplicationTokenDefaults.AuthenticationScheme && !options.AntiforgeryExemptSchemes.Contains(scheme))];
        if (browserSchemes.Length > 0 && endpoints.ServiceProvider.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException(
                $"The token management API accepts the authentication scheme '{browserSchemes[0]}', which may be a browser session (cookies): " +
                "register antiforgery (builder.Services.AddAntiforgery()) so that its writes are protected from cross-site request forgery, " +
                "or, for a scheme a browser never sends by itself (JWT bearer), list it in TokenManagementEndpointOptions.AntiforgeryExemptSchemes.");
        }

        var handlers = new TokenManagementEndpoints(options);
        AuthorizationPolicy authenticated = new AuthorizationPolicyBuilder([.. options.AuthenticationSchemes]).RequireAuthenticatedUser().Build();

        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(authenticated).WithTags("TokenSdk token management").WithMetadata(ManagementEndpointMetadata.Instance);
        group.MapPost("/clientIdSecrets", handlers.Guard(handlers.CreateAsync, writes: true)).WithName("TokenSdk.CreateClientIdSecret");
        group.MapPost("/tokens", handlers.Guard(handlers.CreateAsync, writes: true)).WithName("TokenSdk.CreateToken");
        group.MapGet("/clientIdSecrets", handlers.Guard(handlers.ListAsync, writes: false)).WithName("TokenSdk.ListClientIdSecrets");
        group.MapDelete("/clientIdSecrets/{clientId}", handlers.Guard(handlers.DeleteAsync, writes: true)).WithName("TokenSdk.DeleteClientIdSecret");
        group.MapPost("/clientIdSecrets/{clientId}/rotate", handlers.Guard(handlers.RotateAsync, writes: true)).WithName("TokenSdk.RotateClientIdSecret");
        group.MapGet("/organizations/roles", handlers.Guard(handlers.OrganizationRolesAsync, writes: false)).WithName("TokenSdk.ListOrganizationRoles");
        group.MapGet("/organizations/roles/{roleId}", handlers.Guard(handlers.OrganizationRoleAsync, writes: false)).WithName("TokenSdk.GetOrganizationRole");
        group.MapPost("/organizations/roles", handlers.Guard(handlers.CreateRoleAsync, writes: true)).WithName("TokenSdk.CreateOrganizationRole");
        group.MapPut("/organizations/roles/{roleId}", handlers.Guard(handlers.UpdateRoleAsync, writes: true)).WithName("TokenSdk.UpdateOrganizationRole");
        group.MapDelete("/organizations/roles/{roleId}", handlers.Guard(handlers.DeleteRoleAsync, writes: true)).WithName("TokenSdk.DeleteOrganizationRole");
        group.MapGet("/currentOrg", handlers.Guard(handlers.CurrentOrganizationAsync, writes: false)).WithName("TokenSdk.GetCurrentOrganization");
        group.MapGet("/roles", handlers.Guard(handlers.RolesAsync, writes: false)).WithName("TokenSdk.ListRoles");
        return group;
    }
}
