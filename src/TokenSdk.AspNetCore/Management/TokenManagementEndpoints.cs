using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// The request handlers of the token and role management API, following the Astra DevOps API v2 contract. Each one
/// reads its input (400, nothing done) and asks the <see cref="ITokenManager"/> or the <see cref="IRoleManager"/>, which
/// alone decide who may do what and audit every refusal. A token result maps to HTTP as PermissionDenied and
/// EscalationDenied 403, NotFound 404, RoleNotFound and InvalidRequest 400, LockoutPrevented 409; a role result as
/// PermissionDenied, EscalationDenied and RoleReadOnly 403, RoleNotFound 404, InvalidRequest 400, Conflict and
/// RoleInUse 409, PreconditionFailed 412. Every error body is a <see cref="ManagementProblem"/>.
/// </summary>
/// <remarks>
/// The handlers are typed: each returns the results it can answer (<see cref="ManagementOk{T}"/>,
/// <see cref="ManagementCreated{T}"/>, <see cref="NoContent"/>, <see cref="ManagementProblemResult"/>), whose bodies
/// are the types of ManagementContracts.cs written with <see cref="ManagementJsonContext"/>, so the endpoints describe
/// themselves to ApiExplorer and OpenAPI. Request bodies are read by the strict readers, not bound.
/// </remarks>
internal sealed class TokenManagementEndpoints
{
    private readonly int _maxRequestBodySize;
    private readonly string[] _antiforgeryExemptSchemes;
    private readonly StoreOutageLog _outage = new("management API");

    public TokenManagementEndpoints(TokenManagementEndpointOptions options)
    {
        _maxRequestBodySize = options.MaxRequestBodySize;
        _antiforgeryExemptSchemes = [.. options.AntiforgeryExemptSchemes];
    }

    /// <summary>
    /// The filter around every handler: a write from a browser session must carry an antiforgery token (checked before
    /// the body is read); a store outage is answered with 503 and a ProblemDetails body instead of a bare 500, logged
    /// once per outage rather than per request. A write that succeeds ends the outage.
    /// </summary>
    /// <param name="writes">Whether the handler writes to the store (only a write proves that the store can write).</param>
    public IEndpointFilter Guard(bool writes) => new GuardFilter(this, writes);

    private sealed class GuardFilter(TokenManagementEndpoints endpoints, bool writes) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
        {
            HttpContext context = invocation.HttpContext;
            if (writes && !await endpoints.PassesAntiforgeryAsync(context).ConfigureAwait(false))
            {
                return Problem(ManagementError.AntiforgeryRequired,
                    "This change came from a browser session without a valid antiforgery token; reload the page and try again, or authenticate with an application token.");
            }

            try
            {
                object? result = await next(invocation).ConfigureAwait(false);
                if (writes && StatusOf(result) is >= 200 and < 300)
                {
                    endpoints._outage.Succeeded(Logger(context));
                }

                return result;
            }
            catch (TokenStoreException ex) when (!context.Response.HasStarted)
            {
                endpoints._outage.Failed(Logger(context), ex, ex.Message);
                context.Response.Headers.RetryAfter = "5";
                return new ManagementProblemResult(ManagementError.StoreUnavailable,
                    "The token store cannot be used right now; nothing was changed. Try again later.", log: false);
            }
        }

