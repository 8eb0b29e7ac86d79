using System.Text.Json;

namespace TokenSdk.Samples.WebApi.Tests.TestSupport;

/// <summary>The fields of a bootstrap file (the JSON of <c>GeneratedToken.ToJson</c>).</summary>
internal sealed record BootstrapFile(string ClientId, string Secret, string OrgId, string[] Roles, string Token, string GeneratedOn)
{
    /// <summary>Reads and parses a bootstrap file; fails the test if a field is missing.</summary>
    /// <param name="path">The file.</param>
    public static BootstrapFile Read(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        return new BootstrapFile(
            root.GetProperty("clientId").GetString()!,
            root.GetProperty("secret").GetString()!,
            root.GetProperty("orgId").GetString()!,
            [.. root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!)],
            root.GetProperty("token").GetString()!,
            root.GetProperty("generatedOn").GetString()!);
    }
}
