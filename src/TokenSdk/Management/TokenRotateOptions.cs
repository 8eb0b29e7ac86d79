namespace TokenSdk.Management;

/// <summary>Optional details for <see cref="ITokenManager.RotateAsync"/>.</summary>
public sealed class TokenRotateOptions
{
    /// <summary>
    /// Gets the roles (ids or names) of the new token; <see langword="null"/> keeps the old token's roles. A token's
    /// roles cannot be edited: rotating with other roles is how a token changes role.
    /// </summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>
    /// Gets how long the old token keeps working beside the new one; <see langword="null"/> or zero deletes it at once.
    /// At most <see cref="TokenManagementOptions.MaximumGracePeriod"/>.
    /// </summary>
    public TimeSpan? GracePeriod { get; init; }

    /// <summary>Gets the new token's description; <see langword="null"/> keeps the old one.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Gets the new token's format; <see langword="null"/> for <see cref="TokenSdkOptions.GenerationFormat"/> (the store
    /// does not record the old token's format). Set <see cref="Credentials.TokenFormatKind.Astra"/> when the clients of
    /// the old token expect <c>AstraCS:</c> tokens.
    /// </summary>
    public Credentials.TokenFormatKind? Format { get; init; }
}
