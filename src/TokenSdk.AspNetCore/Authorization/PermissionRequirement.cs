using Microsoft.AspNetCore.Authorization;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Authorization;

/// <summary>
/// Requires the user to hold a permission (a <see cref="TokenSdk.Management.TokenClaimTypes.Permission"/> claim), and, when a
/// resource is given, a role whose resource scopes cover it in the user's own organization.
/// </summary>
/// <remarks>
/// A requirement without a resource also honours a <see cref="ResourceScope"/> passed as the resource of
/// <see cref="IAuthorizationService.AuthorizeAsync(System.Security.Claims.ClaimsPrincipal, object?, IEnumerable{IAuthorizationRequirement})"/>,
/// for resources known only at run time. An organization segment of <c>*</c> in the resource stands for the user's own organization.
/// </remarks>
public sealed class PermissionRequirement : IAuthorizationRequirement
{
    /// <summary>Creates a requirement.</summary>
    /// <param name="permission">The permission name, for example <c>db-cql</c>.</param>
    /// <param name="resource">The resource the permission must cover; <see langword="null"/> for any resource.</param>
    /// <exception cref="ArgumentException"><paramref name="permission"/> is not a well-formed permission name.</exception>
    public PermissionRequirement(string permission, ResourceScope? resource = null)
    {
        ArgumentNullException.ThrowIfNull(permission);
        if (!Permissions.IsWellFormed(permission))
        {
            throw new ArgumentException($"'{permission}' is not a permission name: use 1 to 64 lowercase ASCII letters, digits, '-', '.' or ':', starting with a letter.", nameof(permission));
        }

        Permission = permission;
        Resource = resource;
    }

    /// <summary>Gets the permission name.</summary>
    public string Permission { get; }

    /// <summary>Gets the resource the permission must cover; <see langword="null"/> for any resource.</summary>
    public ResourceScope? Resource { get; }

    /// <summary>Returns the permission and resource.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Resource is null ? $"Permission '{Permission}'" : $"Permission '{Permission}' on {Resource}";
}
