using TokenSdk.Credentials;
using TokenSdk.Hashing;

namespace TokenSdk.Storage;

/// <summary>
/// What a store keeps of a token: its client id, organization, role id, one-way <see cref="StoredVerifier"/> and
/// metadata. Never the secret, never the token or its hash part T: a leaked store yields no working credential.
/// </summary>
public sealed class StoredToken
{
    /// <summary>Creates a record.</summary>
    /// <param name="clientId">The client id: 24 ASCII letters.</param>
    /// <param name="organizationId">The organization the token belongs to.</param>
    /// <param name="roleId">The id of the token's role.</param>
    /// <param name="verifier">The one-way verifier V.</param>
    /// <param name="createdAt">When the token was generated.</param>
    /// <exception cref="ArgumentNullException">A string argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is malformed, or <paramref name="verifier"/> is empty.</exception>
    public StoredToken(string clientId, string organizationId, string roleId, StoredVerifier verifier, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        ArgumentException.ThrowIfNullOrEmpty(roleId);
        if (!CredentialGenerator.IsClientId(clientId))
        {
            throw new ArgumentException("A client id is 24 ASCII letters.", nameof(clientId));
        }

        if (verifier.IsEmpty)
        {
            throw new ArgumentException("The verifier is empty.", nameof(verifier));
        }

        ClientId = clientId;
        OrganizationId = organizationId;
        RoleId = roleId;
        Verifier = verifier;
        CreatedAt = createdAt;
    }

    /// <summary>Gets the client id.</summary>
    public string ClientId { get; }

    /// <summary>Gets the organization the token belongs to.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the id of the token's role; the role itself is resolved from the catalog at verification.</summary>
    public string RoleId { get; }

    /// <summary>Gets the one-way verifier V.</summary>
    public StoredVerifier Verifier { get; }

    /// <summary>Gets when the token was generated.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets who generated the token (a user or client id), if known.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Gets the description given at generation, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Gets when the token stops verifying; <see langword="null"/> (the default) means never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Returns a copy of this record with another expiry date; every other value is unchanged.</summary>
    /// <param name="expiresAt">The new expiry date; <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    public StoredToken WithExpiresAt(DateTimeOffset? expiresAt) =>
        new(ClientId, OrganizationId, RoleId, Verifier, CreatedAt)
        {
            CreatedBy = CreatedBy,
            Description = Description,
            ExpiresAt = expiresAt,
        };

    /// <summary>Returns the client id, organization and role; the verifier is not shown.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"StoredToken {{ ClientId = {ClientId}, Organization = {OrganizationId}, Role = {RoleId} }}";
}
