using System.Text.Json;

namespace TokenSdk.AspNetCore.Tests.TestSupport;

/// <summary>
/// Checks a JSON value against a definition of a JSON Schema file, for the subset the contract uses: <c>type</c>
/// (one or several), <c>required</c>, <c>properties</c>, <c>additionalProperties: false</c>, <c>items</c>,
/// <c>const</c>, <c>format: date-time</c> and local <c>$ref</c>s. Returns every violation with its JSON path.
/// </summary>
internal sealed class JsonShape
{
    private readonly JsonElement _root;

    private JsonShape(JsonElement root) => _root = root;

    public static JsonShape Load(string path) => new(JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone());

    /// <summary>The violations of <paramref name="value"/> against <c>$defs/&lt;definition&gt;</c>; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(JsonElement value, string definition)
    {
        var errors = new List<string>();
        Check(value, _root.GetProperty("$defs").GetProperty(definition), "$", errors);
        return errors;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            string name = reference.GetString()!["#/$defs/".Length..];
            Check(value, _root.GetProperty("$defs").GetProperty(name), path, errors);
            return;
        }

        if (schema.TryGetProperty("const", out JsonElement constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{path}: expected {constant.GetRawText()}, found {value.GetRawText()}");
        }

        if (schema.TryGetProperty("type", out JsonElement type))
        {
            string[] allowed = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
            if (!allowed.Any(t => Is(value, t)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", allowed)}, found {value.ValueKind}");
                return;
            }
        }

        if (schema.TryGetProperty("format", out JsonElement format) && format.GetString() == "date-time"
            && value.ValueKind == JsonValueKind.String && !value.TryGetDateTimeOffset(out _))
        {
            errors.Add($"{path}: '{value.GetString()}' is not an RFC 3339 date-time");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            CheckObject(value, schema, path, errors);
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out JsonElement items))
        {
            int index = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                Check(item, items, $"{path}[{index++}]", errors);
            }
        }
    }

    private void CheckObject(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out JsonElement required))
        {
            foreach (string name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}: the required field '{name}' is missing");
                }
            }
        }

        bool closed = schema.TryGetProperty("additionalProperties", out JsonElement additional) && additional.ValueKind == JsonValueKind.False;
        JsonElement properties = schema.TryGetProperty("properties", out JsonElement p) ? p : default;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out JsonElement propertySchema))
            {
                Check(property.Value, propertySchema, $"{path}.{property.Name}", errors);
            }
            else if (closed)
            {
                errors.Add($"{path}: the field '{property.Name}' is not in the contract");
            }
        }
    }

    private static bool Is(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new InvalidOperationException($"The contract checker does not know the type '{type}'."),
    };
}
