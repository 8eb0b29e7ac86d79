using TokenSdk.Credentials;
using TokenSdk.Hashing;

namespace TokenSdk.Storage;

/// <summary>
/// What a store keeps of a token: its client id, organization, role ids, one-way <see cref="StoredVerifier"/> and
/// metadata. Never the secret, never the token or its hash part T: a leaked store yields no working credential.
/// </summary>
/// <remarks>
/// The record is laid out for stores holding millions of tokens: timestamps are kept as ticks, and the organization,
/// role and verifier key are held in one object that a store shares between all tokens with the same values.
/// <see cref="ExpiresAt"/> is kept in UTC; <see cref="CreatedAt"/> keeps its offset.
/// </remarks>
public sealed class StoredToken
{
    // No expiry. Not 0, which is DateTimeOffset.MinValue: a token set to expire then has expired.
    private const long NoExpiry = -1;

    private readonly Bytes32 _verifierValue;
    private readonly long _createdAtUtcTicks;
    private readonly long _expiresAtUtcTicks = NoExpiry;

    /// <summary>Creates a record.</summary>
    /// <param name="clientId">The client id: 24 ASCII letters.</param>
    /// <param name="organizationId">The organization the token belongs to.</param>
    /// <param name="roleId">
    /// The id of the token's role; for a token of several roles, their ids joined with <c>,</c> in order (the form
    /// <see cref="RoleId"/> returns, which is what a store persists).
    /// </param>
    /// <param name="verifier">The one-way verifier V.</param>
    /// <param name="createdAt">When the token was generated.</param>
    /// <exception cref="ArgumentNullException">A string argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is malformed, or <paramref name="verifier"/> is empty.</exception>
    public StoredToken(string clientId, string organizationId, string roleId, StoredVerifier verifier, DateTimeOffset createdAt)
        : this(clientId, organizationId, verifier, createdAt, roleId, ValidateStoredRoles(roleId))
    {
    }

    /// <summary>Creates a record for a token of one or more roles.</summary>
    /// <param name="clientId">The client id: 24 ASCII letters.</param>
    /// <param name="organizationId">The organization the token belongs to.</param>
    /// <param name="roleIds">The ids of the token's roles: 1 to 16 distinct ids (compared case-insensitively), in the order to show them.</param>
    /// <param name="verifier">The one-way verifier V.</param>
    /// <param name="createdAt">When the token was generated.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is malformed, or <paramref name="verifier"/> is empty.</exception>
    public StoredToken(string clientId, string organizationId, IEnumerable<string> roleIds, StoredVerifier verifier, DateTimeOffset createdAt)
        : this(clientId, organizationId, verifier, createdAt, JoinRoles(roleIds), true)
    {
    }

    private StoredToken(string clientId, string organizationId, StoredVerifier verifier, DateTimeOffset createdAt, string roleId, bool rolesValid)
    {
        System.Diagnostics.Debug.Assert(rolesValid, "Validated by the caller.");
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        if (!CredentialGenerator.IsClientId(clientId))
        {
            throw new ArgumentException("A client id is 24 ASCII letters.", nameof(clientId));
        }

        if (verifier.IsEmpty)
        {
            throw new ArgumentException("The verifier is empty.", nameof(verifier));
        }

        ClientId = clientId;
        Shared = new SharedTokenFields(organizationId, roleId, verifier.Algorithm, verifier.KeyId, createdAt.Offset);
        verifier.CopyValueTo(_verifierValue);
        _createdAtUtcTicks = createdAt.UtcTicks;
    }

    // A record read back by a store, whose values the store has already validated.
    internal StoredToken(string clientId, SharedTokenFields shared, ReadOnlySpan<byte> verifierValue, long createdAtUtcTicks)
    {
        System.Diagnostics.Debug.Assert(CredentialGenerator.IsClientId(clientId) && shared.Algorithm != 0, "Validated by the store.");
        ClientId = clientId;
        Shared = shared;
        verifierValue.CopyTo(_verifierValue);
        _createdAtUtcTicks = createdAtUtcTicks;
    }

    // A copy sharing a store's pooled fields; every other value unchanged.
    private StoredToken(StoredToken source, SharedTokenFields shared, long expiresAtUtcTicks)
    {
        ClientId = source.ClientId;
        Shared = shared;
        _verifierValue = source._verifierValue;
        _createdAtUtcTicks = source._createdAtUtcTicks;
        _expiresAtUtcTicks = expiresAtUtcTicks;
        CreatedBy = source.CreatedBy;
        Description = source.Description;
        LastUsedUtcTicks = source.LastUsedUtcTicks;
    }

