using System.Text.Json;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// The optional body of TokenSdk's <c>POST /v2/clientIdSecrets/{clientId}/rotate</c> (no Astra equivalent):
/// <c>{"gracePeriod"?: seconds, "description"?: "...", "roles"?: [...]}</c>. Read strictly, like
/// <see cref="CreateClientRequest"/>: an unknown field, a field twice or a value of the wrong type is refused naming it.
/// </summary>
internal sealed class RotateClientRequest
{
    /// <summary>The fields the route knows.</summary>
    public const string KnownFields = "gracePeriod, description, roles";

    public static readonly RotateClientRequest Empty = new();

    public TimeSpan? GracePeriod { get; private init; }

    public string? Description { get; private init; }

    public IReadOnlyList<string>? Roles { get; private init; }

    /// <summary>Reads a request body; on failure, <paramref name="error"/> says what is wrong without quoting the body.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out RotateClientRequest? request, out string? error)
    {
        TimeSpan? grace = null;
        string? description = null;
        string[]? roles = null;
        string? ReadField(string name, ref Utf8JsonReader reader) => name.ToUpperInvariant() switch
        {
            "GRACEPERIOD" => TryReadSeconds(ref reader, out grace) ? null : "'gracePeriod' must be a whole number of seconds, 0 or more, or null.",
            "DESCRIPTION" => CreateClientRequest.TryReadOptionalString(ref reader, out description) ? null : "'description' must be a string.",
            "ROLES" => reader.TokenType == JsonTokenType.Null || CreateClientRequest.TryReadStrings(ref reader, out roles)
                ? null
                : "'roles' must be an array of role ids or names, or null.",
            _ => StrictJsonObject.UnknownField(name, KnownFields),
        };

        bool read = StrictJsonObject.TryRead(json, ReadField, "The request body is not valid JSON of the form {\"gracePeriod\": 3600, \"description\": \"...\"}.", out error);
        request = read ? new RotateClientRequest { GracePeriod = grace, Description = description, Roles = roles } : null;
        return read;
    }

    private static bool TryReadSeconds(ref Utf8JsonReader reader, out TimeSpan? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long seconds) || seconds < 0 || seconds > (long)TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
