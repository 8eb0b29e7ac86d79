using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Management;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the token management API, shaped like the Astra DevOps API.</summary>
public static class TokenManagementEndpointRouteBuilderExtensions
{
    private const string TokensTag = "Tokens";
    private const string RolesTag = "Roles";
    private const string OrganizationTag = "Organization";

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
        group.RequireAuthorization(authenticated).WithMetadata(ManagementEndpointMetadata.Instance);
        int maxBody = options.MaxRequestBodySize;

        // Request bodies are read by the strict readers (a field given twice is refused; any Content-Type is read as
        // JSON, as the contract's curl examples send it), so they are declared, not bound: */* keeps the routing's
        // content-type check (415) from refusing what the API has always accepted.
        string[] bodyTypes = ["application/json", "*/*"];

        group.MapPost("/clientIdSecrets", (HttpContext context, CancellationToken cancellationToken) => handlers.CreateAsync(context, cancellationToken))
            .WithName("TokenSdk.CreateClientIdSecret")
            .WithTags(TokensTag)
            .WithSummary("Generate a token")
            .WithDescription(CreateDescription(maxBody))
            .Accepts<CreateTokenRequest>(bodyTypes[0], bodyTypes[1..])
            .ProducesManagementProblems(400, 401, 403, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapPost("/tokens", (HttpContext context, CancellationToken cancellationToken) => handlers.CreateAsync(context, cancellationToken))
            .WithName("TokenSdk.CreateToken")
            .WithTags(TokensTag)
            .WithSummary("Generate a token (alias of POST clientIdSecrets)")
            .WithDescription(CreateDescription(maxBody))
            .Accepts<CreateTokenRequest>(bodyTypes[0], bodyTypes[1..])
            .ProducesManagementProblems(400, 401, 403, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapGet("/clientIdSecrets", (HttpContext context, CancellationToken cancellationToken) => handlers.ListAsync(context, cancellationToken))
            .WithName("TokenSdk.ListClientIdSecrets")
            .WithTags(TokensTag)
            .WithSummary("List the organization's tokens")
            .WithDescription("Every token of the caller's organization, never a secret. Needs org-token-read.")
            .ProducesManagementProblems(401, 403, 503)
            .AddEndpointFilter(handlers.Guard(writes: false));
        group.MapDelete("/clientIdSecrets/{clientId}", (HttpContext context, string clientId, [FromQuery] string? reason, CancellationToken cancellationToken) => handlers.DeleteAsync(context, clientId, reason, cancellationToken))
            .WithName("TokenSdk.DeleteClientIdSecret")
            .WithTags(TokensTag)
            .WithSummary("Delete (revoke) a token")
            .WithDescription("Revokes a token of the caller's organization at once. Needs org-token-write. 'reason' (optional, audited): compromised, noLongerNeeded (default), roleChange or other. 409 when the deletion policy refuses (the organization's last token that can manage tokens).")
            .ProducesManagementProblems(400, 401, 403, 404, 409, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapPost("/clientIdSecrets/{clientId}/rotate", (HttpContext context, string clientId, CancellationToken cancellationToken) => handlers.RotateAsync(context, clientId, cancellationToken))
            .WithName("TokenSdk.RotateClientIdSecret")
            .WithTags(TokensTag)
            .WithSummary("Rotate a token (TokenSdk)")
            .WithDescription($"TokenSdk's own route (no Astra equivalent): replaces a token by a new one with the same roles and description (or those given); the old token stops at once or after 'gracePeriod' seconds. The response, in the create response's shape, carries the new secret once (Cache-Control: no-store). Needs org-token-write. The body is optional, at most {maxBody} bytes, read as JSON whatever its Content-Type.")
            .Accepts<RotateTokenRequest>(isOptional: true, bodyTypes[0], bodyTypes[1..])
            .ProducesManagementProblems(400, 401, 403, 404, 409, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapGet("/organizations/roles", (HttpContext context, CancellationToken cancellationToken) => handlers.OrganizationRolesAsync(context, cancellationToken))
            .WithName("TokenSdk.ListOrganizationRoles")
            .WithTags(RolesTag)
            .WithSummary("List the organization's roles")
            .WithDescription("Every role the caller's organization can use (default, configured and its own custom roles), in the DevOps API's shape. Needs org-token-read or org-role-read.")
            .ProducesManagementProblems(401, 403, 503)
            .AddEndpointFilter(handlers.Guard(writes: false));
        group.MapGet("/organizations/roles/{roleId}", (HttpContext context, string roleId, CancellationToken cancellationToken) => handlers.OrganizationRoleAsync(context, roleId, cancellationToken))
            .WithName("TokenSdk.GetOrganizationRole")
            .WithTags(RolesTag)
            .WithSummary("Get a role")
            .WithDescription("One role of the caller's organization by id or else by name (case-insensitive), with its ETag when it can change (a custom role). Needs org-token-read or org-role-read.")
            .ProducesManagementProblems(401, 403, 404, 503)
            .AddEndpointFilter(handlers.Guard(writes: false));
        group.MapPost("/organizations/roles", (HttpContext context, CancellationToken cancellationToken) => handlers.CreateRoleAsync(context, cancellationToken))
            .WithName("TokenSdk.CreateOrganizationRole")
            .WithTags(RolesTag)
            .WithSummary("Create a custom role")
            .WithDescription($"Creates a custom role of the caller's organization: 201 with the role, its Location and its ETag. Needs org-role-write and every permission the role grants on every resource it covers. The body, at most {maxBody} bytes, is read strictly (unknown or repeated fields refused).")
            .Accepts<RoleDefinitionRequest>(bodyTypes[0], bodyTypes[1..])
            .ProducesManagementProblems(400, 401, 403, 409, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapPut("/organizations/roles/{roleId}", (HttpContext context, string roleId, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) => handlers.UpdateRoleAsync(context, roleId, ifMatch, cancellationToken))
            .WithName("TokenSdk.UpdateOrganizationRole")
            .WithTags(RolesTag)
            .WithSummary("Replace a custom role")
            .WithDescription("Replaces the name and policy of a custom role (fields left out are emptied): 200 with the role and its new ETag. With If-Match: \"<version>\" (the ETag) only that version is changed, 412 otherwise; without, the last writer wins. Needs org-role-write.")
            .Accepts<RoleDefinitionRequest>(bodyTypes[0], bodyTypes[1..])
            .ProducesManagementProblems(400, 401, 403, 404, 409, 412, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapDelete("/organizations/roles/{roleId}", (HttpContext context, string roleId, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken) => handlers.DeleteRoleAsync(context, roleId, ifMatch, cancellationToken))
            .WithName("TokenSdk.DeleteOrganizationRole")
            .WithTags(RolesTag)
            .WithSummary("Delete a custom role")
            .WithDescription("Deletes a custom role that no token holds (409 with tokenCount otherwise). If-Match as for PUT. Needs org-role-delete.")
            .ProducesManagementProblems(400, 401, 403, 404, 409, 412, 503)
            .AddEndpointFilter(handlers.Guard(writes: true));
        group.MapGet("/currentOrg", (HttpContext context) => TokenManagementEndpoints.CurrentOrganization(context))
            .WithName("TokenSdk.GetCurrentOrganization")
            .WithTags(OrganizationTag)
            .WithSummary("Get the caller's organization")
            .WithDescription("The caller's organization; TokenSdk knows organizations by id only, so the name is the id. Any authenticated caller.")
            .ProducesManagementProblems(401)
            .AddEndpointFilter(handlers.Guard(writes: false));
        group.MapGet("/roles", (HttpContext context, CancellationToken cancellationToken) => handlers.RolesAsync(context, cancellationToken))
            .WithName("TokenSdk.ListRoles")
            .WithTags(RolesTag)
            .WithSummary("List roles (TokenSdk's flat shape)")
            .WithDescription("TokenSdk's own route: the roles in a flat shape (id, name, description, permissions, resources), kept for its existing clients. Needs org-token-read.")
            .ProducesManagementProblems(401, 403, 503)
            .AddEndpointFilter(handlers.Guard(writes: false));
        return group;
    }

    private static string CreateDescription(int maxBody) =>
        "Generates a token holding the roles asked for (ids or names): 200 with its details, the secret shown once " +
        "(Cache-Control: no-store). Needs org-token-write, and every permission of every role on every resource it covers " +
        $"(a token cannot have more than its creator). The body, at most {maxBody} bytes, is read as JSON whatever its " +
        "Content-Type, strictly: unknown or repeated fields are refused, and nothing sent is ever echoed.";
}
