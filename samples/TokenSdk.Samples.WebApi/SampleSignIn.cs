using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using TokenSdk.Management;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Samples.WebApi;

/// <summary>
/// A person signs in to the sample by pasting an application token (the bootstrap administrator's, for a start): the
/// token is verified once and a cookie session starts in its name, holding its client id, organization and role ids,
/// never the token itself. The session ends when the token is deleted (checked on every request) or after 8 hours.
/// A real host signs people in with its own identity provider (OpenID Connect, ASP.NET Core Identity) instead.
/// </summary>
internal static class SampleSignIn
{
    /// <summary>The cookie scheme of people signed in to the sample.</summary>
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public const string SignInPath = "/signin";

    public const string SignOutPath = "/signout";

    /// <summary>Adds the cookie scheme; the application token scheme stays the default for the API.</summary>
    public static AuthenticationBuilder AddSampleSignIn(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(Scheme, options =>
        {
            options.LoginPath = SignInPath;
            options.LogoutPath = SignOutPath;
            options.Cookie.Name = "tokensdk.sample";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = false;
            options.Events.OnValidatePrincipal = EndIfTokenDeletedAsync;
        });

    /// <summary>Maps <c>GET/POST /signin</c> and <c>POST /signout</c>.</summary>
    public static void MapSampleSignIn(this IEndpointRouteBuilder endpoints, string afterSignIn)
    {
        endpoints.MapGet(SignInPath, (HttpContext context, IAntiforgery antiforgery) => SignInPage(context, antiforgery, error: null));
        endpoints.MapPost(SignInPath, async (HttpContext context, [FromForm] string? token, IAntiforgery antiforgery, ITokenVerifier verifier) =>
        {
            TokenVerificationResult result = string.IsNullOrWhiteSpace(token)
                ? default
                : await verifier.VerifyAsync(token.Trim(), context.RequestAborted);
            if (!result.IsValid)
            {
                // The same answer whatever was wrong, and the token is never echoed.
                return SignInPage(context, antiforgery, "That is not a valid application token.", StatusCodes.Status401Unauthorized);
            }

            List<Claim> claims =
            [
                new(ClaimTypes.NameIdentifier, result.ClientId!),
                new(ClaimTypes.Name, result.ClientId!),
                new(TokenClaimTypes.ClientId, result.ClientId!),
                new(TokenClaimTypes.OrganizationId, result.OrganizationId!),
                .. result.Roles.Select(role => new Claim(ClaimTypes.Role, role.Id)),
            ];
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role));
            await context.SignInAsync(Scheme, principal);
            return Results.Redirect(afterSignIn);
        });
        // The session's own scheme authenticates the sign-out, so its antiforgery token is checked against that user.
        endpoints.MapPost(SignOutPath, async (HttpContext context) =>
        {
            await context.SignOutAsync(Scheme);
            return Results.Redirect(SignInPath);
        }).WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireAuthorization(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
    }

    // The session acts in the token's name: once the token is deleted, the session ends with it.
    private static async Task EndIfTokenDeletedAsync(CookieValidatePrincipalContext context)
    {
        string? clientId = context.Principal?.FindFirst(TokenClaimTypes.ClientId)?.Value;
        ITokenStore store = context.HttpContext.RequestServices.GetRequiredService<ITokenStore>();
        StoredToken? record = clientId is null ? null : await store.FindAsync(clientId, context.HttpContext.RequestAborted);
        if (record is null || record.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static IResult SignInPage(HttpContext context, IAntiforgery antiforgery, string? error, int status = StatusCodes.Status200OK)
    {
        AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(context);
        string message = error is null ? string.Empty : $"<p class=\"signin-error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        string html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in - TokenSdk sample</title>
            </head>
            <body>
            <main>
            <h1>Sign in</h1>
            <p>Paste an application token that may manage tokens, for example the bootstrap administrator's token from the file the sample printed at its first start.</p>
            {message}
            <form method="post" action="{SignInPath}" autocomplete="off">
            <input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            <label for="token">Application token</label>
            <input id="token" name="token" type="password" required autofocus spellcheck="false">
            <button type="submit">Sign in</button>
            </form>
            </main>
            </body>
            </html>
            """;
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
