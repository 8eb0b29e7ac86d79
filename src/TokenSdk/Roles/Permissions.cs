using System.Collections.Frozen;

namespace TokenSdk.Roles;

/// <summary>
/// The permission names (policy actions) a role can grant, spelled exactly as the Astra DevOps API spells them.
/// </summary>
/// <remarks>
/// Hosts can declare permissions of their own with <see cref="TokenSdkOptions.CustomPermissions"/>; a role
/// that names a permission which is neither listed here nor declared by the host is rejected at start.
/// </remarks>
public static class Permissions
{
    // Database
    /// <summary>Create keyspaces in any keyspace of a database.</summary>
    public const string DbAllKeyspaceCreate = "db-all-keyspace-create";
    /// <summary>Describe every keyspace of a database.</summary>
    public const string DbAllKeyspaceDescribe = "db-all-keyspace-describe";
    /// <summary>Connect with CQL (drivers, cqlsh).</summary>
    public const string DbCql = "db-cql";
    /// <summary>Use the GraphQL API.</summary>
    public const string DbGraphql = "db-graphql";
    /// <summary>Use the REST and Document APIs.</summary>
    public const string DbRest = "db-rest";

    // Keyspace
    /// <summary>Alter a keyspace.</summary>
    public const string DbKeyspaceAlter = "db-keyspace-alter";
    /// <summary>Authorize access to a keyspace.</summary>
    public const string DbKeyspaceAuthorize = "db-keyspace-authorize";
    /// <summary>Create a keyspace.</summary>
    public const string DbKeyspaceCreate = "db-keyspace-create";
    /// <summary>Describe a keyspace.</summary>
    public const string DbKeyspaceDescribe = "db-keyspace-describe";
    /// <summary>Drop a keyspace.</summary>
    public const string DbKeyspaceDrop = "db-keyspace-drop";
    /// <summary>Grant permissions on a keyspace.</summary>
    public const string DbKeyspaceGrant = "db-keyspace-grant";
    /// <summary>Modify data in a keyspace.</summary>
    public const string DbKeyspaceModify = "db-keyspace-modify";

    // Table
    /// <summary>Alter a table.</summary>
    public const string DbTableAlter = "db-table-alter";
    /// <summary>Authorize access to a table.</summary>
    public const string DbTableAuthorize = "db-table-authorize";
    /// <summary>Create a table.</summary>
    public const string DbTableCreate = "db-table-create";
    /// <summary>Describe a table.</summary>
    public const string DbTableDescribe = "db-table-describe";
    /// <summary>Drop a table.</summary>
    public const string DbTableDrop = "db-table-drop";
    /// <summary>Grant permissions on a table.</summary>
    public const string DbTableGrant = "db-table-grant";
    /// <summary>Modify rows of a table.</summary>
    public const string DbTableModify = "db-table-modify";
    /// <summary>Read rows of a table.</summary>
    public const string DbTableSelect = "db-table-select";

    // Organization
    /// <summary>Read the organization's audit log.</summary>
    public const string OrgAuditsRead = "org-audits-read";
    /// <summary>Read billing information.</summary>
    public const string OrgBillingRead = "org-billing-read";
    /// <summary>Change billing information.</summary>
    public const string OrgBillingWrite = "org-billing-write";
    /// <summary>Add a VPC peering to a database.</summary>
    public const string OrgDbAddPeering = "org-db-addpeering";
    /// <summary>Create databases.</summary>
    public const string OrgDbCreate = "org-db-create";
    /// <summary>Expand (resize) databases.</summary>
    public const string OrgDbExpand = "org-db-expand";
    /// <summary>Manage the migrator proxy of a database.</summary>
    public const string OrgDbManageMigratorProxy = "org-db-managemigratorproxy";
    /// <summary>Reset database passwords.</summary>
    public const string OrgDbPasswordReset = "org-db-passwordreset";
    /// <summary>Suspend (park) databases.</summary>
    public const string OrgDbSuspend = "org-db-suspend";
    /// <summary>Terminate databases.</summary>
    public const string OrgDbTerminate = "org-db-terminate";
    /// <summary>View (list) databases.</summary>
    public const string OrgDbView = "org-db-view";
    /// <summary>Read external authentication settings.</summary>
    public const string OrgExternalAuthRead = "org-external-auth-read";
    /// <summary>Change external authentication settings.</summary>
    public const string OrgExternalAuthWrite = "org-external-auth-write";
    /// <summary>Change notification settings.</summary>
    public const string OrgNotificationWrite = "org-notification-write";
    /// <summary>Read the organization.</summary>
    public const string OrgRead = "org-read";
    /// <summary>Change the organization.</summary>
    public const string OrgWrite = "org-write";
    /// <summary>Delete custom roles.</summary>
    public const string OrgRoleDelete = "org-role-delete";
    /// <summary>Read roles.</summary>
    public const string OrgRoleRead = "org-role-read";
    /// <summary>Create and change custom roles.</summary>
    public const string OrgRoleWrite = "org-role-write";
    /// <summary>List and read application tokens (never their secrets).</summary>
    public const string OrgTokenRead = "org-token-read";
    /// <summary>Generate, rotate and delete application tokens.</summary>
    public const string OrgTokenWrite = "org-token-write";
    /// <summary>Read (list) users.</summary>
    public const string OrgUserRead = "org-user-read";
    /// <summary>Invite, change and remove users.</summary>
    public const string OrgUserWrite = "org-user-write";

