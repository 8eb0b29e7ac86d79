using System.Text.Json;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// Writes roles in the DevOps API's shape: <c>{"id", "name", "policy": {"description", "resources", "actions",
/// "effect"}, "last_update_datetime", "last_update_userid"}</c>.
/// </summary>
/// <remarks>
/// TokenSdk's roles are configured, not edited at run time, so they have no last update: <c>last_update_datetime</c>
/// is the fixed instant <see cref="NeverUpdated"/> (a valid ISO-8601 instant, for clients that parse it as a date)
/// and <c>last_update_userid</c> is <see langword="null"/>. A role without resources covers its organization, written
/// as the caller's organization's DRN.
/// </remarks>
internal static class AstraRoleJson
{
    /// <summary>The <c>last_update_datetime</c> of every role: the Unix epoch.</summary>
    public const string NeverUpdated = "1970-01-01T00:00:00Z";

    /// <summary>Finds a role of <paramref name="roles"/> by id, or else by name; both case-insensitive.</summary>
    public static Role? Find(IReadOnlyList<Role> roles, string idOrName) =>
        roles.FirstOrDefault(r => string.Equals(r.Id, idOrName, StringComparison.OrdinalIgnoreCase))
        ?? roles.FirstOrDefault(r => string.Equals(r.Name, idOrName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Writes an array of roles.</summary>
    public static void WriteRoles(Utf8JsonWriter json, IReadOnlyList<Role> roles, string organizationId)
    {
        json.WriteStartArray();
        foreach (Role role in roles)
        {
            WriteRole(json, role, organizationId);
        }

        json.WriteEndArray();
    }

    /// <summary>Writes one role.</summary>
    public static void WriteRole(Utf8JsonWriter json, Role role, string organizationId)
    {
        json.WriteStartObject();
        json.WriteString("id", role.Id);
        json.WriteString("name", role.Name);
        json.WriteStartObject("policy");
        json.WriteString("description", role.Description);
        json.WriteStartArray("resources");
        if (role.Resources.Count == 0)
        {
            json.WriteStringValue("drn:astra:org:" + organizationId);
        }

        foreach (ResourceScope resource in role.Resources)
        {
            json.WriteStringValue(resource.ToString());
        }

        json.WriteEndArray();
        json.WriteStartArray("actions");
        foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(permission);
        }

        json.WriteEndArray();
        json.WriteString("effect", "allow");
        json.WriteEndObject();
        json.WriteString("last_update_datetime", NeverUpdated);
        json.WriteNull("last_update_userid");
        json.WriteEndObject();
    }
}
