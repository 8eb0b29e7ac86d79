using static TokenSdk.Roles.Permissions;

namespace TokenSdk.Roles;

/// <summary>
/// The 16 built-in roles, named as in Astra. Their ids are stable; their permission sets are documented in
/// <c>docs/roles.md</c>.
/// </summary>
/// <remarks>
/// The design rules: Organization Administrator holds every permission. Only Organization Administrator and
/// Database Administrator may manage tokens (<see cref="Permissions.OrgTokenRead"/>, <see cref="Permissions.OrgTokenWrite"/>).
/// API roles lack <see cref="Permissions.DbCql"/>. Service Account roles cannot list users or databases
/// (<see cref="Permissions.OrgUserRead"/>, <see cref="Permissions.OrgDbView"/>). Read Only roles hold no
/// create, alter, drop, modify, grant, authorize or write permission.
/// </remarks>
public static class DefaultRoles
{
    private static readonly string[] s_schemaRead = [DbAllKeyspaceDescribe, DbKeyspaceDescribe, DbTableDescribe];
    private static readonly string[] s_dataRead = [DbTableSelect];
    private static readonly string[] s_dataWrite = [DbKeyspaceModify, DbTableModify];
    private static readonly string[] s_schemaWrite =
    [
        DbAllKeyspaceCreate, DbKeyspaceCreate, DbKeyspaceAlter, DbKeyspaceDrop, DbKeyspaceGrant, DbKeyspaceAuthorize,
        DbTableCreate, DbTableAlter, DbTableDrop, DbTableGrant, DbTableAuthorize,
    ];
    private static readonly string[] s_apis = [DbGraphql, DbRest];
    private static readonly string[] s_userListing = [OrgUserRead, OrgDbView];

    /// <summary>Every permission, including token management, billing, users and roles.</summary>
    public static Role OrganizationAdministrator { get; } = Create(
        "organization-administrator", "Organization Administrator",
        "Full control of the organization: every permission.",
        Permissions.All);

    /// <summary>Manages databases, their data and application tokens; no billing, users, roles or organization settings.</summary>
    public static Role DatabaseAdministrator { get; } = Create(
        "database-administrator", "Database Administrator",
        "Creates and manages databases, keyspaces, tables and data, and manages application tokens.",
        [
            DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, .. s_schemaWrite,
            OrgDbCreate, OrgDbExpand, OrgDbSuspend, OrgDbTerminate, OrgDbView, OrgDbPasswordReset, OrgDbAddPeering,
            OrgDbReadPeering, OrgDbManageMigratorProxy, DbManagePrivateEndpoint, DbManageTelemetry,
            AccessListRead, AccessListWrite, OrgRead, OrgRoleRead, OrgUserRead, OrgTokenRead, OrgTokenWrite,
        ]);

    /// <summary>Reads and changes billing.</summary>
    public static Role BillingAdministrator { get; } = Create(
        "billing-administrator", "Billing Administrator",
        "Reads and changes billing information.",
        [OrgRead, OrgBillingRead, OrgBillingWrite]);

    /// <summary>Sees the organization, its databases, users and roles; changes nothing and reaches no data.</summary>
    public static Role UIViewOnly { get; } = Create(
        "ui-view-only", "UI View Only",
        "Views the organization, its databases, users, roles and access lists; changes nothing and reaches no data.",
        [OrgRead, OrgDbView, OrgDbReadPeering, OrgUserRead, OrgRoleRead, AccessListRead, .. s_schemaRead]);

    /// <summary>Full data and schema access through every API, and can list users and databases.</summary>
    public static Role AdministratorUser { get; } = Create(
        "administrator-user", "Administrator User",
        "Full data and schema access through CQL and the APIs; can list users and databases.",
        [DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, .. s_schemaWrite, OrgRead, .. s_userListing]);

    /// <summary>Administrator User without listing users and databases.</summary>
    public static Role AdministratorServiceAccount { get; } = Create(
        "administrator-service-account", "Administrator Service Account",
        "Full data and schema access through CQL and the APIs, for applications; cannot list users or databases.",
        [DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, .. s_schemaWrite, OrgRead]);

