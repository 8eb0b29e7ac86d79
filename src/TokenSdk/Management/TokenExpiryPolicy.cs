namespace TokenSdk.Management;

/// <summary>
/// Decides the expiry date of a new token from <see cref="TokenManagementOptions"/>: none by default; a requested date
/// only when expiry is allowed, in the future and within the organization's maximum lifetime; and that maximum as the
/// date of a token that asks for none.
/// </summary>
internal sealed class TokenExpiryPolicy
{
    private readonly TokenManagementOptions _options;
    private readonly TimeProvider _timeProvider;

    public TokenExpiryPolicy(TokenManagementOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Resolves the expiry of a token of <paramref name="organizationId"/>.</summary>
    /// <param name="organizationId">The token's organization.</param>
    /// <param name="requested">The date the caller asked for, if any.</param>
    /// <param name="expiresAt">The date to store; <see langword="null"/> for a token that never expires.</param>
    /// <param name="error">Why <paramref name="requested"/> is refused.</param>
    public bool TryResolve(string organizationId, DateTimeOffset? requested, out DateTimeOffset? expiresAt, out string? error)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        TimeSpan? maximum = _options.MaximumLifetimeFor(organizationId);
        expiresAt = null;
        error = null;
        if (requested is null)
        {
            expiresAt = maximum is { } max ? now + max : null;
        }
        else if (!_options.AllowExpiry && maximum is null)
        {
            error = "Tokens never expire here; set TokenSdk:Management:AllowExpiry to allow expiry dates.";
        }
        else if (requested <= now)
        {
            error = "The expiry date must lie in the future.";
        }
        else if (maximum is { } limit && requested > now + limit)
        {
            error = $"The expiry date lies beyond the maximum token lifetime of organization '{organizationId}' ({limit}).";
        }
        else
        {
            expiresAt = requested;
        }

        return error is null;
    }
}
