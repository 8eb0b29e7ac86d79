using System.Text.Json;

namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>The fields of a role as <c>roles show --output json</c>, <c>roles create</c> and <c>roles update --output json</c> print it.</summary>
internal sealed record ShownRole(
    string Id,
    string Name,
    string Description,
    string[] Permissions,
    string[] Resources,
    string Kind,
    bool Editable,
    string? OrganizationId,
    long? Version,
    string? UpdatedAt,
    string? UpdatedBy)
{
    /// <summary>Parses one role object.</summary>
    /// <param name="json">The output.</param>
    public static ShownRole Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return From(document.RootElement);
    }

    /// <summary>Parses <c>roles list --output json</c>.</summary>
    /// <param name="json">The output.</param>
    public static ShownRole[] ParseList(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("roles").EnumerateArray().Select(From)];
    }

    private static ShownRole From(JsonElement role) => new(
        role.GetProperty("id").GetString()!,
        role.GetProperty("name").GetString()!,
        role.GetProperty("description").GetString()!,
        [.. role.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!)],
        [.. role.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!)],
        role.GetProperty("kind").GetString()!,
        role.GetProperty("editable").GetBoolean(),
        role.GetProperty("organizationId").GetString(),
        role.GetProperty("version").ValueKind == JsonValueKind.Null ? null : role.GetProperty("version").GetInt64(),
        role.GetProperty("updatedAt").GetString(),
        role.GetProperty("updatedBy").GetString());
}
