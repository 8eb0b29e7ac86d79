using System.Security.Claims;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Management;

/// <summary>
/// Whoever asks for a management operation: a person or an application token, with an organization and roles.
/// Build one from a <see cref="ClaimsPrincipal"/> (<see cref="FromPrincipal"/>) or from a verified token
/// (<see cref="FromVerification"/>), or directly.
/// </summary>
public sealed class TokenCaller
{
    private readonly Role[] _roles;

    /// <summary>Creates a caller.</summary>
    /// <param name="id">Who acts (a user name or a client id); recorded in the audit trail.</param>
    /// <param name="organizationId">The organization the caller belongs to and may manage.</param>
    /// <param name="roles">The caller's roles.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> or <paramref name="organizationId"/> is empty.</exception>
    public TokenCaller(string id, string organizationId, IEnumerable<Role> roles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentNullException.ThrowIfNull(roles);
        Id = id;
        OrganizationId = organizationId;
        _roles = roles.Where(r => r is not null).Distinct().ToArray();
    }

    /// <summary>Gets who acts.</summary>
    public string Id { get; }

    /// <summary>Gets the organization the caller may manage.</summary>
    public string OrganizationId { get; }

    /// <summary>
    /// Gets the client id of the application token the caller presented, or <see langword="null"/> when the caller is
    /// not a token (a signed-in person, the CLI, code acting in its own name).
    /// </summary>
    /// <remarks>
    /// Set by <see cref="FromVerification"/>, and by <see cref="FromPrincipal"/> for a principal authenticated by an
    /// application token (its <see cref="TokenClaimTypes.ClientId"/> claim). The lock-out guard of
    /// <see cref="TokenDeletionPolicy"/> applies only to token callers: a caller that is not a token is itself a way to
    /// manage the organization's tokens, so deleting the last token that can manage tokens cannot lock it out.
    /// </remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ClientId { get; init; }

    /// <summary>Gets the caller's roles.</summary>
    public IReadOnlyList<Role> Roles => _roles;

    /// <summary>Returns whether one of the caller's roles grants <paramref name="permission"/>.</summary>
    /// <param name="permission">The permission.</param>
    /// <returns><see langword="true"/> when held.</returns>
    public bool HasPermission(string permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        return _roles.Any(r => r.HasPermission(permission));
    }

    /// <summary>
    /// Returns the first permission of <paramref name="role"/> that the caller cannot pass on: one it does not hold,
    /// or holds only on narrower resources than <paramref name="role"/> grants it on. <see langword="null"/> when
    /// the caller may hand out <paramref name="role"/> without escalating its own privileges.
    /// </summary>
    /// <param name="role">The role of the token to be created.</param>
    /// <returns>The first permission that would be an escalation, or <see langword="null"/>.</returns>
    /// <remarks>
    /// This judges the caller's roles as given. The token manager judges them as the host's role catalog defines them,
    /// where the Organization Administrator also holds the permissions the host declares.
    /// </remarks>
    public string? FindEscalation(Role role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return FindEscalation(_roles, role);
    }

    /// <summary>
    /// <see cref="FindEscalation(Role)"/> with the caller's default roles as <paramref name="catalog"/> defines them:
    /// there the Organization Administrator holds every permission of the organization, the host's declared ones
    /// included, whether the caller was given that catalog's role or <see cref="DefaultRoles.OrganizationAdministrator"/>.
    /// </summary>
    internal string? FindEscalation(Role role, IRoleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(catalog);
        return FindEscalation(Array.ConvertAll(_roles, mine => InCatalog(mine, catalog)), role);
    }

    // A default role's id names the same role in every catalog; a catalog's own copy may hold more (the host's
    // declared permissions). Custom roles are taken as given.
    private static Role InCatalog(Role role, IRoleCatalog catalog) =>
        role.IsDefault && catalog.TryGetRole(role.Id, out Role? current) && current.IsDefault
            && string.Equals(current.Id, role.Id, StringComparison.Ordinal)
            ? current
            : role;

    private static string? FindEscalation(Role[] callerRoles, Role role)
    {
        foreach (string permission in role.Permissions.Order(StringComparer.Ordinal))
        {
            if (!CanGrant(callerRoles, permission, role.Resources))
            {
                return permission;
            }
        }

        return null;
    }

    private static bool CanGrant(Role[] callerRoles, string permission, IReadOnlyList<ResourceScope> wanted)
    {
        List<ResourceScope> held = [];
        foreach (Role mine in callerRoles)
        {
            if (!mine.HasPermission(permission))
            {
                continue;
            }

            if (mine.Resources.Count == 0)
            {
                return true;
            }

            held.AddRange(mine.Resources);
        }

        // An unrestricted role needs an unrestricted grant; a restricted one needs every scope covered.
        return wanted.Count > 0 && held.Count > 0 && wanted.All(w => held.Any(h => h.Covers(w)));
    }

    /// <summary>
    /// Creates a caller from the authenticated identities of a principal (unauthenticated identities are ignored): the id from <see cref="ClaimTypes.NameIdentifier"/>,
    /// <see cref="ClaimTypes.Name"/> or <see cref="TokenClaimTypes.ClientId"/>; the organization from
    /// <see cref="TokenClaimTypes.OrganizationId"/> (else <paramref name="defaultOrganizationId"/>); the roles from
    /// the identity's role claims, each a role id or name found in <paramref name="roles"/> (unknown ones are ignored).
    /// </summary>
    /// <param name="principal">The principal.</param>
    /// <param name="roles">The role catalog.</param>
    /// <param name="defaultOrganizationId">The organization when the principal names none.</param>
    /// <returns>The caller; an unauthenticated principal gets no roles.</returns>
    public static TokenCaller FromPrincipal(ClaimsPrincipal principal, IRoleCatalog roles, string defaultOrganizationId = TokenSdkOptions.DefaultOrganization)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultOrganizationId);

        // Only authenticated identities speak for the caller: an unauthenticated identity cannot pick its id,
        // its organization or its roles.
        ClaimsIdentity[] identities = principal.Identities.Where(i => i.IsAuthenticated).ToArray();
        string? First(string claimType) =>
            identities.SelectMany(i => i.FindAll(claimType)).Select(c => c.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));

        string id = First(ClaimTypes.NameIdentifier) ?? First(ClaimTypes.Name) ?? First(TokenClaimTypes.ClientId) ?? "anonymous";
        string organizationId = First(TokenClaimTypes.OrganizationId) ?? defaultOrganizationId;

        List<Role> callerRoles = [];
        foreach (ClaimsIdentity identity in identities)
        {
            foreach (Claim claim in identity.FindAll(identity.RoleClaimType))
            {
                if (roles.FindRole(claim.Value, organizationId) is { } role)
                {
                    callerRoles.Add(role);
                }
            }
        }

        return new TokenCaller(id, organizationId, callerRoles) { ClientId = First(TokenClaimTypes.ClientId) };
    }

    /// <summary>Creates a caller from a valid verification result: the token acts with its own roles and organization.</summary>
    /// <param name="result">A valid verification result.</param>
    /// <returns>The caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="result"/> is not valid.</exception>
    public static TokenCaller FromVerification(TokenVerificationResult result)
    {
        if (!result.IsValid)
        {
            throw new ArgumentException($"Only a valid token can act as a caller; this result's status is {result.Status}.", nameof(result));
        }

        return new TokenCaller(result.ClientId!, result.OrganizationId!, result.Roles) { ClientId = result.ClientId };
    }

    /// <summary>Returns the caller's id, organization and role names.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"{Id} (organization {OrganizationId}; roles: {string.Join(", ", _roles.Select(r => r.Name))})";
}