    // Other
    /// <summary>Read IP access lists.</summary>
    public const string AccessListRead = "accesslist-read";
    /// <summary>Change IP access lists.</summary>
    public const string AccessListWrite = "accesslist-write";
    /// <summary>Manage private endpoints of a database.</summary>
    public const string DbManagePrivateEndpoint = "db-manage-privateendpoint";
    /// <summary>Manage telemetry export of a database.</summary>
    public const string DbManageTelemetry = "db-manage-telemetry";
    /// <summary>Read the VPC peerings of a database.</summary>
    public const string OrgDbReadPeering = "org-db-readpeering";

    /// <summary>Gets every built-in permission name, in the order declared above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        DbAllKeyspaceCreate, DbAllKeyspaceDescribe, DbCql, DbGraphql, DbRest,
        DbKeyspaceAlter, DbKeyspaceAuthorize, DbKeyspaceCreate, DbKeyspaceDescribe, DbKeyspaceDrop, DbKeyspaceGrant, DbKeyspaceModify,
        DbTableAlter, DbTableAuthorize, DbTableCreate, DbTableDescribe, DbTableDrop, DbTableGrant, DbTableModify, DbTableSelect,
        OrgAuditsRead, OrgBillingRead, OrgBillingWrite, OrgDbAddPeering, OrgDbCreate, OrgDbExpand, OrgDbManageMigratorProxy,
        OrgDbPasswordReset, OrgDbSuspend, OrgDbTerminate, OrgDbView, OrgExternalAuthRead, OrgExternalAuthWrite,
        OrgNotificationWrite, OrgRead, OrgWrite, OrgRoleDelete, OrgRoleRead, OrgRoleWrite, OrgTokenRead, OrgTokenWrite,
        OrgUserRead, OrgUserWrite,
        AccessListRead, AccessListWrite, DbManagePrivateEndpoint, DbManageTelemetry, OrgDbReadPeering,
    ];

    private static readonly FrozenSet<string> s_known = All.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Returns whether <paramref name="permission"/> is one of the built-in permission names.</summary>
    /// <param name="permission">The permission name; compared ordinally (names are lowercase).</param>
    /// <returns><see langword="true"/> when the name is built in.</returns>
    public static bool IsBuiltIn(string? permission) => permission is not null && s_known.Contains(permission);

    /// <summary>
    /// Returns whether <paramref name="permission"/> is a well-formed permission name: 1 to 64 characters of
    /// lowercase ASCII letters, digits, <c>-</c>, <c>.</c> or <c>:</c>, starting with a letter.
    /// </summary>
    /// <param name="permission">The name to check.</param>
    /// <returns><see langword="true"/> when the name is well formed.</returns>
    public static bool IsWellFormed(string? permission)
    {
        if (string.IsNullOrEmpty(permission) || permission.Length > 64 || !char.IsAsciiLetterLower(permission[0]))
        {
            return false;
        }

        foreach (char c in permission)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
