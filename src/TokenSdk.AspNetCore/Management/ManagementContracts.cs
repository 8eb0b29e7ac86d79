using System.ComponentModel;
using System.Text.Json.Serialization;

namespace TokenSdk.AspNetCore.Management;

// The wire types of the management API: what each route reads and writes, field by field, as the Astra DevOps API v2
// names them ([JsonPropertyName] everywhere, so that neither the host's naming policy nor its OpenAPI document can
// rename a field). Responses are written with ManagementJsonContext (source-generated, whatever the host's JSON
// options); request bodies are read by the strict readers (CreateClientRequest, RotateClientRequest, RoleRequest),
// which refuse a field given twice and any content type's surprises, and are described by the request types below.

/// <summary>The body of <c>POST /v2/clientIdSecrets</c> and <c>POST /v2/tokens</c>.</summary>
[Description("Generates a token. Unknown or repeated fields are refused; field names match case-insensitively.")]
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed class CreateTokenRequest
{
    [JsonPropertyName("roles")]
    [Description("1 to 16 role ids or names (each given once); the token holds all of them.")]
    public required IReadOnlyList<string> Roles { get; init; }

    [JsonPropertyName("orgId")]
    [Description("The caller's own organization id, or left out.")]
    public string? OrgId { get; init; }

    [JsonPropertyName("description")]
    [Description("What the token is for.")]
    public string? Description { get; init; }

    [JsonPropertyName("tokenExpiry")]
    [Description("When the token expires: an ISO-8601 instant with an offset, or null (never).")]
    public DateTimeOffset? TokenExpiry { get; init; }
}

/// <summary>The optional body of TokenSdk's <c>POST /v2/clientIdSecrets/{clientId}/rotate</c>.</summary>
[Description("Rotates a token. Every field is optional; unknown or repeated fields are refused.")]
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed class RotateTokenRequest
{
    [JsonPropertyName("gracePeriod")]
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    [Description("Seconds the old token keeps working (0 or null: it stops at once).")]
    public long? GracePeriod { get; init; }

    [JsonPropertyName("description")]
    [Description("The new token's description (default: the old token's).")]
    public string? Description { get; init; }

    [JsonPropertyName("roles")]
    [Description("The new token's role ids or names (default: the old token's roles).")]
    public IReadOnlyList<string>? Roles { get; init; }
}

/// <summary>The body of <c>POST /v2/organizations/roles</c> and <c>PUT /v2/organizations/roles/{roleId}</c>.</summary>
[Description("A custom role. Unknown or repeated fields are refused; field names match case-insensitively.")]
internal sealed class RoleDefinitionRequest
{
    [JsonPropertyName("name")]
    [Description("The role's name, 1 to 100 characters, unique in the organization (case-insensitively).")]
    public required string Name { get; init; }

    [JsonPropertyName("policy")]
    [Description("What the role grants.")]
    public required RolePolicyRequest Policy { get; init; }
}

/// <summary>The <c>policy</c> of <see cref="RoleDefinitionRequest"/>.</summary>
internal sealed class RolePolicyRequest
{
    [JsonPropertyName("description")]
    [Description("What the role is for.")]
    public string? Description { get; init; }

    [JsonPropertyName("resources")]
    [Description("DRNs the role covers (drn:astra:org:<org>[:db:<db>[:keyspace:<ks>[:table:<table>]]], * for any); none: the organization.")]
    public IReadOnlyList<string>? Resources { get; init; }

    [JsonPropertyName("actions")]
    [Description("The permissions the role grants (DevOps API names, such as db-table-select).")]
    public required IReadOnlyList<string> Actions { get; init; }

    [JsonPropertyName("effect")]
    [Description("\"allow\", the only effect, or left out.")]
    public string? Effect { get; init; }
}

/// <summary>The response of a token creation or rotation: the only one that carries a secret (sent once, never cached).</summary>
[Description("A generated token: shown once, never stored in clear.")]
internal sealed class GeneratedTokenResponse
{
    [JsonPropertyName("clientId")]
    public required string ClientId { get; init; }

    [JsonPropertyName("secret")]
    public required string Secret { get; init; }

    [JsonPropertyName("orgId")]
    public required string OrgId { get; init; }

    [JsonPropertyName("roles")]
    [Description("The token's role ids, in the order asked.")]
    public required IReadOnlyList<string> Roles { get; init; }

    [JsonPropertyName("token")]
    [Description("The application token to send as 'Authorization: Bearer <token>'.")]
    public required string Token { get; init; }

    [JsonPropertyName("generatedOn")]
    [Description("ISO-8601 UTC instant, milliseconds.")]
    public required string GeneratedOn { get; init; }
}

/// <summary>The response of <c>GET /v2/clientIdSecrets</c>.</summary>
internal sealed class TokenListResponse
{
    [JsonPropertyName("clients")]
    public required IReadOnlyList<TokenListEntry> Clients { get; init; }
}

