using TokenSdk.Roles;

namespace TokenSdk.Credentials;

/// <summary>What to generate: the role, and optionally organization, description, creator, expiry and format.</summary>
public sealed class TokenGenerationRequest
{
    /// <summary>The longest description accepted.</summary>
    public const int MaxDescriptionLength = 500;

    /// <summary>The longest <see cref="CreatedBy"/> accepted.</summary>
    public const int MaxCreatedByLength = 256;

    /// <summary>Creates a request for a token of <paramref name="role"/>.</summary>
    /// <param name="role">The role the token will hold; it can never be changed afterwards.</param>
    /// <exception cref="ArgumentNullException"><paramref name="role"/> is <see langword="null"/>.</exception>
    public TokenGenerationRequest(Role role)
    {
        ArgumentNullException.ThrowIfNull(role);
        Role = role;
    }

    /// <summary>Gets the role the token will hold.</summary>
    public Role Role { get; }

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
