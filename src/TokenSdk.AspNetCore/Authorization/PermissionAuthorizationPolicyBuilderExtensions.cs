using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Roles;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Adds permission requirements to authorization policies.</summary>
public static class PermissionAuthorizationPolicyBuilderExtensions
{
    /// <summary>Requires the user to hold <paramref name="permission"/>, on <paramref name="resource"/> when given.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="permission">The permission name, for example <c>db-cql</c>.</param>
    /// <param name="resource">A DRN the permission must cover, such as <c>drn:astra:org:*:db:orders</c> (<c>*</c> as organization stands for the user's own); <see langword="null"/> for any resource.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="permission"/> is not a permission name.</exception>
    /// <exception cref="FormatException"><paramref name="resource"/> is not a DRN.</exception>
    public static AuthorizationPolicyBuilder RequirePermission(this AuthorizationPolicyBuilder builder, string permission, string? resource = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(new PermissionRequirement(permission, resource is null ? null : ResourceScope.Parse(resource)));
    }
}
