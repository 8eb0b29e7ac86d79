using System.Globalization;
using System.Text.Json;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// A role definition read from a <c>--policy FILE.json</c>, in the shape of the Astra DevOps API's role request:
/// <c>{"name": "...", "policy": {"description": "...", "actions": [...], "resources": [...], "effect": "allow"}}</c>.
/// Every field is optional; a field left out is <see langword="null"/> here (the command line or the current role
/// supplies it).
/// </summary>
/// <param name="Name">The <c>name</c>, or <see langword="null"/>.</param>
/// <param name="Description">The <c>policy.description</c> (empty for a JSON <c>null</c>), or <see langword="null"/>.</param>
/// <param name="Actions">The <c>policy.actions</c>, or <see langword="null"/>.</param>
/// <param name="Resources">The <c>policy.resources</c>, or <see langword="null"/>.</param>
internal sealed record RolePolicy(string? Name, string? Description, string[]? Actions, string[]? Resources);

/// <summary>
/// Reads <see cref="RolePolicy"/> files strictly: one JSON object, no unknown field (all are named in the error), no
/// field twice, each of the right type, <c>effect</c> only <c>allow</c>. Every failure is a <see cref="CliException"/>
/// with <see cref="ExitCodes.Usage"/> that names the file and the field, and never quotes the file's content.
/// </summary>
internal static class RolePolicyFile
{
    /// <summary>The largest file read: far above any valid role (128 actions, 64 resources of 512 characters).</summary>
    public const int MaxBytes = 256 * 1024;

    private const string RootFields = "name, policy";
    private const string PolicyFields = "policy.description, policy.actions, policy.resources, policy.effect";
    private const int MaxEchoedNameLength = 32;

    /// <summary>Reads and checks the file.</summary>
    /// <param name="environment">The environment: the directory a relative path starts from.</param>
    /// <param name="path">The path as given.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="CliException">The file is missing, unreadable, too big, not JSON or not a role policy.</exception>
    public static RolePolicy Read(CliEnvironment environment, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliException(ExitCodes.Usage, "--policy needs a file name.");
        }

        string fullPath = environment.FullPath(path);
        return Parse(ReadBytes(fullPath), fullPath);
    }

    /// <summary>Parses a file's content.</summary>
    /// <param name="content">The bytes (UTF-8, with or without a byte order mark).</param>
    /// <param name="path">The file's path, for messages.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="CliException">The content is not JSON or not a role policy.</exception>
    public static RolePolicy Parse(ReadOnlySpan<byte> content, string path)
    {
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            // The parser's own message may quote the content; the position is enough to find the mistake.
            throw Fail(path, string.Create(CultureInfo.InvariantCulture,
                $"is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1} of the line)."));
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(path, $"must hold a JSON object such as {{\"name\": \"Reporting\", \"policy\": {{\"actions\": [\"db-table-select\"]}}}}, not {Describe(root.ValueKind)}.");
            }

            List<string> unknown = [];
            string? name = null;
            JsonElement? policy = null;
            foreach (JsonProperty property in Properties(root, path, prefix: string.Empty))
            {
                if (Is(property, "name"))
                {
                    name = ReadString(property.Value, "name", path, allowNull: false);
                }
                else if (Is(property, "policy"))
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Fail(path, $": 'policy' must be an object holding description, actions, resources and effect, not {Describe(property.Value.ValueKind)}.");
                    }

                    policy = property.Value;
                }
                else
                {
                    unknown.Add(Echo(property.Name));
                }
            }

            string? description = null;
            string[]? actions = null;
            string[]? resources = null;
            if (policy is { } body)
            {
                foreach (JsonProperty property in Properties(body, path, prefix: "policy."))
                {
                    if (Is(property, "description"))
                    {
                        description = ReadString(property.Value, "policy.description", path, allowNull: true) ?? string.Empty;
                    }
                    else if (Is(property, "actions"))
                    {
                        actions = ReadStrings(property.Value, "policy.actions", path);
                    }
                    else if (Is(property, "resources"))
                    {
                        resources = ReadStrings(property.Value, "policy.resources", path);
                    }
                    else if (Is(property, "effect"))
                    {
                        string? effect = ReadString(property.Value, "policy.effect", path, allowNull: false);
                        if (!string.Equals(effect, "allow", StringComparison.OrdinalIgnoreCase))
                        {
                            throw Fail(path, ": 'policy.effect' must be \"allow\": a role grants permissions; it cannot deny them.");
                        }
                    }
                    else
                    {
                        unknown.Add(Echo("policy." + property.Name));
                    }
                }
            }

            if (unknown.Count > 0)
            {
                throw Fail(path, $"has {(unknown.Count == 1 ? "an unknown field" : "unknown fields")} {string.Join(", ", unknown)}; " +
                                 $"the known fields are {RootFields}, {PolicyFields}.");
            }

            return new RolePolicy(name, description, actions, resources);
        }
    }

    private static byte[] ReadBytes(string fullPath)
    {
        if (Directory.Exists(fullPath))
        {
            throw Fail(fullPath, "is a directory; --policy names a JSON file.");
        }

        if (!File.Exists(fullPath))
        {
            throw Fail(fullPath, "does not exist.");
        }

        try
        {
            using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);

            // Read at most one byte more than allowed: a huge file (or a device) is refused without reading it whole.
            byte[] buffer = new byte[MaxBytes + 1];
            int total = 0;
            int read;
            while (total < buffer.Length && (read = file.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxBytes)
            {
                throw Fail(fullPath, $"is larger than {MaxBytes / 1024} KiB; a role policy is a small JSON object.");
            }

            return buffer[..total];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail(fullPath, "cannot be read: " + ex.Message);
        }
    }

    /// <summary>The properties of an object; a field given twice (names compare case-insensitively) is refused.</summary>
    private static List<JsonProperty> Properties(JsonElement element, string path, string prefix)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        List<JsonProperty> properties = [];
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Fail(path, $"gives the field {Echo(prefix + property.Name)} more than once.");
            }

            properties.Add(property);
        }

        return properties;
    }

    // Field names compare case-insensitively, as the management API reads its request bodies.
    private static bool Is(JsonProperty property, string name) => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);

    private static string? ReadString(JsonElement value, string field, string path, bool allowNull) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null when allowNull => null,
        _ => throw Fail(path, $": '{field}' must be a string, not {Describe(value.ValueKind)}."),
    };

    private static string[] ReadStrings(JsonElement value, string field, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(path, $": '{field}' must be an array of strings, not {Describe(value.ValueKind)}.");
        }

        var values = new string[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            values[i] = item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Fail(path, string.Create(CultureInfo.InvariantCulture, $": '{field}[{i}]' must be a string, not {Describe(item.ValueKind)}."));
            i++;
        }

        return values;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A field name as an error may show it: short plain names only, never a pasted credential.</summary>
    private static string Echo(string name) =>
        name.Length is > 0 and <= MaxEchoedNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? $"'{name}'"
            : string.Create(CultureInfo.InvariantCulture, $"(a name of {name.Length} characters)");

    /// <summary>The failure: <c>The policy file 'PATH' is ...</c>, or with a problem starting <c>": "</c>, <c>The policy file 'PATH': 'field' must ...</c>.</summary>
    private static CliException Fail(string path, string problem) =>
        new(ExitCodes.Usage, $"The policy file '{path}'{(problem.StartsWith(':') ? string.Empty : " ")}{problem}");
}
