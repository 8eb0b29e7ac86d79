using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Roles;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Requires permissions of the endpoints of minimal APIs, route groups and controllers.</summary>
public static class PermissionEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated user holding <paramref name="permission"/> (on <paramref name="resource"/> when given)
    /// for the endpoints of <paramref name="builder"/>: 401 without valid credentials, 403 without the permission.
    /// Several calls all apply.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder type.</typeparam>
    /// <param name="builder">The endpoint convention builder (an endpoint, a route group, controllers).</param>
    /// <param name="permission">The permission name, for example <c>db-cql</c>.</param>
    /// <param name="resource">A DRN the permission must cover, such as <c>drn:astra:org:*:db:orders</c> (<c>*</c> as organization stands for the user's own); <see langword="null"/> for any resource.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="permission"/> is not a permission name.</exception>
    /// <exception cref="FormatException"><paramref name="resource"/> is not a DRN.</exception>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission, string? resource = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = new PermissionRequirement(permission, resource is null ? null : ResourceScope.Parse(resource));
        return builder.RequireAuthorization(policy => policy.AddRequirements(requirement));
    }
}
