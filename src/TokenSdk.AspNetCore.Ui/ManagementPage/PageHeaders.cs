using Microsoft.AspNetCore.Http;

namespace TokenSdk.AspNetCore.Ui;

/// <summary>The security headers every response of the page carries.</summary>
internal static class PageHeaders
{
    /// <summary>
    /// No inline script or style, no other origin: the page loads its own script and stylesheet and talks to its own
    /// host only; it cannot be framed, nor have its base URL changed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Sets the headers; <paramref name="noStore"/> for responses that must never be cached (the page, its context).</summary>
    public static void Apply(HttpResponse response, bool noStore)
    {
        IHeaderDictionary headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (noStore)
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }
    }
}
