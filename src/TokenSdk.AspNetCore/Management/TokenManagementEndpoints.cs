using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
internal sealed class TokenManagementEndpoints
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly int _maxRequestBodySize;
    private readonly string[] _antiforgeryExemptSchemes;
    private readonly StoreOutageLog _outage = new("management API");

    public TokenManagementEndpoints(TokenManagementEndpointOptions options)
    {
        _maxRequestBodySize = options.MaxRequestBodySize;
        _antiforgeryExemptSchemes = [.. options.AntiforgeryExemptSchemes];
    }

    /// <summary>
    /// Runs <paramref name="handler"/>, answering a store outage with 503 and a ProblemDetails body instead of a bare 500,
    /// logged once per outage rather than per request. A write that succeeds ends the outage.
    /// </summary>
    /// <param name="handler">The request handler.</param>
    /// <param name="writes">Whether the handler writes to the store (only a write proves that the store can write).</param>
    public RequestDelegate Guard(RequestDelegate handler, bool writes) => async context =>
    {
        if (writes && !await PassesAntiforgeryAsync(context).ConfigureAwait(false))
        {
            await ProblemAsync(context, ManagementError.AntiforgeryRequired,
                "This change came from a browser session without a valid antiforgery token; reload the page and try again, or authenticate with an application token.").ConfigureAwait(false);
            return;
        }

        try
        {
            await handler(context).ConfigureAwait(false);
            if (writes && context.Response.StatusCode is >= 200 and < 300)
            {
                _outage.Succeeded(Logger(context));
            }
        }
        catch (TokenStoreException ex) when (!context.Response.HasStarted)
        {
            _outage.Failed(Logger(context), ex, ex.Message);
            context.Response.Headers.RetryAfter = "5";
            await ManagementProblem.WriteAsync(context, ManagementError.StoreUnavailable,
                "The token store cannot be used right now; nothing was changed. Try again later.").ConfigureAwait(false);
        }
    };

    /// <summary>
    /// <c>POST clientIdSecrets</c> and <c>POST tokens</c>: generates a token of the 1 to
    /// <see cref="TokenGenerationRequest.MaxRoles"/> roles of <c>roles</c> (each by id or name); 200 with the details,
    /// every role id in the order asked, sent once and never cached. The body is read as JSON whatever its
    /// <c>Content-Type</c> (none, <c>text/plain</c>, or the <c>application/x-www-form-urlencoded</c> of <c>curl -d</c>),
    /// as the contract's curl examples send it.
    /// </summary>
    public async Task CreateAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        (CreateClientRequest? request, ManagementError? error, string? detail) = await ReadRequestAsync(context).ConfigureAwait(false);
        if (request is null)
        {
            await ProblemAsync(context, error!, detail!).ConfigureAwait(false);
            return;
        }

        var options = new TokenGenerateOptions { Description = request.Description, OrganizationId = request.OrgId, ExpiresAt = request.TokenExpiry };
        ManagementResult<GeneratedToken> result = await Manager(context).GenerateAsync(caller, request.Roles, options, context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await CreateFailureAsync(context, caller, request.Roles, result).ConfigureAwait(false);
            return;
        }

        await WriteGeneratedAsync(context, result.Value!).ConfigureAwait(false);
    }

    // The only responses that carry a secret: no cache anywhere may keep them.
    private static async Task WriteGeneratedAsync(HttpContext context, GeneratedToken details)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(details.ToJson(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>GET clientIdSecrets</c>: every token of the caller's organization; never a secret.</summary>
    public async Task ListAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        ManagementResult<IReadOnlyList<TokenInfo>> listed = await Manager(context).ListAllAsync(caller, context.RequestAborted).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            await FailureAsync(context, listed).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<TokenInfo> tokens = listed.Value!;
        await WriteJsonAsync(context, json => AstraTokenJson.WriteTokenList(json, tokens)).ConfigureAwait(false);
    }

    /// <summary><c>DELETE clientIdSecrets/{clientId}</c>: 204, or 404 for a token the caller's organization does not have.</summary>
    public async Task DeleteAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        string clientId = context.Request.RouteValues["clientId"] as string ?? "";
        DeletionReason reason = DeletionReason.NoLongerNeeded;
        if (context.Request.Query.TryGetValue("reason", out var reasonText) && !TryParseReason(reasonText.ToString(), out reason))
        {
            await ProblemAsync(context, ManagementError.InvalidRequest,
                "The reason must be one of compromised, noLongerNeeded, roleChange or other.").ConfigureAwait(false);
            return;
        }

        ManagementResult result = await Manager(context).DeleteAsync(caller, clientId, reason, context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await FailureAsync(context, result).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// TokenSdk's <c>POST clientIdSecrets/{clientId}/rotate</c> (no Astra equivalent): replaces a token by a new one
    /// with the same roles (or <c>roles</c>) and description (or <c>description</c>); the old one stops at once or
    /// after <c>gracePeriod</c> seconds. 200 with the new token's details in the create response's shape, sent once.
    /// </summary>
    public async Task RotateAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        string clientId = context.Request.RouteValues["clientId"] as string ?? "";
        (byte[]? body, string? bodyError) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await ProblemAsync(context, ManagementError.InvalidRequest, bodyError!).ConfigureAwait(false);
            return;
        }

        RotateClientRequest? request = RotateClientRequest.Empty;
        string? error = null;
        bool parsed = body.Length == 0 || RotateClientRequest.TryParse(body, out request, out error);
        Array.Clear(body);
        if (!parsed)
        {
            await ProblemAsync(context, ManagementError.InvalidRequest, error!).ConfigureAwait(false);
            return;
        }

        if (request!.Roles is { } roles && CheckRoles(roles, out ManagementError? rolesError) is { } rolesDetail)
        {
            await ProblemAsync(context, rolesError!, rolesDetail).ConfigureAwait(false);
            return;
        }

        var options = new TokenRotateOptions { GracePeriod = request.GracePeriod, Description = request.Description, Roles = request.Roles };
        ManagementResult<GeneratedToken> result = await Manager(context).RotateAsync(caller, clientId, options, context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await (request.Roles is { } asked ? CreateFailureAsync(context, caller, asked, result) : FailureAsync(context, result)).ConfigureAwait(false);
            return;
        }

        await WriteGeneratedAsync(context, result.Value!).ConfigureAwait(false);
    }

    /// <summary><c>GET roles</c>: TokenSdk's own flat shape (<c>id, name, description, permissions, resources</c>), kept for its existing clients.</summary>
    public async Task RolesAsync(HttpContext context)
    {
        ManagementResult<IReadOnlyList<Role>> listed = await Manager(context).ListRolesAsync(GetCaller(context), context.RequestAborted).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            await FailureAsync(context, listed).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<Role> roles = listed.Value!;
        await WriteJsonAsync(context, json =>
        {
            json.WriteStartArray();
            foreach (Role role in roles)
            {
                json.WriteStartObject();
                json.WriteString("id", role.Id);
                json.WriteString("name", role.Name);
                json.WriteString("description", role.Description);
                json.WriteStartArray("permissions");
                foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
                {
                    json.WriteStringValue(permission);
                }

                json.WriteEndArray();
                json.WriteStartArray("resources");
                foreach (ResourceScope resource in role.Resources)
                {
                    json.WriteStringValue(resource.ToString());
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET organizations/roles</c>: every role the caller's organization can use (default, configured, and its own
    /// custom roles; never another organization's), in the DevOps API's shape (<see cref="AstraRoleJson"/>). Needs
    /// <c>org-token-read</c> (which lets whoever chooses a token's role see it first, as the Terraform provider does)
    /// or <c>org-role-read</c>.
    /// </summary>
    public async Task OrganizationRolesAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        ManagementResult<IReadOnlyList<Role>> listed = await RoleManager(context).ListAsync(caller, context.RequestAborted).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            await RoleFailureAsync(context, listed).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<Role> roles = listed.Value!;
        await WriteJsonAsync(context, json => AstraRoleJson.WriteRoles(json, roles, caller.OrganizationId)).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET organizations/roles/{roleId}</c>: one role of the caller's organization by id or else by name (both
    /// case-insensitive), in the DevOps API's shape, with its <c>ETag</c> when it can change; 404 when none matches
    /// (another organization's role too). Authorized (and a refusal audited) as the role listing.
    /// </summary>
    public async Task OrganizationRoleAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        string idOrName = context.Request.RouteValues["roleId"] as string ?? "";
        ManagementResult<Role> found = await RoleManager(context).GetAsync(caller, idOrName, context.RequestAborted).ConfigureAwait(false);
        if (!found.Succeeded)
        {
            await RoleFailureAsync(context, found).ConfigureAwait(false);
            return;
        }

        await WriteRoleAsync(context, StatusCodes.Status200OK, found.Value!, caller.OrganizationId).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST organizations/roles</c>: creates a custom role of the caller's organization from
    /// <c>{"name", "policy": {"description"?, "resources"?, "actions", "effect"?}}</c> (<see cref="RoleRequest"/>);
    /// 201 with the role, <c>Location</c> and <c>ETag</c>. Needs <c>org-role-write</c>, and every permission the role
    /// grants on every resource it covers.
    /// </summary>
    public async Task CreateRoleAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        RoleRequest? request = await ReadRoleRequestAsync(context, caller).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        ManagementResult<Role> created = await RoleManager(context).CreateAsync(caller, request.ToDefinition(), context.RequestAborted).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            await RoleFailureAsync(context, created).ConfigureAwait(false);
            return;
        }

        Role role = created.Value!;
        string collection = (context.Request.PathBase + context.Request.Path).Value!.TrimEnd('/');
        context.Response.Headers.Location = collection + "/" + Uri.EscapeDataString(role.Id);
        await WriteRoleAsync(context, StatusCodes.Status201Created, role, caller.OrganizationId).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>PUT organizations/roles/{roleId}</c>: replaces the name and policy of a custom role of the caller's
    /// organization (fields left out are emptied, not kept); 200 with the role and its new <c>ETag</c>. With
    /// <c>If-Match: "&lt;version&gt;"</c> only that version is changed (412 otherwise); without, the last writer wins.
    /// </summary>
    public async Task UpdateRoleAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        string roleId = context.Request.RouteValues["roleId"] as string ?? "";
        if (!TryReadIfMatch(context, out long? expectedVersion, out string? ifMatchError))
        {
            await ProblemAsync(context, ManagementError.InvalidRequest, ifMatchError!).ConfigureAwait(false);
            return;
        }

        RoleRequest? request = await ReadRoleRequestAsync(context, caller).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        ManagementResult<Role> updated = await RoleManager(context).UpdateAsync(caller, roleId, request.ToDefinition(), expectedVersion, context.RequestAborted).ConfigureAwait(false);
        if (!updated.Succeeded)
        {
            await RoleFailureAsync(context, updated).ConfigureAwait(false);
            return;
        }

        await WriteRoleAsync(context, StatusCodes.Status200OK, updated.Value!, caller.OrganizationId).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>DELETE organizations/roles/{roleId}</c>: deletes a custom role of the caller's organization that no token
    /// holds; 204. Needs <c>org-role-delete</c>. <c>If-Match</c> as for <see cref="UpdateRoleAsync"/>.
    /// </summary>
    public async Task DeleteRoleAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        string roleId = context.Request.RouteValues["roleId"] as string ?? "";
        if (!TryReadIfMatch(context, out long? expectedVersion, out string? ifMatchError))
        {
            await ProblemAsync(context, ManagementError.InvalidRequest, ifMatchError!).ConfigureAwait(false);
            return;
        }

        ManagementResult deleted = await RoleManager(context).DeleteAsync(caller, roleId, expectedVersion, context.RequestAborted).ConfigureAwait(false);
        if (!deleted.Succeeded)
        {
            await RoleFailureAsync(context, deleted).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// <c>GET currentOrg</c>: the caller's organization, <c>{"id", "name"}</c> (TokenSdk knows organizations by id
    /// only, so the name is the id). Any authenticated caller may read its own organization.
    /// </summary>
    public async Task CurrentOrganizationAsync(HttpContext context)
    {
        string organization = GetCaller(context).OrganizationId;
        await WriteJsonAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", organization);
            json.WriteString("name", organization);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

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
    private async Task<RoleRequest?> ReadRoleRequestAsync(HttpContext context, TokenCaller caller)
    {
        (byte[]? body, string? bodyError) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await ProblemAsync(context, ManagementError.InvalidRequest, bodyError!).ConfigureAwait(false);
            return null;
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
            await ProblemAsync(context, ManagementError.InvalidRequest, error!).ConfigureAwait(false);
            return null;
        }

        TokenSdkOptions options = context.RequestServices.GetRequiredService<IOptions<TokenSdkOptions>>().Value;
        var known = new HashSet<string>(Permissions.All, StringComparer.Ordinal);
        known.UnionWith(options.CustomPermissions);
        if (request.Validate(known, caller.OrganizationId) is { } invalid)
        {
            await ProblemAsync(context, ManagementError.InvalidRole, invalid).ConfigureAwait(false);
            return null;
        }

        return request;
    }

    /// <summary>
    /// Reads <c>If-Match</c>: none or <c>*</c> is any version (the last writer wins); one strong entity tag as a role's
    /// <c>ETag</c> gives it (<c>"3"</c>) is that version. Anything else (a weak tag, which never matches; a list; a tag
    /// this API never gave) is refused, saying why.
    /// </summary>
    private static bool TryReadIfMatch(HttpContext context, out long? version, out string? error)
    {
        version = null;
        error = null;
        Microsoft.Extensions.Primitives.StringValues values = context.Request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return true;
        }

        string text = string.Join(',', values.ToArray()).Trim();
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

    private static async Task WriteRoleAsync(HttpContext context, int status, Role role, string organizationId)
    {
        if (AstraRoleJson.ETag(role) is { } etag)
        {
            context.Response.Headers.ETag = etag;
        }

        await WriteJsonAsync(context, json => AstraRoleJson.WriteRole(json, role, organizationId), status).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a refusal of the <see cref="IRoleManager"/>: PermissionDenied and EscalationDenied 403 (as for tokens),
    /// RoleReadOnly 403, RoleNotFound 404, InvalidRequest 400, Conflict and RoleInUse 409, PreconditionFailed 412. No
    /// message quotes the request: role ids and names are not echoed.
    /// </summary>
    private static Task RoleFailureAsync(HttpContext context, ManagementResult result)
    {
        switch (result.Status)
        {
            case ManagementStatus.PermissionDenied when result.MissingPermission == Permissions.OrgRoleRead:
                return ProblemAsync(context, ManagementError.PermissionRequired,
                    $"The caller lacks the permission '{Permissions.OrgRoleRead}' (or '{Permissions.OrgTokenRead}') needed to read roles.");
            case ManagementStatus.PermissionDenied when result.MissingPermission is { } permission:
                return ProblemAsync(context, ManagementError.PermissionRequired, $"The caller lacks the permission '{permission}'.");
            case ManagementStatus.EscalationDenied:
                return ProblemAsync(context, ManagementError.EscalationRefused,
                    $"The role would grant the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a role cannot grant more than its creator holds.");
            case ManagementStatus.RoleReadOnly:
                return ProblemAsync(context, ManagementError.RoleReadOnly, result.Message ?? "The role is read-only.");
            case ManagementStatus.RoleNotFound:
                // The value is not echoed: a credential pasted into the path must not come back, nor reach the log.
                return ProblemAsync(context, ManagementError.RoleNotFound, "No role of the caller's organization has this id or name.");
            case ManagementStatus.Conflict:
                return ProblemAsync(context, ManagementError.RoleNameTaken,
                    "'name' is taken: another role of the organization, or a default or configured role, has this name (names compare case-insensitively).");
            case ManagementStatus.RoleInUse:
                int count = result.TokenCount;
                return ProblemAsync(context, ManagementError.RoleInUse,
                    $"The role is held by {Number(count)} token{(count == 1 ? "" : "s")}; delete {(count == 1 ? "it" : "them")}, or rotate {(count == 1 ? "it" : "them")} to another role, first (expired tokens count until they are purged). Nothing was deleted.",
                    json => json.WriteNumber("tokenCount", count));
            case ManagementStatus.PreconditionFailed:
                return ProblemAsync(context, ManagementError.RoleChanged,
                    "The role has changed since the version If-Match names; nothing was changed. Read it again (its ETag is its current version) and retry.");
            case ManagementStatus.InvalidRequest:
                return ProblemAsync(context, ManagementError.InvalidRequest, result.Message ?? "The request is not valid.");
            default:
                return FailureAsync(context, result);
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
    private static Task CreateFailureAsync(HttpContext context, TokenCaller caller, IReadOnlyList<string> requested, ManagementResult result)
    {
        if (result.Status is not (ManagementStatus.EscalationDenied or ManagementStatus.InvalidRequest))
        {
            return FailureAsync(context, result);
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
                ? FailureAsync(context, result)
                : ProblemAsync(context, ManagementError.EscalationRefused,
                    $"The role '{refused.Name}' grants the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a token cannot have more than its creator.");
        }

        for (int i = 1; i < roles.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (roles[i] is { } role && roles[j] is { } earlier && string.Equals(role.Id, earlier.Id, StringComparison.OrdinalIgnoreCase))
                {
                    return ProblemAsync(context, ManagementError.RoleListRefused,
                        $"'roles' names the role '{role.Name}' twice (entries {Number(j + 1)} and {Number(i + 1)}); give each role once.");
                }
            }
        }

        return FailureAsync(context, result);
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

    private static Task FailureAsync(HttpContext context, ManagementResult result) => result.Status switch
    {
        ManagementStatus.PermissionDenied => result.MissingPermission is { } permission
            ? ProblemAsync(context, ManagementError.PermissionRequired, $"The caller lacks the permission '{permission}'.")
            : ProblemAsync(context, ManagementError.Refused, result.Message ?? "The caller may not do this."),
        ManagementStatus.EscalationDenied => ProblemAsync(context, ManagementError.EscalationRefused,
            $"A role asked for grants the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a token cannot have more than its creator."),
        ManagementStatus.NotFound => ProblemAsync(context, ManagementError.TokenNotFound, result.Message ?? "No such token."),
        ManagementStatus.RoleNotFound => ProblemAsync(context, ManagementError.UnknownRole, result.Message ?? "No such role."),
        ManagementStatus.LockoutPrevented => ProblemAsync(context, ManagementError.DeletionRefused, result.Message ?? "The deletion policy refused."),
        _ => ProblemAsync(context, ManagementError.InvalidRequest, result.Message ?? "The request is not valid."),
    };

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenSdk.AspNetCore.Management");

    private static async Task ProblemAsync(HttpContext context, ManagementError error, string detail, Action<Utf8JsonWriter>? extensions = null)
    {
        ILogger logger = Logger(context);
        // The route pattern, not the path: a token pasted where a client id belongs must not reach the log.
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unknown route)";
        Log.ManagementRequestRejected(logger, context.Request.Method, route, error.Status, detail);
        await ManagementProblem.WriteAsync(context, error, detail, extensions).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
