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

            if ((error = ReadFields(ref reader, readField, parent: null)) is not null)
            {
                return false;
            }

            if (reader.Read())
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

    /// <summary>
    /// Reads the fields of the object the reader is on (at its <c>{</c>) as <see cref="TryRead"/> reads the body's, for
    /// a field whose value is an object (such as a role's <c>policy</c>); on success the reader is on its <c>}</c>.
    /// </summary>
    /// <param name="reader">The reader, on the object's start.</param>
    /// <param name="readField">Reads each field of the object.</param>
    /// <param name="parent">The object's field name, to name a repeated field of it (<c>'policy.actions'</c>).</param>
    /// <returns>Why the object is refused, or <see langword="null"/>.</returns>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    public static string? ReadObject(ref Utf8JsonReader reader, FieldReader readField, string parent) =>
        reader.TokenType == JsonTokenType.StartObject ? ReadFields(ref reader, readField, parent) : $"'{parent}' must be a JSON object.";

    private static string? ReadFields(ref Utf8JsonReader reader, FieldReader readField, string? parent)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            if (!seen.Add(name))
            {
                return $"The field {Echo(name, parent)} appears more than once.";
            }

            reader.Read();
            if (readField(name, ref reader) is { } error)
            {
                return error;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject ? null : "The request body must hold exactly one JSON object.";
    }

    /// <summary>The refusal of a field the request does not know.</summary>
    public static string UnknownField(string name, string knownFields) =>
        $"The field {Echo(name)} is not part of the request; the known fields are {knownFields}.";

    /// <summary>The refusal of a field an object of the request (<paramref name="parent"/>, such as <c>policy</c>) does not know.</summary>
    public static string UnknownField(string name, string parent, string knownFields) =>
        $"The field {Echo(name, parent)} is not part of the request; the known fields of '{parent}' are {knownFields}.";

    /// <summary>A field name as it may appear in a response and the log: short names only, never a pasted credential.</summary>
    public static string Echo(string name) =>
        IsEchoable(name) ? $"'{name}'" : $"of {Length(name)} characters";

    /// <summary>A field name of the object <paramref name="parent"/> (none for the body), as <see cref="Echo(string)"/> shows it: <c>'policy.effect'</c>.</summary>
    public static string Echo(string name, string? parent) =>
        parent is null ? Echo(name)
        : IsEchoable(name) ? $"'{parent}.{name}'"
        : $"of {Length(name)} characters in '{parent}'";

    private static bool IsEchoable(string name) =>
        name.Length is > 0 and <= MaxEchoedNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static string Length(string name) => name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
