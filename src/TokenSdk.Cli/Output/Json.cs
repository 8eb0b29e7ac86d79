using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenSdk.Cli.Output;

/// <summary>
/// Writes the tool's JSON documents. Field names and order are fixed and documented in docs/cli.md; written with
/// <see cref="Utf8JsonWriter"/> (no reflection), indented, one document per command.
/// </summary>
internal static class Json
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Indented = true,

        // Role names such as "Read/Write User" stay readable; the output is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds one JSON document.</summary>
    /// <param name="write">Writes the document's single value.</param>
    /// <returns>The document, without a trailing newline.</returns>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream(1024);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Formats a time as TokenSdk's JSON does (<c>GeneratedToken.ToJson</c>): UTC, milliseconds, <c>Z</c>.</summary>
    /// <param name="time">The time.</param>
    public static string Time(DateTimeOffset time) => TokenSdk.Management.AstraTokenJson.FormatInstant(time);

    /// <summary>Writes a property whose value is a time or <c>null</c>.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="name">The property name.</param>
    /// <param name="time">The time, or <see langword="null"/>.</param>
    public static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json.WriteString(name, Time(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Writes an array of strings in ordinal order.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="name">The property name.</param>
    /// <param name="values">The values.</param>
    public static void WriteSortedStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values.Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
