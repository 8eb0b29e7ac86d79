using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Roles;

/// <summary>
/// Every role a token can be generated for: the <see cref="DefaultRoles"/>, the host's custom roles and any
/// <see cref="IRoleSource"/>. Lets a UI or CLI list the roles and show a role's permissions before it is chosen.
/// </summary>
public interface IRoleCatalog
{
    /// <summary>Gets every role: default roles first, then custom roles, then roles of the role sources.</summary>
    /// <returns>A snapshot of the roles.</returns>
    IReadOnlyList<Role> GetRoles();

    /// <summary>
    /// Finds a role by its id (case-insensitive). Called on every verification, so implementations must answer from
    /// memory, quickly and without allocating.
    /// </summary>
    /// <param name="id">The role id.</param>
    /// <param name="role">The role when found.</param>
    /// <returns><see langword="true"/> when a role has that id.</returns>
    bool TryGetRole(string id, [NotNullWhen(true)] out Role? role);

    /// <summary>Finds a role by id, or else by name (case-insensitive), as a user would type it.</summary>
    /// <param name="idOrName">The role id or display name.</param>
    /// <returns>The role, or <see langword="null"/> when none matches.</returns>
    Role? FindRole(string idOrName);

    /// <summary>
    /// Gets the roles an organization can use: every role without an organization (default, configured, and role
    /// sources' roles) and the organization's own roles created at run time.
    /// </summary>
    /// <param name="organizationId">The organization.</param>
    /// <returns>A snapshot of the roles.</returns>
    IReadOnlyList<Role> GetRoles(string organizationId)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        return [.. GetRoles().Where(r => r.IsUsableIn(organizationId))];
    }

    /// <summary>Finds a role an organization can use, by id or else by name (case-insensitive), as a user would type it.</summary>
    /// <param name="idOrName">The role id or display name.</param>
    /// <param name="organizationId">The organization.</param>
    /// <returns>The role, or <see langword="null"/> when none the organization can use matches.</returns>
    Role? FindRole(string idOrName, string organizationId)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        ArgumentNullException.ThrowIfNull(organizationId);
        if (TryGetRole(idOrName, out Role? byId) && byId.IsUsableIn(organizationId))
        {
            return byId;
        }

        return GetRoles(organizationId).FirstOrDefault(r => string.Equals(r.Name, idOrName, StringComparison.OrdinalIgnoreCase));
    }
}
