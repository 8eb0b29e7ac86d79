using Microsoft.AspNetCore.Authorization;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Authorization;

/// <summary>
/// Endpoint metadata that requires a permission, for controllers and actions (<c>[RequirePermission("db-cql")]</c>)
/// and minimal API handlers. Several attributes all apply. Needs <c>AddApplicationTokens()</c>, which registers the handler.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequirePermissionAttribute : Attribute, IAuthorizationRequirementData
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="permission">The permission name, for example <c>db-cql</c>.</param>
    public RequirePermissionAttribute(string permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        Permission = permission;
    }

    /// <summary>Gets the permission name.</summary>
    public string Permission { get; }

    /// <summary>
    /// Gets or sets the resource the permission must cover, as a DRN such as <c>drn:astra:org:*:db:orders</c>
    /// (<c>*</c> as organization stands for the user's own).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: any resource.</value>
    public string? Resource { get; set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><see cref="Permission"/> is not a permission name.</exception>
    /// <exception cref="FormatException"><see cref="Resource"/> is not a DRN.</exception>
    public IEnumerable<IAuthorizationRequirement> GetRequirements()
    {
        yield return new PermissionRequirement(Permission, Resource is null ? null : ResourceScope.Parse(Resource));
    }
}
