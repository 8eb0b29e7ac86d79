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
        request = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }

            TimeSpan? grace = null;
            string? description = null;
            string[]? roles = null;
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    error = $"The field {CreateClientRequest.Echo(name)} appears more than once.";
                    return false;
                }

                reader.Read();
                switch (name.ToUpperInvariant())
                {
                    case "GRACEPERIOD":
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long seconds) || seconds < 0 || seconds > (long)TimeSpan.MaxValue.TotalSeconds)
                        {
                            error = "'gracePeriod' must be a whole number of seconds, 0 or more, or null.";
                            return false;
                        }

                        grace = TimeSpan.FromSeconds(seconds);
                        break;
                    case "DESCRIPTION":
                        if (!CreateClientRequest.TryReadOptionalString(ref reader, out description))
                        {
                            error = "'description' must be a string.";
                            return false;
                        }

                        break;
                    case "ROLES":
                        if (reader.TokenType != JsonTokenType.Null && !CreateClientRequest.TryReadStrings(ref reader, out roles))
                        {
                            error = "'roles' must be an array of role ids or names, or null.";
                            return false;
                        }

                        break;
                    default:
                        error = $"The field {CreateClientRequest.Echo(name)} is not part of the request; the known fields are {KnownFields}.";
                        return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "The request body must hold exactly one JSON object.";
                return false;
            }

            request = new RotateClientRequest { GracePeriod = grace, Description = description, Roles = roles };
            error = null;
            return true;
        }
        catch (JsonException)
        {
            error = "The request body is not valid JSON of the form {\"gracePeriod\": 3600, \"description\": \"...\"}.";
            return false;
        }
    }
}
