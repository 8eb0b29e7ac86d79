using Npgsql;
using NpgsqlTypes;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>Maps a <see cref="StoredRole"/> to the parameters of a <c>roles</c> row and back, and folds ids and names as the store compares them.</summary>
internal static class RoleRows
{
    /// <summary>The number of <see cref="StoreSql.RoleColumns"/>.</summary>
    public const int ColumnCount = 13;

    /// <summary>Adds the parameters of <see cref="StoreSql.AddRole"/> and <see cref="StoreSql.UpdateRole"/>.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, StoredRole role)
    {
        parameters.AddWithValue("id", role.Id);
        parameters.AddWithValue("organization_id", role.OrganizationId);
        parameters.AddWithValue("name", role.Name);
        parameters.AddWithValue("name_key", NameKey(role.Name));
        parameters.AddWithValue("description", role.Description);
        parameters.AddWithValue("permissions", NpgsqlDbType.Array | NpgsqlDbType.Text, role.Permissions.ToArray());
        parameters.AddWithValue("resources", NpgsqlDbType.Array | NpgsqlDbType.Text, role.Resources.ToArray());
        parameters.AddWithValue("created_at", NpgsqlDbType.TimestampTz, role.CreatedAt.ToUniversalTime());
        parameters.AddWithValue("created_offset_minutes", (short)role.CreatedAt.Offset.TotalMinutes);
        parameters.AddWithValue("updated_at", NpgsqlDbType.TimestampTz, role.UpdatedAt.ToUniversalTime());
        parameters.AddWithValue("updated_offset_minutes", (short)role.UpdatedAt.Offset.TotalMinutes);
        parameters.AddWithValue("updated_by", role.UpdatedBy);
        parameters.AddWithValue("version", role.Version);
    }

    /// <summary>
    /// The key a name is unique by within an organization: its invariant upper case, which is how
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> (what <see cref="StoredRoleSnapshot.FindByName"/> uses) compares.
    /// Computed here rather than with <c>lower()</c> in the database, whose folding depends on the database's ctype (a
    /// <c>C</c> database folds ASCII letters only) and differs from .NET's for some letters (the dotless i, say).
    /// </summary>
    public static string NameKey(string name) => name.ToUpperInvariant();

    /// <summary>
    /// A token's role id as the database compares it with the stored (ASCII) role ids, <c>lower(id)</c>: its ASCII lower
    /// case; <see langword="null"/> when no ASCII id equals it case-insensitively (as <see cref="StringComparison.OrdinalIgnoreCase"/>
    /// compares), so that no stored role can be the one it names.
    /// </summary>
    public static string? IdKey(string roleId)
    {
        if (!System.Text.Ascii.IsValid(roleId))
        {
            // OrdinalIgnoreCase compares invariant upper cases: a few letters outside ASCII have an ASCII one.
            roleId = roleId.ToUpperInvariant();
            if (!System.Text.Ascii.IsValid(roleId))
            {
                return null;
            }
        }

        return roleId.ToLowerInvariant();
    }

    /// <summary>The record as the database keeps it (times to the microsecond).</summary>
    public static StoredRole AsStored(StoredRole role)
    {
        if (role.CreatedAt.UtcTicks % TokenRows.TimePrecision.Ticks == 0 && role.UpdatedAt.UtcTicks % TokenRows.TimePrecision.Ticks == 0)
        {
            return role;
        }

        return new StoredRole(
            role.Id, role.OrganizationId, role.Name, role.Permissions, role.Resources, role.Description,
            TokenRows.Truncate(role.CreatedAt), TokenRows.Truncate(role.UpdatedAt), role.UpdatedBy, role.Version);
    }

    /// <summary>Reads the <see cref="StoreSql.RoleColumns"/> starting at <paramref name="first"/>, column by column in order.</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="first">The ordinal of <c>id</c>.</param>
    /// <returns>
    /// The row's id, version and whether it is a tombstone, and the role; the role is <see langword="null"/> when the row
    /// holds a value that is not a valid role (written by a newer release, or by hand): such a role resolves to no role.
    /// </returns>
    public static (string Id, long Version, bool Deleted, StoredRole? Role, string? Problem) Read(NpgsqlDataReader reader, int first)
    {
        string id = reader.GetString(first);
        string organizationId = reader.GetString(first + 1);
        string name = reader.GetString(first + 2);
        string description = reader.GetString(first + 3);
        string[] permissions = reader.GetFieldValue<string[]>(first + 4);
        string[] resources = reader.GetFieldValue<string[]>(first + 5);
        DateTimeOffset createdAt = reader.GetFieldValue<DateTimeOffset>(first + 6);
        short createdOffset = reader.GetInt16(first + 7);
        DateTimeOffset updatedAt = reader.GetFieldValue<DateTimeOffset>(first + 8);
        short updatedOffset = reader.GetInt16(first + 9);
        string updatedBy = reader.GetString(first + 10);
        long version = reader.GetInt64(first + 11);
        bool deleted = !reader.IsDBNull(first + 12);
        try
        {
            var role = new StoredRole(
                id, organizationId, name, permissions, resources, description.Length == 0 ? null : description,
                createdAt.ToOffset(TimeSpan.FromMinutes(createdOffset)), updatedAt.ToOffset(TimeSpan.FromMinutes(updatedOffset)), updatedBy, version);
            return (id, version, deleted, role, null);
        }
        catch (ArgumentException ex)
        {
            return (id, version, deleted, null, ex.Message);
        }
    }
}

/// <summary>A <c>roles</c> row as a replica applies it: the role, or <see langword="null"/> for a row that is not a valid role.</summary>
internal sealed record RoleRow(string Id, long Version, bool Deleted, StoredRole? Role);
