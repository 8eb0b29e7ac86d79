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

    private const int MaxEchoedNameLength = 32;

    public IReadOnlyList<string> Roles { get; private init; } = [];

    public string? OrgId { get; private init; }

    public string? Description { get; private init; }

    public DateTimeOffset? TokenExpiry { get; private init; }

    /// <summary>Reads a request body; on failure, <paramref name="error"/> says what is wrong without quoting the body.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out CreateClientRequest? request, out string? error)
    {
        request = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }

            string[]? roles = null;
            string? orgId = null, description = null;
            DateTimeOffset? expiry = null;
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    error = $"The field {Echo(name)} appears more than once.";
                    return false;
                }

                reader.Read();
                switch (name.ToUpperInvariant())
                {
                    case "ROLES":
                        if (!TryReadStrings(ref reader, out roles))
                        {
                            error = "'roles' must be an array of role ids or names.";
                            return false;
                        }

                        break;
                    case "ORGID":
                        if (!TryReadOptionalString(ref reader, out orgId))
                        {
                            error = "'orgId' must be a string.";
                            return false;
                        }

                        break;
                    case "DESCRIPTION":
                        if (!TryReadOptionalString(ref reader, out description))
                        {
                            error = "'description' must be a string.";
                            return false;
                        }

                        break;
                    case "TOKENEXPIRY":
                        if (!TryReadInstant(ref reader, out expiry))
                        {
                            error = "'tokenExpiry' must be an ISO-8601 instant with an offset (e.g. \"2027-01-31T00:00:00Z\") or null.";
                            return false;
                        }

                        break;
                    default:
                        error = $"The field {Echo(name)} is not part of the request; the known fields are {KnownFields}.";
                        return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "The request body must hold exactly one JSON object.";
                return false;
            }

            request = new CreateClientRequest { Roles = roles ?? [], OrgId = orgId, Description = description, TokenExpiry = expiry };
            error = null;
            return true;
        }
        catch (JsonException)
        {
            // The reader's message may quote the body; say only what is expected.
            error = "The request body is not valid JSON of the form {\"roles\": [\"<role id or name>\"], \"description\": \"...\"}.";
            return false;
        }
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

    /// <summary>A field name as it may appear in a response and the log: short names only, never a pasted credential.</summary>
    internal static string Echo(string name) =>
        name.Length is > 0 and <= MaxEchoedNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? $"'{name}'"
            : $"of {name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)} characters";
}
