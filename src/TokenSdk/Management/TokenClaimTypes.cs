namespace TokenSdk.Management;

/// <summary>
/// Claim types TokenSdk reads (and the ASP.NET Core integration writes) besides <see cref="System.Security.Claims.ClaimTypes.Role"/>.
/// </summary>
public static class TokenClaimTypes
{
    /// <summary>The client id of an application token.</summary>
    public const string ClientId = "tokensdk/client_id";

    /// <summary>The organization (tenant) the caller belongs to.</summary>
    public const string OrganizationId = "tokensdk/org_id";

    /// <summary>
    /// One permission the caller holds, one claim per permission of its role. Hosts may authorize on it (TokenSdk.AspNetCore's
    /// permission checks do); the token manager itself decides from the role claims through the role catalog.
    /// </summary>
    public const string Permission = "tokensdk/permission";
}
