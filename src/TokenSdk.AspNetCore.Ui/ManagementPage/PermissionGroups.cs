using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Ui;

/// <summary>
/// Sorts a role's permissions into the groups the page shows, by the level of the resource they act on, as the Astra
/// portal does: organization, database, keyspace, table, and the host's own permissions.
/// </summary>
internal static class PermissionGroups
{
    /// <summary>The groups in the order shown: id and label.</summary>
    public static IReadOnlyList<(string Id, string Label)> All { get; } =
    [
        ("organization", "Organization"),
        ("database", "Database"),
        ("keyspace", "Keyspace"),
        ("table", "Table"),
        ("other", "Other"),
    ];

    /// <summary>
    /// Returns the group of <paramref name="permission"/>: <c>org-*</c> and <c>accesslist-*</c> organization;
    /// <c>db-keyspace-*</c> and <c>db-all-keyspace-*</c> keyspace; <c>db-table-*</c> table; any other <c>db-*</c>
    /// database; a permission the host declared (not built in) other, whatever its name.
    /// </summary>
    public static string Of(string permission)
    {
        if (!Permissions.IsBuiltIn(permission))
        {
            return "other";
        }

        return permission switch
        {
            _ when permission.StartsWith("org-", StringComparison.Ordinal) || permission.StartsWith("accesslist-", StringComparison.Ordinal) => "organization",
            _ when permission.StartsWith("db-keyspace-", StringComparison.Ordinal) || permission.StartsWith("db-all-keyspace-", StringComparison.Ordinal) => "keyspace",
            _ when permission.StartsWith("db-table-", StringComparison.Ordinal) => "table",
            _ when permission.StartsWith("db-", StringComparison.Ordinal) => "database",
            _ => "other",
        };
    }
}
