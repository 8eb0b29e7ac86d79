using TokenSdk.Credentials;

namespace TokenSdk.Management;

/// <summary>Optional details for <see cref="ITokenManager.GenerateAsync(TokenCaller, IReadOnlyList{string}, TokenGenerateOptions?, CancellationToken)"/>.</summary>
public sealed class TokenGenerateOptions
{
    /// <summary>
    /// Gets the organization the token is for. It must be the caller's own (a request naming another organization is
    /// refused as <see cref="ManagementStatus.PermissionDenied"/>, the same way whether that organization exists or
    /// not); <see langword="null"/> means the caller's.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? OrganizationId { get; init; }

    /// <summary>Gets a description shown when tokens are listed.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Gets the expiry date. Refused unless <see cref="TokenManagementOptions.AllowExpiry"/> is set; limited by
    /// <see cref="TokenManagementOptions.MaximumLifetime"/>. <see langword="null"/> means never (or the maximum lifetime, if one is set).
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the token format; <see langword="null"/> for <see cref="TokenSdkOptions.GenerationFormat"/>.</summary>
    public TokenFormatKind? Format { get; init; }
}
