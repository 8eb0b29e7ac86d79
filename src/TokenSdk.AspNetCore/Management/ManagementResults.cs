using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenSdk.AspNetCore.Diagnostics;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// Writes a management response body with <see cref="ManagementJsonContext"/> rather than the host's JSON options, so
/// that a host's naming policy, null handling or escaping never changes the Astra contract.
/// </summary>
internal static class ManagementJson
{
    /// <summary>The media type of every success body.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The media type the OpenAPI document names for success bodies.</summary>
    public const string DocumentedContentType = "application/json";

    public static async Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>A 200 response with a JSON body of <typeparamref name="T"/>; described as such in the OpenAPI document.</summary>
/// <typeparam name="T">The body's type, one of <see cref="ManagementJsonContext"/>'s.</typeparam>
internal sealed class ManagementOk<T> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private readonly JsonTypeInfo<T> _typeInfo;

    public ManagementOk(T value, JsonTypeInfo<T> typeInfo)
    {
        Value = value;
        _typeInfo = typeInfo;
    }

    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => ManagementJson.ContentType;

    /// <summary>Gets the <c>ETag</c> to send, or <see langword="null"/>.</summary>
    public string? ETag { get; init; }

    /// <summary>Gets whether no cache may keep the response (it carries a secret).</summary>
    public bool NoStore { get; init; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (NoStore)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
        }

        if (ETag is not null)
        {
            httpContext.Response.Headers.ETag = ETag;
        }

        return ManagementJson.WriteAsync(httpContext, StatusCode, Value, _typeInfo);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), [ManagementJson.DocumentedContentType]));
    }
}

/// <summary>A 201 response with a <c>Location</c> and a JSON body of <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The body's type, one of <see cref="ManagementJsonContext"/>'s.</typeparam>
internal sealed class ManagementCreated<T> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private readonly JsonTypeInfo<T> _typeInfo;

    public ManagementCreated(string location, T value, JsonTypeInfo<T> typeInfo)
    {
        Location = location;
        Value = value;
        _typeInfo = typeInfo;
    }

    public string Location { get; }

    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status201Created;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => ManagementJson.ContentType;

    /// <summary>Gets the <c>ETag</c> to send, or <see langword="null"/>.</summary>
    public string? ETag { get; init; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.Location = Location;
        if (ETag is not null)
        {
            httpContext.Response.Headers.ETag = ETag;
        }

        return ManagementJson.WriteAsync(httpContext, StatusCode, Value, _typeInfo);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), [ManagementJson.DocumentedContentType]));
    }
}

/// <summary>
/// An error of the management API: a <see cref="ManagementProblem"/> body with the error's status. Which statuses an
/// endpoint can answer is declared with <see cref="ManagementProblemMetadata.ProducesManagementProblems"/>.
/// </summary>
internal sealed class ManagementProblemResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private readonly bool _log;

    /// <summary>Creates the result.</summary>
    /// <param name="error">The kind of error.</param>
    /// <param name="detail">What went wrong (never a quote of the request).</param>
    /// <param name="tokenCount">The <c>tokenCount</c> member (a role in use), or <see langword="null"/>.</param>
    /// <param name="log">Whether to log the rejection (debug, event 5101) when the response is written.</param>
    public ManagementProblemResult(ManagementError error, string detail, int? tokenCount = null, bool log = true)
    {
        Error = error;
        Detail = detail;
        TokenCount = tokenCount;
        _log = log;
    }

    public ManagementError Error { get; }

    public string Detail { get; }

    public int? TokenCount { get; }

    public int StatusCode => Error.Status;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => ManagementProblem.ContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (_log)
        {
            ILogger logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenSdk.AspNetCore.Management");
            // The route pattern, not the path: a token pasted where a client id belongs must not reach the log.
            string route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unknown route)";
            Log.ManagementRequestRejected(logger, httpContext.Request.Method, route, Error.Status, Detail);
        }

        return ManagementProblem.WriteAsync(httpContext, Error, Detail, TokenCount);
    }
}

/// <summary>Declares the error responses of a management endpoint in its metadata (and so in the OpenAPI document).</summary>
internal static class ManagementProblemMetadata
{
    /// <summary>Adds one <see cref="ManagementProblemResponse"/> response per status code.</summary>
    public static RouteHandlerBuilder ProducesManagementProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (int status in statusCodes)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ManagementProblemResponse), [ManagementProblem.ContentType]));
        }

        return builder;
    }
}
