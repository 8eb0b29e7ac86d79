using System.Text.Json;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// Reads a request body that must be exactly one JSON object, strictly: a field given twice is refused (names compare
/// case-insensitively, as the reference clients' JSON libraries match them), each field goes to a reader that refuses
/// an unknown field or a wrong type, and no error quotes the body (a pasted credential must not come back).
/// </summary>
internal static class StrictJsonObject
{
    private const int MaxEchoedNameLength = 32;

    /// <summary>Reads the value of one field (the reader is on it); returns why it is refused, or <see langword="null"/>.</summary>
    public delegate string? FieldReader(string name, ref Utf8JsonReader reader);

    /// <summary>Reads <paramref name="json"/> field by field; on failure, <paramref name="error"/> says what is wrong.</summary>
    /// <param name="json">The body.</param>
    /// <param name="readField">Reads each field.</param>
    /// <param name="notJson">The message for a body that is not valid JSON (the reader's own may quote the body).</param>
    /// <param name="error">Why the body is refused.</param>
    public static bool TryRead(ReadOnlySpan<byte> json, FieldReader readField, string notJson, out string? error)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }

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
                if ((error = readField(name, ref reader)) is not null)
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "The request body must hold exactly one JSON object.";
                return false;
            }

            error = null;
            return true;
        }
        catch (JsonException)
        {
            error = notJson;
            return false;
        }
    }

    /// <summary>The refusal of a field the request does not know.</summary>
    public static string UnknownField(string name, string knownFields) =>
        $"The field {Echo(name)} is not part of the request; the known fields are {knownFields}.";

    /// <summary>A field name as it may appear in a response and the log: short names only, never a pasted credential.</summary>
    public static string Echo(string name) =>
        name.Length is > 0 and <= MaxEchoedNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? $"'{name}'"
            : $"of {name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)} characters";
}
