namespace TokenSdk.Storage;

/// <summary>
/// A token was not added because it holds a role that was deleted from the store (after the caller had checked that
/// the role exists). Nothing was changed; the caller reports the role as not found.
/// </summary>
public sealed class RoleDeletedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="roleId">The deleted role's id.</param>
    public RoleDeletedException(string roleId)
        : base($"The role '{roleId}' was deleted; a token cannot hold it.")
    {
        RoleId = roleId;
    }

    /// <summary>Gets the deleted role's id.</summary>
    public string RoleId { get; }
}
