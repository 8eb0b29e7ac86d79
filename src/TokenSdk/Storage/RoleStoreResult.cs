namespace TokenSdk.Storage;

/// <summary>The outcome of a write to an <see cref="IRoleStore"/>.</summary>
public enum RoleStoreStatus
{
    /// <summary>The write was applied.</summary>
    Succeeded = 0,

    /// <summary>No live role of that id in that organization.</summary>
    NotFound = 1,

    /// <summary>The id is used by a role, live or deleted.</summary>
    IdTaken = 2,

    /// <summary>Another live role of the organization has the name (case-insensitive).</summary>
    NameTaken = 3,

    /// <summary>The role has another version than the write expected; <see cref="RoleStoreResult.Role"/> is the stored one.</summary>
    VersionMismatch = 4,

    /// <summary>Tokens of the store hold the role (<see cref="RoleStoreResult.TokenCount"/>); it was not deleted.</summary>
    InUse = 5,
}

/// <summary>The outcome of a write to an <see cref="IRoleStore"/>: a status, and the role concerned.</summary>
public sealed class RoleStoreResult
{
    private RoleStoreResult(RoleStoreStatus status, StoredRole? role, int tokenCount)
    {
        Status = status;
        Role = role;
        TokenCount = tokenCount;
    }

    /// <summary>Gets the outcome.</summary>
    public RoleStoreStatus Status { get; }

    /// <summary>Gets whether the write was applied.</summary>
    public bool Succeeded => Status == RoleStoreStatus.Succeeded;

    /// <summary>
    /// Gets the role written (or deleted) on success; the stored role for <see cref="RoleStoreStatus.VersionMismatch"/>;
    /// the role holding the name for <see cref="RoleStoreStatus.NameTaken"/>; otherwise <see langword="null"/>.
    /// </summary>
    public StoredRole? Role { get; }

    /// <summary>Gets how many tokens the store holds with the role (expired ones not yet purged included), for <see cref="RoleStoreStatus.InUse"/>.</summary>
    public int TokenCount { get; }

    /// <summary>A write that was applied.</summary>
    /// <param name="role">The role written or deleted.</param>
    /// <returns>The result.</returns>
    public static RoleStoreResult Success(StoredRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new(RoleStoreStatus.Succeeded, role, 0);
    }

    /// <summary>A write refused because no live role of that id is in the organization.</summary>
    public static RoleStoreResult NotFound { get; } = new(RoleStoreStatus.NotFound, null, 0);

    /// <summary>A write refused because the id is or was in use.</summary>
    public static RoleStoreResult IdTaken { get; } = new(RoleStoreStatus.IdTaken, null, 0);

    /// <summary>A write refused because another role of the organization has the name.</summary>
    /// <param name="holder">The role that has it.</param>
    /// <returns>The result.</returns>
    public static RoleStoreResult NameTaken(StoredRole holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new(RoleStoreStatus.NameTaken, holder, 0);
    }

    /// <summary>A write refused because the role has another version.</summary>
    /// <param name="stored">The role as stored.</param>
    /// <returns>The result.</returns>
    public static RoleStoreResult VersionMismatch(StoredRole stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(RoleStoreStatus.VersionMismatch, stored, 0);
    }

    /// <summary>A deletion refused because tokens of the store hold the role.</summary>
    /// <param name="role">The role.</param>
    /// <param name="tokenCount">How many tokens hold it (at least 1).</param>
    /// <returns>The result.</returns>
    public static RoleStoreResult InUse(StoredRole role, int tokenCount)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenCount, 1);
        return new(RoleStoreStatus.InUse, role, tokenCount);
    }

    /// <summary>Returns the status, the role and the token count when it matters.</summary>
    /// <returns>A description.</returns>
    public override string ToString() =>
        Status + (Role is null ? "" : $" {Role}") + (Status == RoleStoreStatus.InUse ? $" held by {TokenCount} token(s)" : "");
}
