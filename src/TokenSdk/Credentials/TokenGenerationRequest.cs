using TokenSdk.Roles;

namespace TokenSdk.Credentials;

/// <summary>What to generate: the roles, and optionally organization, description, creator, expiry and format.</summary>
public sealed class TokenGenerationRequest
{
    /// <summary>The longest description accepted.</summary>
    public const int MaxDescriptionLength = 500;

    /// <summary>The longest <see cref="CreatedBy"/> accepted.</summary>
    public const int MaxCreatedByLength = 256;

    /// <summary>The most roles one token may hold.</summary>
    public const int MaxRoles = Storage.TokenRoleIds.MaxRoles;

    /// <summary>Creates a request for a token of <paramref name="role"/>.</summary>
    /// <param name="role">The role the token will hold; it can never be changed afterwards.</param>
    /// <exception cref="ArgumentNullException"><paramref name="role"/> is <see langword="null"/>.</exception>
    public TokenGenerationRequest(Role role)
    {
        ArgumentNullException.ThrowIfNull(role);
        Roles = role.AsList;
    }

    /// <summary>Creates a request for a token of several roles, whose permissions are the union of theirs.</summary>
    /// <param name="roles">
    /// The roles the token will hold, in the order to show them: 1 to <see cref="MaxRoles"/> distinct roles (by id,
    /// compared case-insensitively). They can never be changed afterwards.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="roles"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="roles"/> is empty, holds a <see langword="null"/>, a role twice, or too many roles.</exception>
    public TokenGenerationRequest(IEnumerable<Role> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        Role[] list = roles.ToArray();
        if (Array.IndexOf(list, null) >= 0)
        {
            throw new ArgumentException("A role is null.", nameof(roles));
        }

        if (!Storage.TokenRoleIds.TryJoin(list.Select(r => r.Id), out _, out string? error))
        {
            throw new ArgumentException(error, nameof(roles));
        }

        Roles = list.Length == 1 ? list[0].AsList : Array.AsReadOnly(list);
    }

    /// <summary>Gets the roles the token will hold (at least one).</summary>
    public IReadOnlyList<Role> Roles { get; }

    /// <summary>Gets the organization; <see langword="null"/> for <see cref="TokenSdkOptions.DefaultOrganizationId"/>.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>Gets a description shown when tokens are listed (at most <see cref="MaxDescriptionLength"/> characters).</summary>
    public string? Description { get; init; }

    /// <summary>Gets who asks for the token (a user or client id, at most <see cref="MaxCreatedByLength"/> characters), recorded with it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Gets when the token stops verifying; <see langword="null"/> (the default) means never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the token format; <see langword="null"/> for <see cref="TokenSdkOptions.GenerationFormat"/>.</summary>
    public TokenFormatKind? Format { get; init; }
}
