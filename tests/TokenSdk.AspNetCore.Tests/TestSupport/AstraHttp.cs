using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TokenSdk.AspNetCore.Tests.TestSupport;

/// <summary>Requests and assertions of the Astra DevOps API v2 contract, as its clients speak it.</summary>
internal static class AstraHttp
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A request with a JSON body sent with <paramref name="contentType"/> (none when <see langword="null"/>).</summary>
    public static HttpRequestMessage Post(string path, string bearer, string json, string? contentType = "application/json")
    {
        HttpRequestMessage request = TestApp.Request(HttpMethod.Post, path, bearer);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return request;
    }

    /// <summary>Reads a JSON body; the caller disposes the document.</summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

    /// <summary>The names of an object's members, in order.</summary>
    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    /// <summary>Asserts an error body serving both worlds: ProblemDetails and errors[{ID, message}]. Returns the message.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int id)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument body = await ReadJsonAsync(response);
        JsonElement root = body.RootElement;
        Assert.StartsWith("https://", root.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        string detail = root.GetProperty("detail").GetString()!;
        JsonElement error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.Equal(["ID", "message"], Names(error));
        Assert.Equal(id, error.GetProperty("ID").GetInt32());
        Assert.Equal(detail, error.GetProperty("message").GetString());
        return detail;
    }
}
