namespace TokenSdk.Management;

/// <summary>Policy of the token manager: expiry, the lock-out guard, rotation limits.</summary>
public sealed class TokenManagementOptions
{
    /// <summary>
    /// Gets or sets whether deleting the last token of an organization that can manage tokens
    /// (<see cref="Roles.Permissions.OrgTokenWrite"/>) is refused, so token-only deployments cannot lock themselves out.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LockoutGuard { get; set; } = true;

    /// <summary>Gets or sets whether a token may be given an expiry date at generation. Tokens never expire by default.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowExpiry { get; set; }

    /// <summary>
    /// Gets or sets the longest lifetime of a new token, in every organization. When set, tokens generated without an
    /// expiry date expire after it, and a later expiry date is refused.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no maximum).</value>
    public TimeSpan? MaximumLifetime { get; set; }

    /// <summary>Gets maximum lifetimes for particular organizations (by organization id), overriding <see cref="MaximumLifetime"/>.</summary>
    public IDictionary<string, TimeSpan> MaximumLifetimeByOrganization { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Gets or sets the longest grace period of a rotation.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan MaximumGracePeriod { get; set; } = TimeSpan.FromDays(30);

    internal TimeSpan? MaximumLifetimeFor(string organizationId) =>
        MaximumLifetimeByOrganization.TryGetValue(organizationId, out TimeSpan lifetime) ? lifetime : MaximumLifetime;
}
