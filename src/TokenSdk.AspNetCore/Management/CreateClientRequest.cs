using System.Text.Json;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// The body of <c>POST /v2/clientIdSecrets</c> and <c>POST /v2/tokens</c>, as the Astra DevOps API takes it:
/// <c>{"roles": [...], "orgId"?, "description"?, "tokenExpiry"?}</c>, <c>roles</c> holding role ids or names (how many,
/// and whether repeated, is checked by the endpoint).
/// </summary>
/// <remarks>
/// Read strictly: a field the contract does not know, a field given twice or a value of the wrong type is refused
/// with a message naming the field, so that a misspelt expiry can never produce a token that never expires. Field
/// names match case-insensitively, as the reference clients' JSON libraries do.
/// </remarks>
internal sealed class CreateClientRequest
{
    /// <summary>The fields the contract knows.</summary>
    public const string KnownFields = "roles, orgId, description, tokenExpiry";

    public IReadOnlyList<string> Roles { get; private init; } = [];

    public string? OrgId { get; private init; }

    public string? Description { get; private init; }

    public DateTimeOffset? TokenExpiry { get; private init; }

    /// <summary>Reads a request body; on failure, <paramref name="error"/> says what is wrong without quoting the body.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out CreateClientRequest? request, out string? error)
    {
        string[]? roles = null;
        string? orgId = null, description = null;
        DateTimeOffset? expiry = null;
        string? ReadField(string name, ref Utf8JsonReader reader) => name.ToUpperInvariant() switch
        {
            "ROLES" => TryReadStrings(ref reader, out roles) ? null : "'roles' must be an array of role ids or names.",
            "ORGID" => TryReadOptionalString(ref reader, out orgId) ? null : "'orgId' must be a string.",
            "DESCRIPTION" => TryReadOptionalString(ref reader, out description) ? null : "'description' must be a string.",
            "TOKENEXPIRY" => TryReadInstant(ref reader, out expiry)
                ? null
                : "'tokenExpiry' must be an ISO-8601 instant with an offset (e.g. \"2027-01-31T00:00:00Z\") or null.",
            _ => StrictJsonObject.UnknownField(name, KnownFields),
        };

        bool read = StrictJsonObject.TryRead(json, ReadField,
            "The request body is not valid JSON of the form {\"roles\": [\"<role id or name>\"], \"description\": \"...\"}.", out error);
        request = read ? new CreateClientRequest { Roles = roles ?? [], OrgId = orgId, Description = description, TokenExpiry = expiry } : null;
        return read;
    }

    internal static bool TryReadStrings(ref Utf8JsonReader reader, out string[]? values)
    {
        values = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            list.Add(reader.GetString()!);
        }

        values = [.. list];
        return true;
    }

    internal static bool TryReadOptionalString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    private static bool TryReadInstant(ref Utf8JsonReader reader, out DateTimeOffset? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out DateTimeOffset instant))
        {
            return false;
        }

        // An instant needs its offset: "2027-01-31T00:00:00" alone would depend on the server's time zone.
        string text = reader.GetString()!;
        int time = text.IndexOf('T', StringComparison.Ordinal);
        bool hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (time > 0 && text.AsSpan(time).IndexOfAny('+', '-') > 0);
        value = instant;
        return hasOffset;
    }

}
