using System.Globalization;
using System.Text.Json;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// The body of <c>POST /v2/organizations/roles</c> and <c>PUT /v2/organizations/roles/{roleId}</c>, as the Astra DevOps
/// API takes it: <c>{"name", "policy": {"description"?, "resources"?, "actions", "effect"?}}</c>.
/// </summary>
/// <remarks>
/// <para>Read strictly, like <see cref="CreateClientRequest"/>: a field the contract does not know, a field given twice
/// (in the body or in <c>policy</c>) or a value of the wrong type is refused naming it (<see cref="TryParse"/>; error
/// 40000). The values are then checked one by one (<see cref="Validate"/>; error 40004), each refusal naming its field
/// by its path (<c>name</c>, <c>policy.description</c>, <c>policy.effect</c>, <c>policy.actions[2]</c>,
/// <c>policy.resources[0]</c>) and never quoting what was sent: a credential pasted there must not come back.</para>
/// <para><see cref="Validate"/> tells what the body alone can tell, with the rules of <see cref="IRoleManager"/>; the
/// manager checks again, and alone decides what needs the catalog or the caller's permissions (a name taken, an
/// escalation).</para>
/// <para>What real clients send: the Terraform provider (<c>astra_role</c>) every field of the policy, <c>effect</c>
/// as its user wrote it; the Java SDK <c>effect: "allow"</c>, and no <c>description</c> when it has none. Both match
/// field names case-insensitively; so does this reader.</para>
/// </remarks>
internal sealed class RoleRequest
{
    /// <summary>The fields of the body.</summary>
    public const string KnownFields = "name, policy";

    /// <summary>The fields of <c>policy</c>.</summary>
    public const string KnownPolicyFields = "description, resources, actions, effect";

    /// <summary>The only effect a policy has.</summary>
    public const string AllowEffect = "allow";

    /// <summary>The longest role name, as <see cref="Role"/> allows.</summary>
    public const int MaxNameLength = 100;

    private const string Example = "{\"name\": \"Orders Reader\", \"policy\": {\"description\": \"...\", \"resources\": [\"drn:astra:org:<org>:db:orders\"], \"actions\": [\"db-table-select\"], \"effect\": \"allow\"}}";

    private RoleRequest()
    {
    }

    public string? Name { get; private init; }

    public bool HasPolicy { get; private init; }

    public string? Description { get; private init; }

    public IReadOnlyList<string> Actions { get; private init; } = [];

    public IReadOnlyList<string> Resources { get; private init; } = [];

    public string? Effect { get; private init; }

    /// <summary>Reads a request body; on failure, <paramref name="error"/> says what is wrong without quoting the body.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out RoleRequest? request, out string? error)
    {
        string? name = null, description = null, effect = null;
        bool hasPolicy = false;
        string[] actions = [], resources = [];

        string? ReadPolicyField(string field, ref Utf8JsonReader reader) => field.ToUpperInvariant() switch
        {
            "DESCRIPTION" => CreateClientRequest.TryReadOptionalString(ref reader, out description) ? null : "'policy.description' must be a string or null.",
            "EFFECT" => CreateClientRequest.TryReadOptionalString(ref reader, out effect) ? null : "'policy.effect' must be the string \"allow\".",
            "ACTIONS" => ReadStrings(ref reader, "policy.actions", "permission names", out actions),
            "RESOURCES" => ReadStrings(ref reader, "policy.resources", "DRNs", out resources),
            _ => StrictJsonObject.UnknownField(field, "policy", KnownPolicyFields),
        };

        string? ReadField(string field, ref Utf8JsonReader reader)
        {
            switch (field.ToUpperInvariant())
            {
                case "NAME":
                    return CreateClientRequest.TryReadOptionalString(ref reader, out name) ? null : "'name' must be a string.";
                case "POLICY":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        return null;
                    }

                    hasPolicy = true;
                    return StrictJsonObject.ReadObject(ref reader, ReadPolicyField, "policy");
                default:
                    return StrictJsonObject.UnknownField(field, KnownFields);
            }
        }

