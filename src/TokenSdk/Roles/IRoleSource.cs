using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Roles;

/// <summary>
/// A source of custom roles that can change while the host runs, for example roles kept in a database and edited
/// by administrators. Register one with <c>ITokenSdkBuilder.AddRoleSource&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// <para>The catalog consults sources after the default and statically registered roles, so a source can never
/// replace one of those: a source role whose id or name clashes with them is ignored.</para>
/// <para><see cref="TryGetRole"/> is called during verification, so it should answer from memory. Because tokens
/// hold only a role id, a change to a role applies at once to every token that holds it.</para>
/// <para>Roles from a source are trusted: the source is responsible for their permissions being meaningful to the host.</para>
/// </remarks>
public interface IRoleSource
{
    /// <summary>Gets every role of this source.</summary>
    /// <returns>The roles.</returns>
    IEnumerable<Role> GetRoles();

    /// <summary>Finds a role by id.</summary>
    /// <param name="id">The role id; compare it case-insensitively (<see cref="StringComparer.OrdinalIgnoreCase"/>), as the catalog does.</param>
    /// <param name="role">The role when found.</param>
    /// <returns><see langword="true"/> when the source has a role with that id.</returns>
    bool TryGetRole(string id, [NotNullWhen(true)] out Role? role);
}
