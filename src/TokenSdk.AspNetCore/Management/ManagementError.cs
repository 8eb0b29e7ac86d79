using Microsoft.AspNetCore.Http;

namespace TokenSdk.AspNetCore.Management;

/// <summary>
/// One kind of error of the management API: its HTTP status, its ProblemDetails title and the stable numeric id sent
/// in the Astra-style <c>errors[].ID</c> member. The ids are part of the contract (docs/management.md lists them):
/// never renumber one, only add.
/// </summary>
/// <param name="Id">The stable numeric id: the status code times 100, plus a number within that status.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Title">The ProblemDetails title.</param>
internal sealed record ManagementError(int Id, int Status, string Title)
{
    /// <summary>The body, a field, or a query parameter is not valid.</summary>
    public static readonly ManagementError InvalidRequest = new(40000, StatusCodes.Status400BadRequest, "Invalid request");

    /// <summary>A role asked for in a create request is not in the catalog (the message names the first such role).</summary>
    public static readonly ManagementError UnknownRole = new(40001, StatusCodes.Status400BadRequest, "Unknown role");

    /// <summary>
    /// A create request's <c>roles</c> is not a list a token can hold: more than
    /// <see cref="Credentials.TokenGenerationRequest.MaxRoles"/> roles, or one role twice (by the same or another
    /// spelling, or by id and by name). Before a token could hold several roles, this id meant "more than one role":
    /// the same condition with a lower limit.
    /// </summary>
    public static readonly ManagementError RoleListRefused = new(40002, StatusCodes.Status400BadRequest, "Too many or repeated roles");

    /// <summary>A write authenticated by a browser session (a cookie) without a valid antiforgery token.</summary>
    public static readonly ManagementError AntiforgeryRequired = new(40003, StatusCodes.Status400BadRequest, "Antiforgery token required");

    /// <summary>
    /// A field of a role's body (<c>POST</c> or <c>PUT /v2/organizations/roles</c>) has a value a role cannot have: the
    /// message names the field by its path (<c>name</c>, <c>policy.description</c>, <c>policy.effect</c>,
    /// <c>policy.actions[2]</c>, <c>policy.resources[0]</c>) without quoting it.
    /// </summary>
    public static readonly ManagementError InvalidRole = new(40004, StatusCodes.Status400BadRequest, "Invalid role");

    /// <summary>No valid credential was presented.</summary>
    public static readonly ManagementError AuthenticationRequired = new(40100, StatusCodes.Status401Unauthorized, "Authentication required");

    /// <summary>The caller lacks the permission the operation needs.</summary>
    public static readonly ManagementError PermissionRequired = new(40300, StatusCodes.Status403Forbidden, "Permission required");

    /// <summary>A role asked for would grant more than the caller holds (the message names the first such role).</summary>
    public static readonly ManagementError EscalationRefused = new(40301, StatusCodes.Status403Forbidden, "Privilege escalation refused");

    /// <summary>The caller may not do this for another reason (for example, an <c>orgId</c> that is not its own).</summary>
    public static readonly ManagementError Refused = new(40302, StatusCodes.Status403Forbidden, "Operation refused");

    /// <summary>
    /// The role is a default role or configured by the host: no one can change or delete it at run time (403 rather
    /// than 409: it is a property of the role, not a state of it the caller could resolve and retry).
    /// </summary>
    public static readonly ManagementError RoleReadOnly = new(40303, StatusCodes.Status403Forbidden, "Role read-only");

    /// <summary>No such token in the caller's organization.</summary>
    public static readonly ManagementError TokenNotFound = new(40400, StatusCodes.Status404NotFound, "Not found");

    /// <summary>No role has that id or name.</summary>
    public static readonly ManagementError RoleNotFound = new(40401, StatusCodes.Status404NotFound, "Role not found");

    /// <summary>The deletion policy refused (the organization's last token that can manage tokens).</summary>
    public static readonly ManagementError DeletionRefused = new(40900, StatusCodes.Status409Conflict, "Deletion refused");

    /// <summary>Another role of the organization, or a default or configured role, has the name (names compare case-insensitively).</summary>
    public static readonly ManagementError RoleNameTaken = new(40901, StatusCodes.Status409Conflict, "Role name taken");

    /// <summary>Tokens hold the role, so it was not deleted; the message (and the body's <c>tokenCount</c>) says how many.</summary>
    public static readonly ManagementError RoleInUse = new(40902, StatusCodes.Status409Conflict, "Role in use");

    /// <summary>The role changed since the version <c>If-Match</c> names; nothing changed.</summary>
    public static readonly ManagementError RoleChanged = new(41200, StatusCodes.Status412PreconditionFailed, "Role changed");

    /// <summary>Too many failed authentications from this client.</summary>
    public static readonly ManagementError TooManyFailures = new(42900, StatusCodes.Status429TooManyRequests, "Too many failed authentications");

    /// <summary>The token store cannot be used right now.</summary>
    public static readonly ManagementError StoreUnavailable = new(50300, StatusCodes.Status503ServiceUnavailable, "Token store unavailable");
}
