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

    /// <summary>Gets or sets the largest request body accepted, in bytes; a larger body is refused with 400 and nothing is stored.</summary>
    /// <value>The default value is <see cref="DefaultMaxRequestBodySize"/> (16 KiB).</value>
    public int MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;
}
