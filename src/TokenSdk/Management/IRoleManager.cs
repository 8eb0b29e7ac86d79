using TokenSdk.Roles;

namespace TokenSdk.Management;

/// <summary>
/// Creates, changes and deletes the custom roles of an organization at run time, as an organization administrator
/// does in the reference system. Roles are kept in the token store (<see cref="Storage.IRoleStore"/>), so every
/// process sharing it sees them; a change applies to every token holding the role within the store's propagation
/// bound (in one process: at once).
/// </summary>
/// <remarks>
/// <para><b>Permissions.</b> Reading needs <see cref="Permissions.OrgRoleRead"/> (or <see cref="Permissions.OrgTokenRead"/>,
/// which lets whoever chooses a role for a token see its permissions first); creating and updating need
/// <see cref="Permissions.OrgRoleWrite"/>; deleting needs <see cref="Permissions.OrgRoleDelete"/>.</para>
/// <para><b>No escalation.</b> A caller cannot create a role, or change one into a role, that grants a permission it
/// does not hold itself on every resource the role covers.</para>
/// <para><b>Read-only roles.</b> Default roles and roles configured by the host cannot be changed or deleted, and a
/// new name may not be one of theirs. Names are unique per organization (case-insensitive).</para>
/// <para><b>Concurrent edits.</b> Without an expected version the last writer wins. With one
/// (<c>If-Match</c> over HTTP) a change applies only to that version, and otherwise fails with
/// <see cref="ManagementStatus.PreconditionFailed"/>.</para>
/// <para><b>Deletion</b> is refused with <see cref="ManagementStatus.RoleInUse"/> while tokens hold the role
/// (<see cref="ManagementResult.TokenCount"/> says how many): delete or rotate them first.</para>
/// <para>Every change and every refusal is audited.</para>
/// </remarks>
public interface IRoleManager
{
    /// <summary>Lists the roles the caller's organization can use: default, configured, and its own custom roles.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The roles, or the refusal.</returns>
    Task<ManagementResult<IReadOnlyList<Role>>> ListAsync(TokenCaller caller, CancellationToken cancellationToken = default);

    /// <summary>Gets one role the caller's organization can use, by id or name.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="roleIdOrName">The role id, or its name (case-insensitive).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The role; <see cref="ManagementStatus.RoleNotFound"/> when the organization has none of that id or name.</returns>
    Task<ManagementResult<Role>> GetAsync(TokenCaller caller, string roleIdOrName, CancellationToken cancellationToken = default);

    /// <summary>Creates a custom role in the caller's organization, with a new id.</summary>
    /// <param name="caller">Who asks; needs <see cref="Permissions.OrgRoleWrite"/>.</param>
    /// <param name="definition">The name and policy.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The role created (version 1), or why not.</returns>
    Task<ManagementResult<Role>> CreateAsync(TokenCaller caller, RoleDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Replaces the name and policy of a custom role of the caller's organization.</summary>
    /// <param name="caller">Who asks; needs <see cref="Permissions.OrgRoleWrite"/>.</param>
    /// <param name="roleId">The role id.</param>
    /// <param name="definition">The new name and policy, whole (fields left out are emptied, not kept).</param>
    /// <param name="expectedVersion">The version the change applies to; <see langword="null"/> for the last writer wins.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The role as changed (its version one more), or why not.</returns>
    Task<ManagementResult<Role>> UpdateAsync(TokenCaller caller, string roleId, RoleDefinition definition, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a custom role of the caller's organization that no token holds.</summary>
    /// <param name="caller">Who asks; needs <see cref="Permissions.OrgRoleDelete"/>.</param>
    /// <param name="roleId">The role id.</param>
    /// <param name="expectedVersion">The version the deletion applies to; <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Success, or why not (<see cref="ManagementStatus.RoleInUse"/> with the token count).</returns>
    Task<ManagementResult> DeleteAsync(TokenCaller caller, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default);
}
