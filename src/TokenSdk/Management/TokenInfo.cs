using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>What may be shown of an existing token: its metadata. Never a secret, a token or a verifier.</summary>
public sealed class TokenInfo
{
    /// <summary>Creates the metadata view of a stored record of one role.</summary>
    /// <param name="record">The record.</param>
    /// <param name="roleName">The display name of its role, if the role exists.</param>
    public TokenInfo(StoredToken record, string? roleName)
        : this(record, [roleName])
    {
    }

    /// <summary>Creates the metadata view of a stored record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="roleNames">The display names of its roles, in the order of <see cref="StoredToken.RoleIds"/>; <see langword="null"/> for a role that no longer exists.</param>
    /// <exception cref="ArgumentException"><paramref name="roleNames"/> does not have one entry per role.</exception>
    public TokenInfo(StoredToken record, IReadOnlyList<string?> roleNames)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(roleNames);
        if (roleNames.Count != record.RoleIds.Count)
        {
            throw new ArgumentException($"The token holds {record.RoleIds.Count} roles; {roleNames.Count} names were given.", nameof(roleNames));
        }

        ClientId = record.ClientId;
        OrganizationId = record.OrganizationId;
        RoleId = record.RoleId;
        RoleIds = record.RoleIds;
        RoleNames = roleNames.ToArray().AsReadOnly();
        RoleName = roleNames.Contains(null) ? null : string.Join(Credentials.GeneratedToken.RoleNameSeparator, roleNames);
        GeneratedOn = record.CreatedAt;
        Description = record.Description;
        CreatedBy = record.CreatedBy;
        ExpiresAt = record.ExpiresAt;
    }

    /// <summary>Gets the client id.</summary>
    public string ClientId { get; }

    /// <summary>Gets the organization.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the role id; for a token of several roles, their ids joined with <c>,</c> (see <see cref="RoleIds"/>).</summary>
    public string RoleId { get; }

    /// <summary>Gets the ids of the token's roles, in order.</summary>
    public IReadOnlyList<string> RoleIds { get; }

    /// <summary>
    /// Gets the role's display name (for several roles, their names joined with
    /// <see cref="Credentials.GeneratedToken.RoleNameSeparator"/>), or <see langword="null"/> when a role no longer exists.
    /// </summary>
    public string? RoleName { get; }

    /// <summary>Gets the display names of the token's roles, in the order of <see cref="RoleIds"/>; <see langword="null"/> for a role that no longer exists.</summary>
    public IReadOnlyList<string?> RoleNames { get; }

    /// <summary>Gets when the token was generated.</summary>
    public DateTimeOffset GeneratedOn { get; }

    /// <summary>Gets the description given at generation.</summary>
    public string? Description { get; }

    /// <summary>Gets who generated the token.</summary>
    public string? CreatedBy { get; }

    /// <summary>
    /// Gets when the token was last used (verified), at the usage tracker's resolution; <see langword="null"/> when it
    /// has not been used since last-used times are kept, or the store does not keep them.
    /// </summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Gets when the token expires (or is scheduled for deletion); <see langword="null"/> means never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Returns the client id and role.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"{ClientId} ({RoleName ?? RoleId})";
}
