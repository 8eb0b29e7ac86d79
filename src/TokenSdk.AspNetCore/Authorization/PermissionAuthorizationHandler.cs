using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Authorization;

/// <summary>
/// Decides a <see cref="PermissionRequirement"/>: the permission claim must be present on an authenticated identity;
/// for a resource, the resource must lie in the identity's organization and one of its roles (resolved through the
/// <see cref="IRoleCatalog"/> among the roles that organization can use) must grant the permission on it.
/// </summary>
internal sealed class PermissionAuthorizationHandler : AuthorizationHandler<PermissionRequirement>
{
    private readonly IRoleCatalog _roles;

    public PermissionAuthorizationHandler(IRoleCatalog roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        _roles = roles;
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        ResourceScope? resource = requirement.Resource ?? context.Resource as ResourceScope;
        foreach (ClaimsIdentity identity in context.User.Identities)
        {
            if (identity.IsAuthenticated && IsAllowed(identity, requirement.Permission, resource))
            {
                context.Succeed(requirement);
                break;
            }
        }

        return Task.CompletedTask;
    }

    private bool IsAllowed(ClaimsIdentity identity, string permission, ResourceScope? resource)
    {
        if (!identity.HasClaim(TokenClaimTypes.Permission, permission))
        {
            return false;
        }

        if (resource is null)
        {
            return true;
        }

        string? organization = identity.FindFirst(TokenClaimTypes.OrganizationId)?.Value;
        if (string.IsNullOrEmpty(organization))
        {
            return false;
        }

        resource = InOrganization(resource, organization);
        if (!string.Equals(resource.Organization, organization, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (Claim claim in identity.FindAll(identity.RoleClaimType))
        {
            // Only roles the identity's organization can use: another organization's custom role grants nothing here.
            if (_roles.FindRole(claim.Value, organization) is { } role && role.Allows(permission, resource))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces an organization of <c>*</c> by the user's own.</summary>
    private static ResourceScope InOrganization(ResourceScope resource, string organization)
    {
        if (resource.Organization != ResourceScope.Wildcard)
        {
            return resource;
        }

        return resource switch
        {
            { Table: { } table } => ResourceScope.ForTable(organization, resource.Database!, resource.Keyspace!, table),
            { Keyspace: { } keyspace } => ResourceScope.ForKeyspace(organization, resource.Database!, keyspace),
            { Database: { } database } => ResourceScope.ForDatabase(organization, database),
            _ => ResourceScope.ForOrganization(organization),
        };
    }
}
