using System.Text.Json;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// Writes roles in the DevOps API's shape: <c>{"id", "name", "policy": {"description", "resources", "actions",
/// "effect"}, "last_update_datetime", "last_update_userid"}</c>.
/// </summary>
/// <remarks>
/// A custom role created at run time (<see cref="Role.IsEditable"/>) reports its last change: <c>last_update_datetime</c>
/// is when (UTC, milliseconds, as <c>generatedOn</c>) and <c>last_update_userid</c> who (a user or client id). Default
/// and configured roles are never edited at run time, so they have no last update: <c>last_update_datetime</c> is the
/// fixed instant <see cref="NeverUpdated"/> (a valid ISO-8601 instant, for clients that parse it as a date) and
/// <c>last_update_userid</c> is <see langword="null"/>. A role without resources covers its organization, written as
/// the caller's organization's DRN.
/// </remarks>
internal static class AstraRoleJson
{
    /// <summary>The <c>last_update_datetime</c> of a default or configured role: the Unix epoch.</summary>
    public const string NeverUpdated = "1970-01-01T00:00:00Z";

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

    /// <summary>The entity tag of a role that can change (its version, quoted: <c>"3"</c>), or <see langword="null"/> for a read-only role.</summary>
    public static string? ETag(Role role) =>
        role.IsEditable ? "\"" + role.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"" : null;

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
        if (role.IsEditable && role.UpdatedAt is { } updatedAt)
        {
            json.WriteString("last_update_datetime", AstraTokenJson.FormatInstant(updatedAt));
        }
        else
        {
            json.WriteString("last_update_datetime", NeverUpdated);
        }

        if (role.IsEditable && role.UpdatedBy is { } updatedBy)
        {
            json.WriteString("last_update_userid", updatedBy);
        }
        else
        {
            json.WriteNull("last_update_userid");
        }
        json.WriteEndObject();
    }
}