        bool read = StrictJsonObject.TryRead(json, ReadField, "The request body is not valid JSON of the form " + Example + ".", out error);
        request = read
            ? new RoleRequest { Name = name, HasPolicy = hasPolicy, Description = description, Effect = effect, Actions = actions, Resources = resources }
            : null;
        return read;
    }

    /// <summary>The message for a missing body.</summary>
    public static string MissingBody => "The request body is missing; send " + Example + ".";

    /// <summary>
    /// Checks each value, in the order of the body; returns the first problem, naming the field, or
    /// <see langword="null"/>.
    /// </summary>
    /// <param name="knownPermissions">The permissions a role may grant: <see cref="Permissions.All"/> and the host's.</param>
    /// <param name="organizationId">The caller's organization: the only one a DRN may name (besides <c>*</c>).</param>
    public string? Validate(IReadOnlySet<string> knownPermissions, string organizationId)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return $"'name' is required: give the role's name, 1 to {Number(MaxNameLength)} characters.";
        }

        if (!IsValidName(Name))
        {
            return $"'name' must be 1 to {Number(MaxNameLength)} characters, without control or direction-changing characters and without leading or trailing spaces.";
        }

        if (!HasPolicy)
        {
            return "'policy' is required: {\"actions\": [\"<permission>\", ...], \"resources\": [\"<DRN>\", ...], \"description\": \"...\"}.";
        }

        if (Description is { Length: > StoredRole.MaxDescriptionLength })
        {
            return $"'policy.description' is {Number(Description.Length)} characters long; the most is {Number(StoredRole.MaxDescriptionLength)}.";
        }

        if (Description is not null && !IsDisplaySafe(Description))
        {
            return "'policy.description' holds control or direction-changing characters.";
        }

        if (Effect is not null && !string.Equals(Effect, AllowEffect, StringComparison.Ordinal))
        {
            return "'policy.effect' must be \"allow\", the only effect a role has (a role grants; nothing denies), or be left out.";
        }

        if (Actions.Count == 0)
        {
            return $"'policy.actions' is required: give 1 to {Number(StoredRole.MaxPermissions)} permissions, e.g. [\"db-table-select\"].";
        }

        if (Actions.Count > StoredRole.MaxPermissions)
        {
            return $"'policy.actions' holds {Number(Actions.Count)} permissions; a role grants at most {Number(StoredRole.MaxPermissions)}.";
        }

        for (int i = 0; i < Actions.Count; i++)
        {
            if (!knownPermissions.Contains(Actions[i]))
            {
                return $"'policy.actions[{Number(i)}]' is not a permission this server knows: use the names of the DevOps API (e.g. db-table-select, org-db-view) or one the host declares.";
            }
        }

        if (Resources.Count > StoredRole.MaxResources)
        {
            return $"'policy.resources' holds {Number(Resources.Count)} resources; a role names at most {Number(StoredRole.MaxResources)}.";
        }

        for (int i = 0; i < Resources.Count; i++)
        {
            string resource = Resources[i];
            if (resource.Length > StoredRole.MaxResourceLength || !ResourceScope.TryParse(resource, out ResourceScope? scope))
            {
                return $"'policy.resources[{Number(i)}]' is not a valid DRN: use drn:astra:org:<org>[:db:<db>[:keyspace:<keyspace>[:table:<table>]]], with * for any.";
            }

            if (scope.Organization != ResourceScope.Wildcard && !string.Equals(scope.Organization, organizationId, StringComparison.Ordinal))
            {
                return $"'policy.resources[{Number(i)}]' names another organization; a role can name only its own organization's resources (drn:astra:org:{organizationId}...) or drn:astra:org:*....";
            }
        }

        return null;
    }

    /// <summary>The definition handed to <see cref="IRoleManager"/>.</summary>
    public RoleDefinition ToDefinition()
    {
        var definition = new RoleDefinition { Name = Name, Description = Description };
        foreach (string action in Actions)
        {
            definition.Permissions.Add(action);
        }

        foreach (string resource in Resources)
        {
            definition.Resources.Add(resource);
        }

        return definition;
    }

    /// <summary>Reads an array of strings (or <see langword="null"/>, as none), naming an entry of another type by its index.</summary>
    private static string? ReadStrings(ref Utf8JsonReader reader, string path, string what, out string[] values)
    {
        values = [];
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"'{path}' must be an array of {what}.";
        }

        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return $"'{path}[{Number(list.Count)}]' must be a string.";
            }

            list.Add(reader.GetString()!);
        }

        values = [.. list];
        return null;
    }

    // The rules of Role and IRoleManager for names and descriptions: shown to people, so nothing that can hide or
    // reorder text (control characters, line or paragraph separators, bidirectional controls, lone surrogates).
    private static bool IsValidName(string name) =>
        name.Length <= MaxNameLength && !char.IsWhiteSpace(name[0]) && !char.IsWhiteSpace(name[^1]) && IsDisplaySafe(name);

    private static bool IsDisplaySafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || char.IsControl(c) || c is '\u2028' or '\u2029' or '\u061C' or '\u200E' or '\u200F'
                || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069')
            {
                return false;
            }
        }

        return true;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
