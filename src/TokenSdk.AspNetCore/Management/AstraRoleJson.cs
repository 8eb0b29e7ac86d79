using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// The response values of roles and tokens (ManagementContracts.cs), roles in the DevOps API's shape: <c>{"id", "name", "policy": {"description", "resources", "actions",
/// "effect"}, "last_update_datetime", "last_update_userid"}</c>.
/// </summary>
/// <remarks>
/// A custom role created at run time (<see cref="Role.IsEditable"/>) reports its last change: <c>last_update_datetime</c>
/// is when (UTC, milliseconds, as <c>generatedOn</c>) and <c>last_update_userid</c> who (a user or client id). Default
/// and configured roles are never edited at run time, so they have no last update: <c>last_update_datetime</c> is the
/// fixed instant <see cref="NeverUpdated"/> (a valid ISO-8601 instant, for clients that parse it as a date) and
/// <c>last_update_userid</c> is <see langword="null"/>. A role without resources covers its organization, written as
/// the caller's organization's DRN.
/// </remarks>
internal static class AstraRoleJson
{
    /// <summary>The <c>last_update_datetime</c> of a default or configured role: the Unix epoch.</summary>
    public const string NeverUpdated = "1970-01-01T00:00:00Z";

    /// <summary>The roles, in the order given.</summary>
    public static OrganizationRoleResponse[] ToResponses(IReadOnlyList<Role> roles, string organizationId)
    {
        var responses = new OrganizationRoleResponse[roles.Count];
        for (int i = 0; i < responses.Length; i++)
        {
            responses[i] = ToResponse(roles[i], organizationId);
        }

        return responses;
    }

    /// <summary>The entity tag of a role that can change (its version, quoted: <c>"3"</c>), or <see langword="null"/> for a read-only role.</summary>
    public static string? ETag(Role role) =>
        role.IsEditable ? "\"" + role.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"" : null;

    /// <summary>One role.</summary>
    public static OrganizationRoleResponse ToResponse(Role role, string organizationId) => new()
    {
        Id = role.Id,
        Name = role.Name,
        Policy = new RolePolicyResponse
        {
            Description = role.Description,
            Resources = role.Resources.Count == 0
                ? ["drn:astra:org:" + organizationId]
                : [.. role.Resources.Select(resource => resource.ToString())],
            Actions = [.. role.Permissions.Order(StringComparer.Ordinal)],
            Effect = "allow",
        },
        LastUpdateDateTime = role.IsEditable && role.UpdatedAt is { } updatedAt ? AstraTokenJson.FormatInstant(updatedAt) : NeverUpdated,
        LastUpdateUserId = role.IsEditable && role.UpdatedBy is { } updatedBy ? updatedBy : null,
    };

    /// <summary>A role in TokenSdk's own flat shape (<c>GET /v2/roles</c>).</summary>
    public static TokenSdkRoleResponse ToFlatResponse(Role role) => new()
    {
        Id = role.Id,
        Name = role.Name,
        Description = role.Description,
        Permissions = [.. role.Permissions.Order(StringComparer.Ordinal)],
        Resources = [.. role.Resources.Select(resource => resource.ToString())],
    };

    /// <summary>A token of the list, as <see cref="AstraTokenJson.WriteTokenList"/> writes it.</summary>
    public static TokenListEntry ToListEntry(TokenInfo token) => new()
    {
        ClientId = token.ClientId,
        Roles = [.. token.RoleIds],
        GeneratedOn = AstraTokenJson.FormatInstant(token.GeneratedOn),
        Description = token.Description ?? "",
        TokenExpiry = token.ExpiresAt is { } expiry ? AstraTokenJson.FormatInstant(expiry) : null,
        LastUsed = token.LastUsedAt is { } lastUsed ? AstraTokenJson.FormatInstant(lastUsed) : null,
    };

    /// <summary>A generated token's details, as <see cref="GeneratedToken.ToJson"/> writes them.</summary>
    public static GeneratedTokenResponse ToResponse(GeneratedToken token) => new()
    {
        ClientId = token.ClientId,
        Secret = token.Secret,
        OrgId = token.OrganizationId,
        Roles = [.. token.RoleIds],
        Token = token.Token,
        GeneratedOn = AstraTokenJson.FormatInstant(token.GeneratedOn),
    };
}
