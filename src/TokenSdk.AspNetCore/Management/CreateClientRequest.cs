using System.Text.Json.Serialization;

namespace TokenSdk.AspNetCore.Management;

/// <summary>The body of <c>POST /v2/clientIdSecrets</c>, as the Astra DevOps API takes it.</summary>
internal sealed class CreateClientRequest
{
    [JsonPropertyName("roles")]
    public string?[]? Roles { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }
}

/// <summary>Source-generated JSON metadata, so the API needs no reflection.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(CreateClientRequest))]
internal sealed partial class TokenManagementJsonContext : JsonSerializerContext;
