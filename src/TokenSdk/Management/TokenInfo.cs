using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>What may be shown of an existing token: its metadata. Never a secret, a token or a verifier.</summary>
public sealed class TokenInfo
{
    /// <summary>Creates the metadata view of a stored record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="roleName">The display name of its role, if the role exists.</param>
    public TokenInfo(StoredToken record, string? roleName)
    {
        ArgumentNullException.ThrowIfNull(record);
        ClientId = record.ClientId;
        OrganizationId = record.OrganizationId;
        RoleId = record.RoleId;
        RoleName = roleName;
        GeneratedOn = record.CreatedAt;
        Description = record.Description;
        CreatedBy = record.CreatedBy;
        ExpiresAt = record.ExpiresAt;
    }

    /// <summary>Gets the client id.</summary>
    public string ClientId { get; }

    /// <summary>Gets the organization.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the role id.</summary>
    public string RoleId { get; }

    /// <summary>Gets the role's display name, or <see langword="null"/> when the role no longer exists.</summary>
    public string? RoleName { get; }

    /// <summary>Gets when the token was generated.</summary>
    public DateTimeOffset GeneratedOn { get; }

    /// <summary>Gets the description given at generation.</summary>
    public string? Description { get; }

    /// <summary>Gets who generated the token.</summary>
    public string? CreatedBy { get; }

    /// <summary>Gets when the token expires (or is scheduled for deletion); <see langword="null"/> means never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Returns the client id and role.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"{ClientId} ({RoleName ?? RoleId})";
}
