using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Ui;

/// <summary>
/// The request handlers of the page: the HTML (or the no-permission page), its script and stylesheet, and the context
/// the script starts from (who calls, what they may do, the roles with their grouped permissions, the antiforgery
/// token). Every token operation goes through the management API, which alone decides and audits.
/// </summary>
internal sealed class TokenManagementPageEndpoints
{
    private const string HtmlContentType = "text/html; charset=utf-8";
    private const string JsonContentType = "application/json; charset=utf-8";

    private static readonly (string Id, string Label)[] s_deletionReasons =
    [
        ("compromised", "Compromised"),
        ("noLongerNeeded", "No longer needed"),
        ("roleChange", "Needs a different role"),
        ("other", "Other"),
    ];

    private readonly string _path;
    private readonly TokenManagementPageOptions _options;

    public TokenManagementPageEndpoints(string path, TokenManagementPageOptions options)
    {
        _path = path;
        _options = options;
    }

    /// <summary><c>GET {path}</c>: the page; 403 with a page that says why when the caller may not read tokens.</summary>
    public async Task PageAsync(HttpContext context)
    {
        PageHeaders.Apply(context.Response, noStore: true);
        bool allowed = GetCaller(context).HasPermission(Permissions.OrgTokenRead);
        string template = allowed ? PageAsset.PageTemplate : PageAsset.ForbiddenTemplate;
        string html = template
            .Replace("%BASE%", HtmlEncoder.Default.Encode(context.Request.PathBase + _path), StringComparison.Ordinal)
            .Replace("%TITLE%", HtmlEncoder.Default.Encode(_options.Title), StringComparison.Ordinal);

        context.Response.StatusCode = allowed ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
        context.Response.ContentType = HtmlContentType;
        await context.Response.WriteAsync(html, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>GET {path}/assets/*</c>: an embedded file, revalidated by its ETag (the URL carries no version).</summary>
    public static Task AssetAsync(HttpContext context, PageAsset asset)
    {
        HttpResponse response = context.Response;
        PageHeaders.Apply(response, noStore: false);
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(tag => tag.Trim() == asset.ETag)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    /// <summary><c>GET {path}/context</c>: what the script needs to draw the page, as JSON; never cached.</summary>
    public async Task ContextAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        PageHeaders.Apply(response, noStore: true);
        IServiceProvider services = context.RequestServices;
        TokenCaller caller = GetCaller(context);
        if (!caller.HasPermission(Permissions.OrgTokenRead))
        {
            await WriteJsonAsync(context, StatusCodes.Status403Forbidden, json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("errors");
                json.WriteStartObject();
                json.WriteString("message", "You don't have permission to manage tokens: it needs the permission 'org-token-read'.");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }

        AntiforgeryTokenSet antiforgery = services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        // The antiforgery service sets its own caching and framing headers when none are there; ours are stricter.
        PageHeaders.Apply(response, noStore: true);
        // The roles the caller's organization can use: never another organization's custom roles.
        IReadOnlyList<Role> roles = services.GetRequiredService<IRoleCatalog>().GetRoles(caller.OrganizationId);
        bool canWrite = caller.HasPermission(Permissions.OrgTokenWrite);
        string apiBase = context.Request.PathBase + _options.ApiPrefix;

        await WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("title", _options.Title);
            json.WriteStartObject("caller");
            json.WriteString("id", caller.Id);
            json.WriteString("organizationId", caller.OrganizationId);
            json.WriteEndObject();
            json.WriteBoolean("canRead", true);
            json.WriteBoolean("canWrite", canWrite);
            json.WriteString("apiBase", apiBase);
            if (_options.SignOutPath is { } signOut)
            {
                json.WriteString("signOutPath", context.Request.PathBase + signOut);
            }

            json.WriteStartObject("antiforgery");
            json.WriteString("headerName", antiforgery.HeaderName);
            json.WriteString("requestToken", antiforgery.RequestToken);
            json.WriteEndObject();
            WriteExpiry(json, services.GetRequiredService<IOptions<TokenSdkOptions>>().Value.Management, caller.OrganizationId);
            WriteDeletionReasons(json);
            json.WriteStartArray("roles");
            foreach (Role role in roles)
            {
                WriteRole(json, role, caller, canWrite);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteDeletionReasons(Utf8JsonWriter json)
    {
        json.WriteStartArray("deletionReasons");
        foreach ((string id, string label) in s_deletionReasons)
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("label", label);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    // Whether the person may set an expiry date, and the longest lifetime (the manager enforces both; the page only
    // leaves out a field that would be refused).
    private static void WriteExpiry(Utf8JsonWriter json, TokenManagementOptions management, string organizationId)
    {
        TimeSpan? maximum = management.MaximumLifetimeByOrganization.TryGetValue(organizationId, out TimeSpan lifetime) ? lifetime : management.MaximumLifetime;
        json.WriteStartObject("expiry");
        json.WriteBoolean("allowed", management.AllowExpiry || maximum is not null);
        if (maximum is { } max)
        {
            json.WriteNumber("maximumLifetimeSeconds", (long)max.TotalSeconds);
        }
        else
        {
            json.WriteNull("maximumLifetimeSeconds");
        }

        json.WriteEndObject();
    }

    private static void WriteRole(Utf8JsonWriter json, Role role, TokenCaller caller, bool canWrite)
    {
        json.WriteStartObject();
        json.WriteString("id", role.Id);
        json.WriteString("name", role.Name);
        json.WriteString("description", role.Description);
        json.WriteBoolean("isDefault", role.IsDefault);

        json.WriteStartArray("permissionGroups");
        ILookup<string, string> grouped = role.Permissions.Order(StringComparer.Ordinal).ToLookup(PermissionGroups.Of, StringComparer.Ordinal);
        foreach ((string id, string label) in PermissionGroups.All)
        {
            if (!grouped.Contains(id))
            {
                continue;
            }

            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("label", label);
            json.WriteStartArray("permissions");
            foreach (string permission in grouped[id])
            {
                json.WriteStringValue(permission);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("resources");
        foreach (ResourceScope resource in role.Resources)
        {
            json.WriteStringValue(resource.ToString());
        }

        json.WriteEndArray();

        string? reason = GrantRefusal(role, caller, canWrite);
        json.WriteBoolean("grantable", reason is null);
        if (reason is null)
        {
            json.WriteNull("notGrantableReason");
        }
        else
        {
            json.WriteString("notGrantableReason", reason);
        }

        json.WriteEndObject();
    }

    // The same rule the token manager applies when the token is generated; shown here so nobody picks a role in vain.
    private static string? GrantRefusal(Role role, TokenCaller caller, bool canWrite)
    {
        if (!canWrite)
        {
            return "You can't generate tokens: that needs the permission 'org-token-write'.";
        }

        return caller.FindEscalation(role) is { } permission
            ? $"This role grants '{permission}', which your roles don't grant on every resource it covers; a token can't have more than its creator."
            : null;
    }

    private static TokenCaller GetCaller(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        string organization = services.GetRequiredService<IOptions<TokenSdkOptions>>().Value.DefaultOrganizationId;
        return TokenCaller.FromPrincipal(context.User, services.GetRequiredService<IRoleCatalog>(), organization);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
