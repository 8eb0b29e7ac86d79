using System.Buffers;
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
/// Written directly rather than through the host's JSON options, so that a host whose serializer knows only its own
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
    /// <param name="extensions">
    /// Writes RFC 9457 extension members beside <c>detail</c> (such as <c>tokenCount</c>); never inside <c>errors</c>,
    /// whose entries keep the DevOps API's <c>{"ID", "message"}</c>.
    /// </param>
    public static async Task WriteAsync(HttpContext context, ManagementError error, string detail, Action<Utf8JsonWriter>? extensions = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", TypeOf(error.Status));
            json.WriteString("title", error.Title);
            json.WriteNumber("status", error.Status);
            json.WriteString("detail", detail);
            json.WriteString("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
            extensions?.Invoke(json);
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteNumber("ID", error.Id);
            json.WriteString("message", detail);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        context.Response.StatusCode = error.Status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
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