    /// <summary>Gets the client id.</summary>
    public string ClientId { get; }

    /// <summary>Gets the organization the token belongs to.</summary>
    public string OrganizationId => Shared.OrganizationId;

    /// <summary>
    /// Gets the id of the token's role, or for a token of several roles their ids joined with <c>,</c> in order: the one
    /// string a store persists and gives back to <see cref="StoredToken(string, string, string, StoredVerifier, DateTimeOffset)"/>.
    /// Roles are resolved from the catalog at verification. To test for a role, use <see cref="RoleIds"/>.
    /// </summary>
    public string RoleId => Shared.RoleId;

    /// <summary>Gets the ids of the token's roles (at least one), in the order they were given at generation.</summary>
    public IReadOnlyList<string> RoleIds => Shared.RoleIds;

    /// <summary>Gets the one-way verifier V.</summary>
    public StoredVerifier Verifier => new(Shared.Algorithm, Shared.KeyId, _verifierValue);

    /// <summary>Gets when the token was generated, in the offset it was given in.</summary>
    public DateTimeOffset CreatedAt => new DateTimeOffset(_createdAtUtcTicks, TimeSpan.Zero).ToOffset(Shared.CreatedAtOffset);

    /// <summary>Gets who generated the token (a user or client id), if known.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Gets the description given at generation, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Gets when the token stops verifying, in UTC; <see langword="null"/> (the default) means never.</summary>
    public DateTimeOffset? ExpiresAt
    {
        get => _expiresAtUtcTicks == NoExpiry ? null : new DateTimeOffset(_expiresAtUtcTicks, TimeSpan.Zero);
        init => _expiresAtUtcTicks = value is { } expiresAt ? expiresAt.UtcTicks : NoExpiry;
    }

    /// <summary>Gets the fields this record shares with others of the same organization, role and verifier key.</summary>
    internal SharedTokenFields Shared { get; }

    /// <summary>Gets the 32-byte value of the verifier, in place.</summary>
    internal ReadOnlySpan<byte> VerifierValue => _verifierValue;

    /// <summary>
    /// Gets or sets when this process last saw the token verify, in UTC ticks at the usage tracker's resolution; 0 when
    /// it has not. Written by verification without a lock (a racing write of the same minute is harmless).
    /// </summary>
    internal long LastUsedUtcTicks { get; set; }

    /// <summary>Gets whether the token has an expiry date.</summary>
    internal bool HasExpiry => _expiresAtUtcTicks != NoExpiry;

    /// <summary>Returns whether the token has expired at <paramref name="utcTicks"/>; never for a token without expiry.</summary>
    internal bool IsExpiredAt(long utcTicks) => _expiresAtUtcTicks != NoExpiry && _expiresAtUtcTicks <= utcTicks;

    /// <summary>Returns a copy of this record with another expiry date; every other value is unchanged.</summary>
    /// <param name="expiresAt">The new expiry date; <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    public StoredToken WithExpiresAt(DateTimeOffset? expiresAt) =>
        new(this, Shared, expiresAt is { } value ? value.UtcTicks : NoExpiry);

    /// <summary>Returns an equal copy that uses <paramref name="shared"/> (equal to this record's) for its repeated fields.</summary>
    internal StoredToken WithShared(SharedTokenFields shared)
    {
        System.Diagnostics.Debug.Assert(shared.Equals(Shared), "Only equal fields may be swapped in.");
        return new(this, shared, _expiresAtUtcTicks);
    }

    private static bool ValidateStoredRoles(string roleId)
    {
        ArgumentException.ThrowIfNullOrEmpty(roleId);
        if (!TokenRoleIds.IsValid(roleId))
        {
            throw new ArgumentException($"The role ids must be 1 to {TokenRoleIds.MaxRoles} distinct, non-empty ids joined with '{TokenRoleIds.Separator}'.", nameof(roleId));
        }

        return true;
    }

    private static string JoinRoles(IEnumerable<string> roleIds)
    {
        ArgumentNullException.ThrowIfNull(roleIds);
        return TokenRoleIds.TryJoin(roleIds, out string joined, out string? error) ? joined : throw new ArgumentException(error, nameof(roleIds));
    }

    /// <summary>Returns the client id, organization and role; the verifier is not shown.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"StoredToken {{ ClientId = {ClientId}, Organization = {OrganizationId}, Role = {RoleId} }}";
}
