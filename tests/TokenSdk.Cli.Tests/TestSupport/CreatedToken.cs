using System.Text.Json;

namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>The fields of <c>tokens create --output json</c>.</summary>
internal sealed record CreatedToken(string ClientId, string Secret, string OrgId, string[] Roles, string Token, string GeneratedOn)
{
    /// <summary>Parses the tool's JSON output.</summary>
    /// <param name="json">The output.</param>
    public static CreatedToken Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return new CreatedToken(
            root.GetProperty("clientId").GetString()!,
            root.GetProperty("secret").GetString()!,
            root.GetProperty("orgId").GetString()!,
            [.. root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!)],
            root.GetProperty("token").GetString()!,
            root.GetProperty("generatedOn").GetString()!);
    }
}
