namespace TokenSdk.Storage;

/// <summary>
/// The checks every <see cref="IRoleStore"/> applies to a write, against its current durable state, in one place so
/// that stores agree: ids unique for ever, names unique per organization, compare-and-set on versions, no deletion of
/// a role a token holds. Each returns <see langword="null"/> when the write may go ahead.
/// </summary>
internal static class RoleWriteRules
{
    /// <summary>Checks an add against the live roles and the ids of deleted ones.</summary>
    public static RoleStoreResult? CheckAdd(StoredRoleSnapshot live, Func<string, bool> wasDeleted, StoredRole role)
    {
        if (role.Version != 1)
        {
            throw new ArgumentException($"A new role's version is 1, not {role.Version}.", nameof(role));
        }

        if (live.TryGet(role.Id, out _) || wasDeleted(role.Id))
        {
            return RoleStoreResult.IdTaken;
        }

        return live.FindByName(role.OrganizationId, role.Name) is { } holder ? RoleStoreResult.NameTaken(holder) : null;
    }

    /// <summary>Checks an update: the role is live in the same organization, one version behind, and the name is free.</summary>
    public static RoleStoreResult? CheckUpdate(StoredRoleSnapshot live, StoredRole role)
    {
        if (!live.TryGet(role.Id, out StoredRole? current) || !string.Equals(current.OrganizationId, role.OrganizationId, StringComparison.Ordinal))
        {
            return RoleStoreResult.NotFound;
        }

        if (current.Version != role.Version - 1)
        {
            return RoleStoreResult.VersionMismatch(current);
        }

        return live.FindByName(role.OrganizationId, role.Name) is { } holder && !ReferenceEquals(holder, current)
            ? RoleStoreResult.NameTaken(holder)
            : null;
    }

    /// <summary>Checks a deletion; <paramref name="countHolders"/> counts the tokens the store holds with that role.</summary>
    public static RoleStoreResult CheckDelete(StoredRoleSnapshot live, string organizationId, string roleId, long? expectedVersion, Func<StoredRole, int> countHolders, out StoredRole? deleted)
    {
        deleted = null;
        if (!live.TryGet(roleId, out StoredRole? current) || !string.Equals(current.OrganizationId, organizationId, StringComparison.Ordinal))
        {
            return RoleStoreResult.NotFound;
        }

        if (expectedVersion is { } expected && current.Version != expected)
        {
            return RoleStoreResult.VersionMismatch(current);
        }

        int holders = countHolders(current);
        if (holders > 0)
        {
            return RoleStoreResult.InUse(current, holders);
        }

        deleted = current;
        return RoleStoreResult.Success(current);
    }

    /// <summary>Counts the records of <paramref name="tokens"/> holding <paramref name="roleId"/>.</summary>
    public static int CountHolders(IEnumerable<StoredToken> tokens, string roleId)
    {
        int count = 0;
        foreach (StoredToken token in tokens)
        {
            if (TokenRoleIds.Contains(token.RoleId, roleId))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Returns the first role id of <paramref name="token"/> that <paramref name="wasDeleted"/> says was deleted.</summary>
    public static string? FindDeletedRole(StoredToken token, Func<string, bool> wasDeleted)
    {
        foreach (string id in token.RoleIds)
        {
            if (wasDeleted(id))
            {
                return id;
            }
        }

        return null;
    }
}