        private static int? StatusOf(object? result) => result switch
        {
            INestedHttpResult nested => StatusOf(nested.Result),
            IStatusCodeHttpResult coded => coded.StatusCode,
            _ => null,
        };
    }

    /// <summary>
    /// <c>POST clientIdSecrets</c> and <c>POST tokens</c>: generates a token of the 1 to
    /// <see cref="TokenGenerationRequest.MaxRoles"/> roles of <c>roles</c> (each by id or name); 200 with the details,
    /// every role id in the order asked, sent once and never cached. The body (<see cref="CreateTokenRequest"/>) is read
    /// as JSON whatever its <c>Content-Type</c> (none, <c>text/plain</c>, or the <c>application/x-www-form-urlencoded</c>
    /// of <c>curl -d</c>), as the contract's curl examples send it.
    /// </summary>
    public async Task<Results<ManagementOk<GeneratedTokenResponse>, ManagementProblemResult>> CreateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        (CreateClientRequest? request, ManagementError? error, string? detail) = await ReadRequestAsync(context).ConfigureAwait(false);
        if (request is null)
        {
            return Problem(error!, detail!);
        }

        var options = new TokenGenerateOptions { Description = request.Description, OrganizationId = request.OrgId, ExpiresAt = request.TokenExpiry };
        ManagementResult<GeneratedToken> result = await Manager(context).GenerateAsync(caller, request.Roles, options, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? Generated(result.Value!) : CreateFailure(context, caller, request.Roles, result);
    }

    // The only responses that carry a secret: no cache anywhere may keep them.
    private static ManagementOk<GeneratedTokenResponse> Generated(GeneratedToken details) =>
        new(AstraRoleJson.ToResponse(details), ManagementJsonContext.Default.GeneratedTokenResponse) { NoStore = true };

    /// <summary><c>GET clientIdSecrets</c>: every token of the caller's organization; never a secret.</summary>
    public async Task<Results<ManagementOk<TokenListResponse>, ManagementProblemResult>> ListAsync(HttpContext context, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        ManagementResult<IReadOnlyList<TokenInfo>> listed = await Manager(context).ListAllAsync(caller, cancellationToken).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            return Failure(listed);
        }

        var response = new TokenListResponse { Clients = [.. listed.Value!.Select(AstraRoleJson.ToListEntry)] };
        return new ManagementOk<TokenListResponse>(response, ManagementJsonContext.Default.TokenListResponse);
    }

    /// <summary><c>DELETE clientIdSecrets/{clientId}</c>: 204, or 404 for a token the caller's organization does not have.</summary>
    public async Task<Results<NoContent, ManagementProblemResult>> DeleteAsync(HttpContext context, string clientId, string? reason, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        DeletionReason parsedReason = DeletionReason.NoLongerNeeded;
        if (reason is not null && !TryParseReason(reason, out parsedReason))
        {
            return Problem(ManagementError.InvalidRequest, "The reason must be one of compromised, noLongerNeeded, roleChange or other.");
        }

        ManagementResult result = await Manager(context).DeleteAsync(caller, clientId, parsedReason, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? TypedResults.NoContent() : Failure(result);
    }

    /// <summary>
    /// TokenSdk's <c>POST clientIdSecrets/{clientId}/rotate</c> (no Astra equivalent): replaces a token by a new one
    /// with the same roles (or <c>roles</c>) and description (or <c>description</c>); the old one stops at once or
    /// after <c>gracePeriod</c> seconds (<see cref="RotateTokenRequest"/>, optional). 200 with the new token's details
    /// in the create response's shape, sent once.
    /// </summary>
    public async Task<Results<ManagementOk<GeneratedTokenResponse>, ManagementProblemResult>> RotateAsync(HttpContext context, string clientId, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        (byte[]? body, string? bodyError) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return Problem(ManagementError.InvalidRequest, bodyError!);
        }

        RotateClientRequest? request = RotateClientRequest.Empty;
        string? error = null;
        bool parsed = body.Length == 0 || RotateClientRequest.TryParse(body, out request, out error);
        Array.Clear(body);
        if (!parsed)
        {
            return Problem(ManagementError.InvalidRequest, error!);
        }

        if (request!.Roles is { } roles && CheckRoles(roles, out ManagementError? rolesError) is { } rolesDetail)
        {
            return Problem(rolesError!, rolesDetail);
        }

        var options = new TokenRotateOptions { GracePeriod = request.GracePeriod, Description = request.Description, Roles = request.Roles };
        ManagementResult<GeneratedToken> result = await Manager(context).RotateAsync(caller, clientId, options, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return request.Roles is { } asked ? CreateFailure(context, caller, asked, result) : Failure(result);
        }

        return Generated(result.Value!);
    }

    /// <summary><c>GET roles</c>: TokenSdk's own flat shape (<c>id, name, description, permissions, resources</c>), kept for its existing clients.</summary>
    public async Task<Results<ManagementOk<TokenSdkRoleResponse[]>, ManagementProblemResult>> RolesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ManagementResult<IReadOnlyList<Role>> listed = await Manager(context).ListRolesAsync(GetCaller(context), cancellationToken).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            return Failure(listed);
        }

        TokenSdkRoleResponse[] roles = [.. listed.Value!.Select(AstraRoleJson.ToFlatResponse)];
        return new ManagementOk<TokenSdkRoleResponse[]>(roles, ManagementJsonContext.Default.TokenSdkRoleResponseArray);
    }

    /// <summary>
    /// <c>GET organizations/roles</c>: every role the caller's organization can use (default, configured, and its own
    /// custom roles; never another organization's), in the DevOps API's shape (<see cref="AstraRoleJson"/>). Needs
    /// <c>org-token-read</c> (which lets whoever chooses a token's role see it first, as the Terraform provider does)
    /// or <c>org-role-read</c>.
    /// </summary>
    public async Task<Results<ManagementOk<OrganizationRoleResponse[]>, ManagementProblemResult>> OrganizationRolesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        ManagementResult<IReadOnlyList<Role>> listed = await RoleManager(context).ListAsync(caller, cancellationToken).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            return RoleFailure(listed);
        }

        OrganizationRoleResponse[] roles = AstraRoleJson.ToResponses(listed.Value!, caller.OrganizationId);
        return new ManagementOk<OrganizationRoleResponse[]>(roles, ManagementJsonContext.Default.OrganizationRoleResponseArray);
    }

    /// <summary>
    /// <c>GET organizations/roles/{roleId}</c>: one role of the caller's organization by id or else by name (both
    /// case-insensitive), in the DevOps API's shape, with its <c>ETag</c> when it can change; 404 when none matches
    /// (another organization's role too). Authorized (and a refusal audited) as the role listing.
    /// </summary>
    public async Task<Results<ManagementOk<OrganizationRoleResponse>, ManagementProblemResult>> OrganizationRoleAsync(HttpContext context, string roleId, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        ManagementResult<Role> found = await RoleManager(context).GetAsync(caller, roleId, cancellationToken).ConfigureAwait(false);
        return found.Succeeded ? RoleOk(found.Value!, caller.OrganizationId) : RoleFailure(found);
    }

    /// <summary>
    /// <c>POST organizations/roles</c>: creates a custom role of the caller's organization from
    /// <c>{"name", "policy": {"description"?, "resources"?, "actions", "effect"?}}</c> (<see cref="RoleRequest"/>);
    /// 201 with the role, <c>Location</c> and <c>ETag</c>. Needs <c>org-role-write</c>, and every permission the role
    /// grants on every resource it covers.
    /// </summary>
    public async Task<Results<ManagementCreated<OrganizationRoleResponse>, ManagementProblemResult>> CreateRoleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        (RoleRequest? request, ManagementProblemResult? refused) = await ReadRoleRequestAsync(context, caller).ConfigureAwait(false);
        if (request is null)
        {
            return refused!;
        }

        ManagementResult<Role> created = await RoleManager(context).CreateAsync(caller, request.ToDefinition(), cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return RoleFailure(created);
        }

        Role role = created.Value!;
        string collection = (context.Request.PathBase + context.Request.Path).Value!.TrimEnd('/');
        return new ManagementCreated<OrganizationRoleResponse>(
            collection + "/" + Uri.EscapeDataString(role.Id),
            AstraRoleJson.ToResponse(role, caller.OrganizationId),
            ManagementJsonContext.Default.OrganizationRoleResponse)
        {
            ETag = AstraRoleJson.ETag(role),
        };
    }

    /// <summary>
    /// <c>PUT organizations/roles/{roleId}</c>: replaces the name and policy of a custom role of the caller's
    /// organization (fields left out are emptied, not kept); 200 with the role and its new <c>ETag</c>. With
    /// <c>If-Match: "&lt;version&gt;"</c> only that version is changed (412 otherwise); without, the last writer wins.
    /// </summary>
    public async Task<Results<ManagementOk<OrganizationRoleResponse>, ManagementProblemResult>> UpdateRoleAsync(HttpContext context, string roleId, string? ifMatch, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        if (!TryReadIfMatch(ifMatch, out long? expectedVersion, out string? ifMatchError))
        {
            return Problem(ManagementError.InvalidRequest, ifMatchError!);
        }

        (RoleRequest? request, ManagementProblemResult? refused) = await ReadRoleRequestAsync(context, caller).ConfigureAwait(false);
        if (request is null)
        {
            return refused!;
        }

        ManagementResult<Role> updated = await RoleManager(context).UpdateAsync(caller, roleId, request.ToDefinition(), expectedVersion, cancellationToken).ConfigureAwait(false);
        return updated.Succeeded ? RoleOk(updated.Value!, caller.OrganizationId) : RoleFailure(updated);
    }

    /// <summary>
    /// <c>DELETE organizations/roles/{roleId}</c>: deletes a custom role of the caller's organization that no token
    /// holds; 204. Needs <c>org-role-delete</c>. <c>If-Match</c> as for <see cref="UpdateRoleAsync"/>.
    /// </summary>
    public async Task<Results<NoContent, ManagementProblemResult>> DeleteRoleAsync(HttpContext context, string roleId, string? ifMatch, CancellationToken cancellationToken)
    {
        TokenCaller caller = GetCaller(context);
        if (!TryReadIfMatch(ifMatch, out long? expectedVersion, out string? ifMatchError))
        {
            return Problem(ManagementError.InvalidRequest, ifMatchError!);
        }

        ManagementResult deleted = await RoleManager(context).DeleteAsync(caller, roleId, expectedVersion, cancellationToken).ConfigureAwait(false);
        return deleted.Succeeded ? TypedResults.NoContent() : RoleFailure(deleted);
    }

    /// <summary>
    /// <c>GET currentOrg</c>: the caller's organization, <c>{"id", "name"}</c> (TokenSdk knows organizations by id
    /// only, so the name is the id). Any authenticated caller may read its own organization.
    /// </summary>
    public static ManagementOk<CurrentOrganizationResponse> CurrentOrganization(HttpContext context)
    {
        string organization = GetCaller(context).OrganizationId;
        return new(new CurrentOrganizationResponse { Id = organization, Name = organization }, ManagementJsonContext.Default.CurrentOrganizationResponse);
    }

    private static ManagementOk<OrganizationRoleResponse> RoleOk(Role role, string organizationId) =>
        new(AstraRoleJson.ToResponse(role, organizationId), ManagementJsonContext.Default.OrganizationRoleResponse) { ETag = AstraRoleJson.ETag(role) };

    private static ManagementProblemResult Problem(ManagementError error, string detail, int? tokenCount = null) => new(error, detail, tokenCount);

    /// <summary>
    /// Whether a write may go on: an application token authenticated it (a browser never sends one by itself), or an
    /// exempt scheme did, or it carries a valid antiforgery token. A cookie session alone is not enough: a page of
    /// another site can make the browser send the cookie, with a body this API reads as JSON whatever its type.
    /// </summary>
    private async Task<bool> PassesAntiforgeryAsync(HttpContext context)
    {
        if (context.Features.Get<ApplicationTokenAuthenticatedFeature>() is not null)
        {
            return true;
        }

        foreach (string scheme in _antiforgeryExemptSchemes)
        {
            if ((await context.AuthenticateAsync(scheme).ConfigureAwait(false)).Succeeded)
            {
                return true;
            }
        }

        IAntiforgery? antiforgery = context.RequestServices.GetService<IAntiforgery>();
        return antiforgery is not null && await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false);
    }

    private static ITokenManager Manager(HttpContext context) => context.RequestServices.GetRequiredService<ITokenManager>();

    private static IRoleManager RoleManager(HttpContext context) => context.RequestServices.GetRequiredService<IRoleManager>();

    /// <summary>
    /// Reads and checks a role body (<see cref="RoleRequest"/>): the body alone, before the manager authorizes anything,
    /// as for tokens. On a refusal the response is written and <see langword="null"/> returned.
    /// </summary>
    private async Task<(RoleRequest? Request, ManagementProblemResult? Refused)> ReadRoleRequestAsync(HttpContext context, TokenCaller caller)
    {
        (byte[]? body, string? bodyError) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return (null, Problem(ManagementError.InvalidRequest, bodyError!));
        }

        RoleRequest? request = null;
        string? error;
        try
        {
            error = body.Length == 0 ? RoleRequest.MissingBody : RoleRequest.TryParse(body, out request, out error) ? null : error;
        }
        finally
        {
            Array.Clear(body);
        }

        if (request is null)
        {
            return (null, Problem(ManagementError.InvalidRequest, error!));
        }

        TokenSdkOptions options = context.RequestServices.GetRequiredService<IOptions<TokenSdkOptions>>().Value;
        var known = new HashSet<string>(Permissions.All, StringComparer.Ordinal);
        known.UnionWith(options.CustomPermissions);
        return request.Validate(known, caller.OrganizationId) is { } invalid
            ? (null, Problem(ManagementError.InvalidRole, invalid))
            : (request, null);
    }

    /// <summary>
    /// Reads <c>If-Match</c>: none or <c>*</c> is any version (the last writer wins); one strong entity tag as a role's
    /// <c>ETag</c> gives it (<c>"3"</c>) is that version. Anything else (a weak tag, which never matches; a list; a tag
    /// this API never gave) is refused, saying why.
    /// </summary>
    /// <param name="ifMatch">The header's values, joined by commas; <see langword="null"/> when there is none.</param>
    /// <param name="version">The version asked for, or <see langword="null"/> for any.</param>
    /// <param name="error">Why the header is refused.</param>
    private static bool TryReadIfMatch(string? ifMatch, out long? version, out string? error)
    {
        version = null;
        error = null;
        if (ifMatch is null)
        {
            return true;
        }

        string text = ifMatch.Trim();
        if (text == "*")
        {
            return true;
        }

        if (text.Length > 2 && text.Length <= 21 && text[0] == '"' && text[^1] == '"'
            && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) && parsed > 0)
        {
            version = parsed;
            return true;
        }

        error = "'If-Match' must be one strong entity tag as the role's ETag gives it (e.g. \"3\"), or *; a weak tag (W/) never matches.";
        return false;
    }

    /// <summary>
    /// Answers a refusal of the <see cref="IRoleManager"/>: PermissionDenied and EscalationDenied 403 (as for tokens),
    /// RoleReadOnly 403, RoleNotFound 404, InvalidRequest 400, Conflict and RoleInUse 409, PreconditionFailed 412. No
    /// message quotes the request: role ids and names are not echoed.
    /// </summary>
    private static ManagementProblemResult RoleFailure(ManagementResult result)
    {
        switch (result.Status)
        {
            case ManagementStatus.PermissionDenied when result.MissingPermission == Permissions.OrgRoleRead:
                return Problem(ManagementError.PermissionRequired,
                    $"The caller lacks the permission '{Permissions.OrgRoleRead}' (or '{Permissions.OrgTokenRead}') needed to read roles.");
            case ManagementStatus.PermissionDenied when result.MissingPermission is { } permission:
                return Problem(ManagementError.PermissionRequired, $"The caller lacks the permission '{permission}'.");
            case ManagementStatus.EscalationDenied:
                return Problem(ManagementError.EscalationRefused,
                    $"The role would grant the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a role cannot grant more than its creator holds.");
            case ManagementStatus.RoleReadOnly:
                return Problem(ManagementError.RoleReadOnly, result.Message ?? "The role is read-only.");
            case ManagementStatus.RoleNotFound:
                // The value is not echoed: a credential pasted into the path must not come back, nor reach the log.
                return Problem(ManagementError.RoleNotFound, "No role of the caller's organization has this id or name.");
            case ManagementStatus.Conflict:
                return Problem(ManagementError.RoleNameTaken,
                    "'name' is taken: another role of the organization, or a default or configured role, has this name (names compare case-insensitively).");
            case ManagementStatus.RoleInUse:
                int count = result.TokenCount;
                return Problem(ManagementError.RoleInUse,
                    $"The role is held by {Number(count)} token{(count == 1 ? "" : "s")}; delete {(count == 1 ? "it" : "them")}, or rotate {(count == 1 ? "it" : "them")} to another role, first (expired tokens count until they are purged). Nothing was deleted.",
                    count);
            case ManagementStatus.PreconditionFailed:
                return Problem(ManagementError.RoleChanged,
                    "The role has changed since the version If-Match names; nothing was changed. Read it again (its ETag is its current version) and retry.");
            case ManagementStatus.InvalidRequest:
                return Problem(ManagementError.InvalidRequest, result.Message ?? "The request is not valid.");
            default:
                return Failure(result);
        }
    }

    private static TokenCaller GetCaller(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        string organization = services.GetRequiredService<IOptions<TokenSdkOptions>>().Value.DefaultOrganizationId;
        return TokenCaller.FromPrincipal(context.User, services.GetRequiredService<IRoleCatalog>(), organization);
    }

    private async Task<(CreateClientRequest? Request, ManagementError? Error, string? Detail)> ReadRequestAsync(HttpContext context)
    {
        (byte[]? body, string? bodyError) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return (null, ManagementError.InvalidRequest, bodyError);
        }

        try
        {
            if (body.Length == 0)
            {
                return (null, ManagementError.InvalidRequest, "The request body is missing; send {\"roles\": [\"<role id or name>\", ...], \"description\": \"...\"}.");
            }

            // Whatever the Content-Type: the contract's curl examples send JSON with none, or with curl -d's form type.
            if (!CreateClientRequest.TryParse(body, out CreateClientRequest? request, out string? error))
            {
                return (null, ManagementError.InvalidRequest, error);
            }

            string? rolesError = CheckRoles(request!.Roles, out ManagementError? rolesErrorKind);
            return rolesError is null ? (request, null, null) : (null, rolesErrorKind, rolesError);
        }
        finally
        {
            Array.Clear(body);
        }
    }

    /// <summary>
    /// Reads the whole request body, up to the size limit (an empty array when there is none); the error says why not.
    /// The caller clears the array after use (it may hold a description or other input).
    /// </summary>
    private async Task<(byte[]? Body, string? Error)> ReadBodyAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string tooLarge = $"The request body is larger than {_maxRequestBodySize.ToString(CultureInfo.InvariantCulture)} bytes.";
        if (request.ContentLength > _maxRequestBodySize)
        {
            return (null, tooLarge);
        }

        // Read at most one byte more than allowed: enough to tell an oversized body, whatever Content-Length said.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_maxRequestBodySize + 1);
        try
        {
            int length = 0;
            int read;
            while (length <= _maxRequestBodySize
                && (read = await request.Body.ReadAsync(buffer.AsMemory(length, _maxRequestBodySize + 1 - length), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return length > _maxRequestBodySize ? (null, tooLarge) : (buffer.AsSpan(0, length).ToArray(), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>
    /// What can be told of <c>roles</c> without the catalog (and so before the manager authorizes anything): 1 to
    /// <see cref="TokenGenerationRequest.MaxRoles"/> entries, none empty, none written twice (ids and names compare
    /// case-insensitively, so two spellings differing only in case are the same role or both unknown). Entries are
    /// named by position, never echoed: a credential pasted there must not come back.
    /// </summary>
    private static string? CheckRoles(IReadOnlyList<string> roles, out ManagementError? error)
    {
        error = ManagementError.InvalidRequest;
        if (roles.Count == 0)
        {
            return "'roles' is required: give one or more role ids or names, e.g. {\"roles\": [\"read-only-user\"]}.";
        }

        if (roles.Count > TokenGenerationRequest.MaxRoles)
        {
            error = ManagementError.RoleListRefused;
            return $"'roles' holds {Number(roles.Count)} roles; a token holds at most {Number(TokenGenerationRequest.MaxRoles)}.";
        }

        for (int i = 0; i < roles.Count; i++)
        {
            if (roles[i].Length == 0)
            {
                return roles.Count == 1 ? "'roles' holds an empty role id or name." : $"'roles' holds an empty role id or name (entry {Number(i + 1)}).";
            }

            for (int j = 0; j < i; j++)
            {
                if (string.Equals(roles[j], roles[i], StringComparison.OrdinalIgnoreCase))
                {
                    error = ManagementError.RoleListRefused;
                    return $"'roles' names the same role twice (entries {Number(j + 1)} and {Number(i + 1)}); give each role once.";
                }
            }
        }

        error = null;
        return null;
    }

    /// <summary>
    /// Answers a refused create. The manager names the refused role in its audit, not in its result; the requested
    /// roles are looked up again here (after the manager decided, so nothing is told before it authorized the caller)
    /// to name the role the caller cannot grant, or the role given twice (by id and by name, say).
    /// </summary>
    private static ManagementProblemResult CreateFailure(HttpContext context, TokenCaller caller, IReadOnlyList<string> requested, ManagementResult result)
    {
        if (result.Status is not (ManagementStatus.EscalationDenied or ManagementStatus.InvalidRequest))
        {
            return Failure(result);
        }

        IRoleCatalog catalog = context.RequestServices.GetRequiredService<IRoleCatalog>();
        var roles = new Role?[requested.Count];
        for (int i = 0; i < roles.Length; i++)
        {
            roles[i] = catalog.FindRole(requested[i], caller.OrganizationId);
        }

        if (result.Status == ManagementStatus.EscalationDenied)
        {
            // The caller's roles come from the same catalog (TokenCaller.FromPrincipal), so this finds the role the manager refused.
            Role? refused = Array.Find(roles, r => r is not null && caller.FindEscalation(r) is not null);
            return refused is null
                ? Failure(result)
                : Problem(ManagementError.EscalationRefused,
                    $"The role '{refused.Name}' grants the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a token cannot have more than its creator.");
        }

        for (int i = 1; i < roles.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (roles[i] is { } role && roles[j] is { } earlier && string.Equals(role.Id, earlier.Id, StringComparison.OrdinalIgnoreCase))
                {
                    return Problem(ManagementError.RoleListRefused,
                        $"'roles' names the role '{role.Name}' twice (entries {Number(j + 1)} and {Number(i + 1)}); give each role once.");
                }
            }
        }

        return Failure(result);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseReason(string text, out DeletionReason reason)
    {
        reason = DeletionReason.NoLongerNeeded;
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]) || !Enum.TryParse(text, ignoreCase: true, out DeletionReason parsed))
        {
            return false;
        }

        if (parsed is DeletionReason.Compromised or DeletionReason.NoLongerNeeded or DeletionReason.RoleChange or DeletionReason.Other)
        {
            reason = parsed;
            return true;
        }

        return false;
    }

    private static ManagementProblemResult Failure(ManagementResult result) => result.Status switch
    {
        ManagementStatus.PermissionDenied => result.MissingPermission is { } permission
            ? Problem(ManagementError.PermissionRequired, $"The caller lacks the permission '{permission}'.")
            : Problem(ManagementError.Refused, result.Message ?? "The caller may not do this."),
        ManagementStatus.EscalationDenied => Problem(ManagementError.EscalationRefused,
            $"A role asked for grants the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a token cannot have more than its creator."),
        ManagementStatus.NotFound => Problem(ManagementError.TokenNotFound, result.Message ?? "No such token."),
        ManagementStatus.RoleNotFound => Problem(ManagementError.UnknownRole, result.Message ?? "No such role."),
        ManagementStatus.LockoutPrevented => Problem(ManagementError.DeletionRefused, result.Message ?? "The deletion policy refused."),
        _ => Problem(ManagementError.InvalidRequest, result.Message ?? "The request is not valid."),
    };

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenSdk.AspNetCore.Management");
}
