using System.Collections.Frozen;

namespace TokenSdk.Roles;

/// <summary>
/// The roles of a token that holds several: its permissions are the union of theirs, and each role keeps its own
/// resource scopes (a permission is allowed on a resource when one role that holds it covers the resource). Immutable;
/// the verifier keeps one per distinct combination, so verification allocates nothing once a combination is known.
/// </summary>
internal sealed class RoleSet
{
    public RoleSet(string storedRoleIds, string[] roleIds, Role[] roles)
    {
        System.Diagnostics.Debug.Assert(roleIds.Length == roles.Length && roles.Length > 1, "One role per id, several roles.");
        StoredRoleIds = storedRoleIds;
        RoleIds = roleIds;
        Members = roles;
        Roles = Array.AsReadOnly(roles);
        Permissions = roles.SelectMany(r => r.Permissions).ToFrozenSet(StringComparer.Ordinal);
        Names = string.Join(", ", roles.Select(r => r.Name));
    }

    /// <summary>Gets the stored form this set was resolved from.</summary>
    public string StoredRoleIds { get; }

    /// <summary>Gets the role ids, in order.</summary>
    public string[] RoleIds { get; }

    /// <summary>Gets the roles, in order (the same instances the catalog returned).</summary>
    public Role[] Members { get; }

    /// <summary>Gets the roles as a read-only list.</summary>
    public IReadOnlyList<Role> Roles { get; }

    /// <summary>Gets the union of the roles' permissions.</summary>
    public IReadOnlySet<string> Permissions { get; }

    /// <summary>Gets the role names joined with <c>", "</c>.</summary>
    public string Names { get; }

    /// <summary>Returns whether every role of the set can be held by tokens of <paramref name="organizationId"/>.</summary>
    public bool IsUsableIn(string organizationId)
    {
        foreach (Role role in Members)
        {
            if (!role.IsUsableIn(organizationId))
            {
                return false;
            }
        }

        return true;
    }

    public bool Allows(string permission, ResourceScope resource)
    {
        foreach (Role role in Members)
        {
            if (role.Allows(permission, resource))
            {
                return true;
            }
        }

        return false;
    }
}
