using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// The request handlers of the token management API. Each one reads its input (400, nothing done) and asks the
/// <see cref="ITokenManager"/>, which alone decides who may do what and audits every refusal; its result maps to HTTP:
/// PermissionDenied and EscalationDenied 403, NotFound 404, RoleNotFound and InvalidRequest 400, LockoutPrevented 409.
/// </summary>
internal sealed class TokenManagementEndpoints
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly int _maxRequestBodySize;
    private readonly StoreOutageLog _outage = new("management API");

    public TokenManagementEndpoints(TokenManagementEndpointOptions options)
    {
        _maxRequestBodySize = options.MaxRequestBodySize;
    }

    /// <summary>
    /// Runs <paramref name="handler"/>, answering a store outage with 503 and a ProblemDetails body instead of a bare 500,
    /// logged once per outage rather than per request. A write that succeeds ends the outage.
    /// </summary>
    /// <param name="handler">The request handler.</param>
    /// <param name="writes">Whether the handler writes to the store (only a write proves that the store can write).</param>
    public RequestDelegate Guard(RequestDelegate handler, bool writes) => async context =>
    {
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
            await Results.Problem(
                detail: "The token store cannot be used right now; nothing was changed. Try again later.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Token store unavailable").ExecuteAsync(context).ConfigureAwait(false);
        }
    };

    /// <summary><c>POST clientIdSecrets</c>: generates a token; 201 with the details, sent once and never cached.</summary>
    public async Task CreateAsync(HttpContext context)
    {
        TokenCaller caller = GetCaller(context);
        (CreateClientRequest? request, string? error) = await ReadRequestAsync(context).ConfigureAwait(false);
        if (request is null)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid request", error!).ConfigureAwait(false);
            return;
        }

        var options = new TokenGenerateOptions { Description = request.Description, OrganizationId = request.OrgId, ExpiresAt = request.TokenExpiry };
        ManagementResult<GeneratedToken> result = await Manager(context).GenerateAsync(caller, request.Roles[0], options, context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await FailureAsync(context, result).ConfigureAwait(false);
            return;
        }

        // The only response that carries a secret: no cache anywhere may keep it.
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(result.Value!.ToJson(), context.RequestAborted).ConfigureAwait(false);
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
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid request",
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

    /// <summary><c>GET roles</c>: every role a token can have, with its permissions and resources.</summary>
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

    private static ITokenManager Manager(HttpContext context) => context.RequestServices.GetRequiredService<ITokenManager>();

    private static TokenCaller GetCaller(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        string organization = services.GetRequiredService<IOptions<TokenSdkOptions>>().Value.DefaultOrganizationId;
        return TokenCaller.FromPrincipal(context.User, services.GetRequiredService<IRoleCatalog>(), organization);
    }

    private async Task<(CreateClientRequest? Request, string? Error)> ReadRequestAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, "The request body must be JSON, sent with 'Content-Type: application/json'.");
        }

        if (request.ContentLength > _maxRequestBodySize)
        {
            return (null, TooLarge());
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

            if (length > _maxRequestBodySize)
            {
                return (null, TooLarge());
            }

            if (length == 0)
            {
                return (null, "The request body is missing; send {\"roles\": [\"<role id or name>\"], \"description\": \"...\"}.");
            }

            if (!CreateClientRequest.TryParse(buffer.AsSpan(0, length), out CreateClientRequest? body, out string? error))
            {
                return (null, error);
            }

            if (body!.Roles is not [{ Length: > 0 }])
            {
                return (null, "'roles' must hold exactly one role id or name: a token has one role.");
            }

            return (body, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }

        string TooLarge() => $"The request body is larger than {_maxRequestBodySize.ToString(CultureInfo.InvariantCulture)} bytes.";
    }

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

    private static Task MissingPermissionAsync(HttpContext context, string permission) =>
        ProblemAsync(context, StatusCodes.Status403Forbidden, "Permission required", $"The caller lacks the permission '{permission}'.");

    private static Task FailureAsync(HttpContext context, ManagementResult result) => result.Status switch
    {
        ManagementStatus.PermissionDenied => result.MissingPermission is { } permission
            ? MissingPermissionAsync(context, permission)
            : ProblemAsync(context, StatusCodes.Status403Forbidden, "Permission required", result.Message ?? "The caller may not do this."),
        ManagementStatus.EscalationDenied => ProblemAsync(context, StatusCodes.Status403Forbidden, "Privilege escalation refused",
            $"The role grants the permission '{result.MissingPermission}', which the caller does not hold on every resource the role covers; a token cannot have more than its creator."),
        ManagementStatus.NotFound => ProblemAsync(context, StatusCodes.Status404NotFound, "Not found", result.Message ?? "No such token."),
        ManagementStatus.RoleNotFound => ProblemAsync(context, StatusCodes.Status400BadRequest, "Unknown role", result.Message ?? "No such role."),
        ManagementStatus.LockoutPrevented => ProblemAsync(context, StatusCodes.Status409Conflict, "Deletion refused", result.Message ?? "The deletion policy refused."),
        _ => ProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid request", result.Message ?? "The request is not valid."),
    };

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenSdk.AspNetCore.Management");

    private static async Task ProblemAsync(HttpContext context, int statusCode, string title, string detail)
    {
        ILogger logger = Logger(context);
        // The route pattern, not the path: a token pasted where a client id belongs must not reach the log.
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unknown route)";
        Log.ManagementRequestRejected(logger, context.Request.Method, route, statusCode, detail);
        await Results.Problem(detail: detail, statusCode: statusCode, title: title).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
