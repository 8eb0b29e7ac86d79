using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// Writes the error body of the management API, which serves both worlds: an RFC 9457 ProblemDetails
/// (<c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, <c>traceId</c>) with the Astra DevOps API's
/// <c>errors: [{"ID": &lt;int&gt;, "message": "..."}]</c> member beside it.
/// </summary>
/// <remarks>
/// Written with <see cref="ManagementJsonContext"/> rather than through the host's JSON options, so that a host whose serializer knows only its own
/// source-generated types still gets the <c>errors</c> member.
/// </remarks>
internal static class ManagementProblem
{
    /// <summary>The media type of the body.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>Writes <paramref name="error"/> with its status code; <paramref name="detail"/> is also the Astra message.</summary>
    /// <param name="context">The request.</param>
    /// <param name="error">The kind of error.</param>
    /// <param name="detail">What went wrong.</param>
    /// <param name="tokenCount">
    /// The RFC 9457 extension member <c>tokenCount</c>, beside <c>detail</c> (a role that tokens hold), or
    /// <see langword="null"/> for none; never inside <c>errors</c>, whose entries keep the DevOps API's <c>{"ID", "message"}</c>.
    /// </param>
    public static async Task WriteAsync(HttpContext context, ManagementError error, string detail, int? tokenCount = null)
    {
        var problem = new ManagementProblemResponse
        {
            Type = TypeOf(error.Status),
            Title = error.Title,
            Status = error.Status,
            Detail = detail,
            TraceId = Activity.Current?.Id ?? context.TraceIdentifier,
            TokenCount = tokenCount,
            Errors = [new ManagementErrorEntry { Id = error.Id, Message = detail }],
        };
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(problem, ManagementJsonContext.Default.ManagementProblemResponse);
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    // The same references ASP.NET Core's ProblemDetails defaults use.
    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        StatusCodes.Status401Unauthorized => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        StatusCodes.Status403Forbidden => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        StatusCodes.Status412PreconditionFailed => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status503ServiceUnavailable => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}

/// <summary>
/// Marks the endpoints of the management API, so that the application token handler answers a challenge there with
/// a <see cref="ManagementProblem"/> body (elsewhere a 401 says nothing beyond <c>WWW-Authenticate: Bearer</c>).
/// </summary>
internal sealed class ManagementEndpointMetadata
{
    public static readonly ManagementEndpointMetadata Instance = new();
}
