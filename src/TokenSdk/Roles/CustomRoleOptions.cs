namespace TokenSdk.Roles;

/// <summary>
/// A custom role declared in options, typically bound from configuration
/// (<c>"TokenSdk": { "CustomRoles": [ { "Id": "...", "Name": "...", "Permissions": [ ... ] } ] }</c>).
/// </summary>
/// <remarks>Custom roles are validated when the host starts; see <see cref="TokenSdkOptions.CustomRoles"/>.</remarks>
public sealed class CustomRoleOptions
{
    /// <summary>Gets or sets the stable role id tokens refer to.</summary>
    /// <value>The default value is <see langword="null"/>, which fails validation.</value>
    public string? Id { get; set; }

    /// <summary>Gets or sets the display name.</summary>
    /// <value>The default value is <see langword="null"/>, which fails validation.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the description shown beside the permissions.</summary>
    /// <value>The default value is <see langword="null"/> (no description).</value>
    public string? Description { get; set; }

    /// <summary>Gets the permissions the role grants (see <see cref="Roles.Permissions"/>).</summary>
    public IList<string> Permissions { get; } = [];

    /// <summary>
    /// Gets the resources the permissions apply to, as DRNs such as <c>drn:astra:org:*:db:orders</c>
    /// (see <see cref="ResourceScope"/>). Empty means every resource of the token's organization.
    /// </summary>
    public IList<string> Resources { get; } = [];

    /// <summary>Creates the role these options describe.</summary>
    /// <returns>The role.</returns>
    /// <exception cref="ArgumentException">A value is missing or malformed; the message names it.</exception>
    public Role ToRole()
    {
        if (string.IsNullOrWhiteSpace(Id))
        {
            throw new ArgumentException($"A custom role has no Id (name '{Name}'). Set CustomRoles[i].Id.", nameof(Id));
        }

        if (Name is null)
        {
            throw new ArgumentException($"Custom role '{Id}' has no Name. Set CustomRoles[i].Name.", nameof(Name));
        }

        var scopes = new List<ResourceScope>(Resources.Count);
        foreach (string resource in Resources)
        {
            if (!ResourceScope.TryParse(resource, out ResourceScope? scope))
            {
                throw new ArgumentException($"Custom role '{Id}' has an invalid resource '{resource}'. Expected 'drn:astra:org:<org>[:db:<db>[:keyspace:<keyspace>[:table:<table>]]]'.", nameof(Resources));
            }

            scopes.Add(scope);
        }

        return new Role(Id, Name, Permissions, Description, scopes);
    }
}
