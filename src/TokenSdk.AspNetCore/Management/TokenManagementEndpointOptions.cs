using TokenSdk.AspNetCore.Authentication;

namespace TokenSdk.AspNetCore.Management;

/// <summary>Options of the token management API mapped by <c>MapTokenManagement</c>.</summary>
public sealed class TokenManagementEndpointOptions
{
    /// <summary>The default largest request body, 16 KiB.</summary>
    public const int DefaultMaxRequestBodySize = 16 * 1024;

    /// <summary>
    /// Gets the authentication schemes that may identify the caller. A principal from another scheme (cookies, JWT)
    /// works too when it carries role claims (role ids or names) and, optionally, a <c>tokensdk/org_id</c> claim.
    /// </summary>
    /// <value>The default value is a list holding <see cref="ApplicationTokenDefaults.AuthenticationScheme"/>.</value>
    public IList<string> AuthenticationSchemes { get; } = [ApplicationTokenDefaults.AuthenticationScheme];

    /// <summary>
    /// Gets the schemes of <see cref="AuthenticationSchemes"/> whose credentials a browser never sends by itself (a JWT
    /// bearer scheme, say), so that a write they authenticate needs no antiforgery token.
    /// </summary>
    /// <remarks>
    /// A write (create, delete, rotate; create, change or delete a role) that an application token did not authenticate must carry a valid ASP.NET Core
    /// antiforgery token (<c>IAntiforgery</c>, in the header its options name), unless one of these schemes
    /// authenticates it: a cookie session is open to cross-site request forgery, and the API reads a body as JSON
    /// whatever its content type, as the Astra contract's curl examples need. Never list a cookie scheme here.
    /// </remarks>
    /// <value>The default value is an empty list.</value>
    public IList<string> AntiforgeryExemptSchemes { get; } = [];

    /// <summary>Gets or sets the largest request body accepted, in bytes; a larger body is refused with 400 and nothing is stored.</summary>
    /// <value>The default value is <see cref="DefaultMaxRequestBodySize"/> (16 KiB).</value>
    public int MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;
}
