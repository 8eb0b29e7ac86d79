namespace TokenSdk.Storage;

/// <summary>
/// Keeps the roles created at run time, beside the tokens of the same store, so that every process sharing the
/// store sees the same roles. Implemented by the token stores of this repository (<see cref="InMemoryTokenStore"/>,
/// <see cref="FileTokenStore"/>, and the PostgreSQL store).
/// </summary>
/// <remarks>
/// <para><b>Reads</b> come from memory: <see cref="Roles"/> is a snapshot that verification reads on every token, so
/// it must not block or allocate. A store shared by processes brings it up to date within the same bound as token
/// deletions; changes made through this instance are in it when the call returns.</para>
/// <para><b>Writes</b> are checked against the store's durable state, not the snapshot: ids are unique for ever (a
/// deleted id is never used again), names are unique per organization (case-insensitive), an update or a deletion
/// given a version applies only to that version (compare-and-set), and a role that a stored token holds is never
/// deleted. Together with <see cref="ITokenStore.TryAddAsync"/>, which refuses a token holding a deleted role
/// (<see cref="RoleDeletedException"/>), no token can ever be left holding a role that does not exist.</para>
/// <para>A store stores and finds; it does not decide. Who may change roles, escalation, and whether a permission
/// exists are decided by <see cref="Management.IRoleManager"/>.</para>
/// </remarks>
public interface IRoleStore
{
    /// <summary>Gets the live run-time roles as this process knows them now; a new instance after every change.</summary>
    StoredRoleSnapshot Roles { get; }

    /// <summary>Adds a role (its <see cref="StoredRole.Version"/> must be 1).</summary>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <see cref="RoleStoreStatus.Succeeded"/>; <see cref="RoleStoreStatus.IdTaken"/> when the id exists or was deleted;
    /// <see cref="RoleStoreStatus.NameTaken"/> when another role of the organization has the name.
    /// </returns>
    /// <exception cref="ArgumentException">The role's version is not 1.</exception>
    /// <exception cref="TokenStoreException">The store cannot be written; nothing changed.</exception>
    Task<RoleStoreResult> AddRoleAsync(StoredRole role, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a role by a new version of it: applied only when the stored role's version is one less than
    /// <paramref name="role"/>'s, and it belongs to the same organization.
    /// </summary>
    /// <param name="role">The new version of the role; its id may differ in case from the stored one, which keeps its spelling.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <see cref="RoleStoreStatus.Succeeded"/> with the role as stored; <see cref="RoleStoreStatus.NotFound"/> (no live role of that id in that
    /// organization); <see cref="RoleStoreStatus.VersionMismatch"/> with the stored role in <see cref="RoleStoreResult.Role"/>;
    /// <see cref="RoleStoreStatus.NameTaken"/>.
    /// </returns>
    /// <exception cref="TokenStoreException">The store cannot be written; nothing changed.</exception>
    Task<RoleStoreResult> UpdateRoleAsync(StoredRole role, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a role unless a token the store holds has it: a live one, or an expired one not yet purged (see
    /// <see cref="Management.ITokenManager.PurgeExpiredAsync"/>).
    /// </summary>
    /// <param name="organizationId">The organization the role must belong to.</param>
    /// <param name="roleId">The role id.</param>
    /// <param name="expectedVersion">The version the role must have; <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <see cref="RoleStoreStatus.Succeeded"/> with the deleted role; <see cref="RoleStoreStatus.NotFound"/>;
    /// <see cref="RoleStoreStatus.VersionMismatch"/>; <see cref="RoleStoreStatus.InUse"/> with
    /// <see cref="RoleStoreResult.TokenCount"/>.
    /// </returns>
    /// <exception cref="TokenStoreException">The store cannot be written; nothing changed.</exception>
    Task<RoleStoreResult> DeleteRoleAsync(string organizationId, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default);
}
