using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Storage;

/// <summary>
/// The run-time roles of an <see cref="IRoleStore"/> at one moment: immutable, and replaced by a new instance on every
/// change, so a reader can tell that roles changed by comparing references and resolve ids without locks or
/// allocations. Ids compare case-insensitively.
/// </summary>
public sealed class StoredRoleSnapshot : IReadOnlyCollection<StoredRole>
{
    private readonly FrozenDictionary<string, StoredRole> _byId;
    private readonly StoredRole[] _roles;

    /// <summary>Creates a snapshot of <paramref name="roles"/>.</summary>
    /// <param name="roles">The live roles; ids must be distinct (case-insensitive).</param>
    /// <exception cref="ArgumentException">Two roles share an id, or a role is <see langword="null"/>.</exception>
    public StoredRoleSnapshot(IEnumerable<StoredRole> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        _roles = [.. roles];
        var byId = new Dictionary<string, StoredRole>(_roles.Length, StringComparer.OrdinalIgnoreCase);
        foreach (StoredRole role in _roles)
        {
            if (role is null)
            {
                throw new ArgumentException("A role is null.", nameof(roles));
            }

            if (!byId.TryAdd(role.Id, role))
            {
                throw new ArgumentException($"The role id '{role.Id}' is given twice.", nameof(roles));
            }
        }

        Array.Sort(_roles, static (a, b) => StringComparer.Ordinal.Compare(a.Id, b.Id));
        _byId = byId.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets a snapshot without roles.</summary>
    public static StoredRoleSnapshot Empty { get; } = new([]);

    /// <summary>Gets the number of roles.</summary>
    public int Count => _roles.Length;

    /// <summary>Finds a role by id (case-insensitive) without allocating.</summary>
    /// <param name="id">The role id.</param>
    /// <param name="role">The role when found.</param>
    /// <returns><see langword="true"/> when a live role has that id.</returns>
    public bool TryGet(string id, [NotNullWhen(true)] out StoredRole? role)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _byId.TryGetValue(id, out role);
    }

    /// <summary>Finds a role of an organization by its name (case-insensitive).</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="name">The role name.</param>
    /// <returns>The role, or <see langword="null"/>.</returns>
    public StoredRole? FindByName(string organizationId, string name)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        ArgumentNullException.ThrowIfNull(name);
        foreach (StoredRole role in _roles)
        {
            if (string.Equals(role.OrganizationId, organizationId, StringComparison.Ordinal)
                && string.Equals(role.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return role;
            }
        }

        return null;
    }

    /// <summary>Gets the roles of one organization, ordered by id.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <returns>The roles.</returns>
    public IReadOnlyList<StoredRole> InOrganization(string organizationId)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        return Array.FindAll(_roles, r => string.Equals(r.OrganizationId, organizationId, StringComparison.Ordinal));
    }

    /// <summary>Returns a snapshot with <paramref name="role"/> added, or replacing the role of the same id.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The new snapshot; this one is unchanged.</returns>
    public StoredRoleSnapshot With(StoredRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new StoredRoleSnapshot(_roles.Where(r => !string.Equals(r.Id, role.Id, StringComparison.OrdinalIgnoreCase)).Append(role));
    }

    /// <summary>Returns a snapshot without the role of id <paramref name="id"/>.</summary>
    /// <param name="id">The role id.</param>
    /// <returns>The new snapshot; this one is unchanged.</returns>
    public StoredRoleSnapshot Without(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new StoredRoleSnapshot(_roles.Where(r => !string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase)));
    }

    /// <inheritdoc/>
    public IEnumerator<StoredRole> GetEnumerator() => ((IEnumerable<StoredRole>)_roles).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
