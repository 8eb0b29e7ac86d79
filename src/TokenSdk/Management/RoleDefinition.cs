namespace TokenSdk.Management;

/// <summary>
/// The name and policy of a custom role, as given to <see cref="IRoleManager.CreateAsync"/> and
/// <see cref="IRoleManager.UpdateAsync"/>: the reference system's <c>{"name", "policy": {"description", "actions",
/// "resources"}}</c>.
/// </summary>
public sealed class RoleDefinition
{
    /// <summary>Gets or sets the display name: 1 to 100 characters, unique in the organization (case-insensitive).</summary>
    /// <value>The default value is <see langword="null"/>, which is refused.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the description, at most 1000 characters.</summary>
    /// <value>The default value is <see langword="null"/> (no description).</value>
    public string? Description { get; set; }

    /// <summary>Gets the permissions (the policy's actions) the role grants: names from <see cref="Roles.Permissions"/> or declared by the host.</summary>
    public IList<string> Permissions { get; } = [];

    /// <summary>
    /// Gets the resources the permissions apply to, as DRNs such as <c>drn:astra:org:*:db:orders</c>, of the caller's
    /// organization or <c>*</c>. Empty means every resource of the organization.
    /// </summary>
    public IList<string> Resources { get; } = [];
}