/// <summary>One token of <see cref="TokenListResponse"/>; never a secret.</summary>
internal sealed class TokenListEntry
{
    [JsonPropertyName("clientId")]
    public required string ClientId { get; init; }

    [JsonPropertyName("roles")]
    [Description("The token's role ids.")]
    public required IReadOnlyList<string> Roles { get; init; }

    [JsonPropertyName("generatedOn")]
    [Description("ISO-8601 UTC instant, milliseconds.")]
    public required string GeneratedOn { get; init; }

    [JsonPropertyName("description")]
    [Description("The description, \"\" when none.")]
    public required string Description { get; init; }

    [JsonPropertyName("tokenExpiry")]
    [Description("ISO-8601 UTC instant, or null (never expires).")]
    public required string? TokenExpiry { get; init; }

    [JsonPropertyName("lastUsed")]
    [Description("TokenSdk's own field (Astra clients ignore it): when the token was last used, or null.")]
    public required string? LastUsed { get; init; }
}

/// <summary>A role in the DevOps API's shape (<c>GET /v2/organizations/roles</c> and the custom-role routes).</summary>
internal sealed class OrganizationRoleResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("policy")]
    public required RolePolicyResponse Policy { get; init; }

    [JsonPropertyName("last_update_datetime")]
    [Description("When a custom role last changed (ISO-8601 UTC); 1970-01-01T00:00:00Z for a default or configured role.")]
    public required string LastUpdateDateTime { get; init; }

    [JsonPropertyName("last_update_userid")]
    [Description("Who last changed a custom role (a user or client id); null for a default or configured role.")]
    public required string? LastUpdateUserId { get; init; }
}

/// <summary>The <c>policy</c> of <see cref="OrganizationRoleResponse"/>.</summary>
internal sealed class RolePolicyResponse
{
    [JsonPropertyName("description")]
    public required string? Description { get; init; }

    [JsonPropertyName("resources")]
    [Description("The DRNs the role covers; the organization's DRN when it covers the whole organization.")]
    public required IReadOnlyList<string> Resources { get; init; }

    [JsonPropertyName("actions")]
    [Description("The permissions the role grants, in ordinal order.")]
    public required IReadOnlyList<string> Actions { get; init; }

    [JsonPropertyName("effect")]
    [Description("Always \"allow\".")]
    public required string Effect { get; init; }
}

/// <summary>A role in TokenSdk's own flat shape (<c>GET /v2/roles</c>).</summary>
internal sealed class TokenSdkRoleResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public required string? Description { get; init; }

    [JsonPropertyName("permissions")]
    public required IReadOnlyList<string> Permissions { get; init; }

    [JsonPropertyName("resources")]
    public required IReadOnlyList<string> Resources { get; init; }
}

/// <summary>The response of <c>GET /v2/currentOrg</c>.</summary>
internal sealed class CurrentOrganizationResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    [Description("TokenSdk knows organizations by id only: the name is the id.")]
    public required string Name { get; init; }
}

/// <summary>
/// Every error body of the management API: an RFC 9457 ProblemDetails with the DevOps API's <c>errors</c> member.
/// </summary>
[Description("An RFC 9457 problem with the Astra DevOps API's errors member.")]
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed class ManagementProblemResponse
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("status")]
    public required int Status { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    [JsonPropertyName("traceId")]
    public required string TraceId { get; init; }

    [JsonPropertyName("tokenCount")]
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("How many tokens hold a role that could not be deleted (error 40902 only).")]
    public int? TokenCount { get; init; }

    [JsonPropertyName("errors")]
    [Description("One entry: the stable error id and the message (the same text as detail).")]
    public required IReadOnlyList<ManagementErrorEntry> Errors { get; init; }
}

/// <summary>One entry of <see cref="ManagementProblemResponse.Errors"/>.</summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed class ManagementErrorEntry
{
    [JsonPropertyName("ID")]
    [Description("The stable error id (docs/management.md lists them).")]
    public required int Id { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

/// <summary>
/// The source-generated serialization of every wire type: responses are written with it whatever the host's JSON
/// options (naming policy, null handling, escaping, resolvers), so the wire format stays the Astra contract's, also
/// under trimming and native AOT.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(RotateTokenRequest))]
[JsonSerializable(typeof(RoleDefinitionRequest))]
[JsonSerializable(typeof(GeneratedTokenResponse))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(OrganizationRoleResponse))]
[JsonSerializable(typeof(OrganizationRoleResponse[]))]
[JsonSerializable(typeof(TokenSdkRoleResponse[]))]
[JsonSerializable(typeof(CurrentOrganizationResponse))]
[JsonSerializable(typeof(ManagementProblemResponse))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext;