    /// <summary>Reads data and schema through every API, and can list users and databases.</summary>
    public static Role ReadOnlyUser { get; } = Create(
        "read-only-user", "Read Only User",
        "Reads data and schema through CQL and the APIs; can list users and databases.",
        [DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, OrgRead, .. s_userListing]);

    /// <summary>Read Only User without listing users and databases.</summary>
    public static Role ReadOnlyServiceAccount { get; } = Create(
        "read-only-service-account", "Read Only Service Account",
        "Reads data and schema through CQL and the APIs, for applications; cannot list users or databases.",
        [DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, OrgRead]);

    /// <summary>Reads and writes data (no schema changes) through every API, and can list users and databases.</summary>
    public static Role ReadWriteUser { get; } = Create(
        "read-write-user", "Read/Write User",
        "Reads and writes data through CQL and the APIs, without schema changes; can list users and databases.",
        [DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, OrgRead, .. s_userListing]);

    /// <summary>Read/Write User without listing users and databases.</summary>
    public static Role ReadWriteServiceAccount { get; } = Create(
        "read-write-service-account", "Read/Write Service Account",
        "Reads and writes data through CQL and the APIs, without schema changes, for applications; cannot list users or databases.",
        [DbCql, .. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, OrgRead]);

    /// <summary>Administrator User limited to the APIs (no CQL).</summary>
    public static Role ApiAdministratorUser { get; } = Create(
        "api-administrator-user", "API Administrator User",
        "Full data and schema access through the REST, Document and GraphQL APIs (no CQL); can list users and databases.",
        [.. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, .. s_schemaWrite, OrgRead, .. s_userListing]);

    /// <summary>Administrator Service Account limited to the APIs (no CQL).</summary>
    public static Role ApiAdministratorServiceAccount { get; } = Create(
        "api-administrator-service-account", "API Administrator Service Account",
        "Full data and schema access through the APIs (no CQL), for applications; cannot list users or databases.",
        [.. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, .. s_schemaWrite, OrgRead]);

    /// <summary>Read Only User limited to the APIs (no CQL).</summary>
    public static Role ApiReadOnlyUser { get; } = Create(
        "api-read-only-user", "API Read Only User",
        "Reads data and schema through the APIs (no CQL); can list users and databases.",
        [.. s_apis, .. s_schemaRead, .. s_dataRead, OrgRead, .. s_userListing]);

    /// <summary>Read Only Service Account limited to the APIs (no CQL).</summary>
    public static Role ApiReadOnlyServiceAccount { get; } = Create(
        "api-read-only-service-account", "API Read Only Service Account",
        "Reads data and schema through the APIs (no CQL), for applications; cannot list users or databases.",
        [.. s_apis, .. s_schemaRead, .. s_dataRead, OrgRead]);

    /// <summary>Read/Write User limited to the APIs (no CQL).</summary>
    public static Role ApiReadWriteUser { get; } = Create(
        "api-read-write-user", "API Read/Write User",
        "Reads and writes data through the APIs (no CQL), without schema changes; can list users and databases.",
        [.. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, OrgRead, .. s_userListing]);

    /// <summary>Read/Write Service Account limited to the APIs (no CQL).</summary>
    public static Role ApiReadWriteServiceAccount { get; } = Create(
        "api-read-write-service-account", "API Read/Write Service Account",
        "Reads and writes data through the APIs (no CQL), without schema changes, for applications; cannot list users or databases.",
        [.. s_apis, .. s_schemaRead, .. s_dataRead, .. s_dataWrite, OrgRead]);

    /// <summary>Gets the 16 default roles, in the order the original portal lists them.</summary>
    public static IReadOnlyList<Role> All { get; } =
    [
        OrganizationAdministrator, DatabaseAdministrator, BillingAdministrator, UIViewOnly,
        AdministratorUser, AdministratorServiceAccount, ReadOnlyUser, ReadOnlyServiceAccount,
        ReadWriteUser, ReadWriteServiceAccount, ApiAdministratorUser, ApiAdministratorServiceAccount,
        ApiReadOnlyUser, ApiReadOnlyServiceAccount, ApiReadWriteUser, ApiReadWriteServiceAccount,
    ];

    private static Role Create(string id, string name, string description, IEnumerable<string> permissions) =>
        new(id, name, permissions, description, resources: null, isDefault: true);
}
