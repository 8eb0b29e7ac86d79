using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Diagnostics;
using TokenSdk.Hashing;
using TokenSdk.Storage;

namespace TokenSdk.Credentials;

/// <summary>
/// The default <see cref="ITokenGenerator"/>: clientId and secret from the OS CSPRNG, T = SHA-256(secret),
/// V = H(T) per <see cref="HashingOptions"/>, token = format(clientId, T).
/// </summary>
public sealed class TokenGenerator : ITokenGenerator
{
    private readonly string _defaultOrganizationId;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenFormatSet _formats;
    private readonly VerifierHasher _hasher;
    private readonly TokenSdkMetrics _metrics;

    /// <summary>Creates a generator.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">
    /// Creates the <c>TokenSdk</c> meter that counts generated tokens; <see langword="null"/> for a meter shared by the
    /// components built without one. Dependency injection passes the registered <see cref="IMeterFactory"/>.
    /// </param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><paramref name="options"/> are invalid.</exception>
    public TokenGenerator(TokenSdkOptions? options = null, TimeProvider? timeProvider = null, ILogger<TokenGenerator>? logger = null, IMeterFactory? meterFactory = null)
    {
        options ??= new TokenSdkOptions();
        DependencyInjection.TokenSdkOptionsValidator.ThrowIfInvalid(options);

        // Options are read once: a later change to the options object does not half-apply.
        _defaultOrganizationId = options.DefaultOrganizationId;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _formats = new TokenFormatSet(options);
        _hasher = new VerifierHasher(options.Hashing);
        _metrics = TokenSdkMetrics.For(meterFactory);
    }

    /// <inheritdoc/>
    public IssuedToken Generate(TokenGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string organizationId = request.OrganizationId ?? _defaultOrganizationId;
        if (!Identifiers.IsValid(organizationId))
        {
            throw new ArgumentException($"Organization id '{organizationId}' is invalid: use {Identifiers.Rule}.", nameof(request));
        }

        if (request.Description is { } description
            && (description.Length > TokenGenerationRequest.MaxDescriptionLength || !DisplayText.IsSafe(description)))
        {
            throw new ArgumentException($"The description must be at most {TokenGenerationRequest.MaxDescriptionLength} characters without control characters, line separators, bidirectional overrides or lone surrogates.", nameof(request));
        }

        if (request.CreatedBy is { } createdBy
            && (createdBy.Length is 0 or > TokenGenerationRequest.MaxCreatedByLength || !DisplayText.IsSafe(createdBy)))
        {
            throw new ArgumentException($"CreatedBy must be 1 to {TokenGenerationRequest.MaxCreatedByLength} characters without control characters, line separators, bidirectional overrides or lone surrogates.", nameof(request));
        }

        if (request.Format is { } kind && !Enum.IsDefined(kind))
        {
            throw new ArgumentException($"Unknown token format '{kind}'.", nameof(request));
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (request.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            throw new ArgumentException("The expiry date must lie in the future.", nameof(request));
        }

        string clientId = CredentialGenerator.NewClientId();
        string secret = CredentialGenerator.NewSecret();
        Bytes32 tokenHashBuffer = default;
        Span<byte> tokenHash = tokenHashBuffer;
        CredentialGenerator.TryComputeTokenHash(secret, tokenHash);

        ITokenFormat format = request.Format is { } requested ? _formats.Get(requested) : _formats.Generation;
        StoredVerifier verifier = _hasher.Create(tokenHash);
        string token = format.Format(clientId, tokenHash);
        CryptographicOperations.ZeroMemory(tokenHash);

        string[] roleIds = request.Roles.Select(r => r.Id).ToArray();
        string[] roleNames = request.Roles.Select(r => r.Name).ToArray();
        var record = new StoredToken(clientId, organizationId, roleIds, verifier, now)
        {
            CreatedBy = request.CreatedBy,
            Description = request.Description,
            ExpiresAt = request.ExpiresAt,
        };
        var details = new GeneratedToken(
            clientId, secret, token, roleIds, roleNames, organizationId, now,
            request.Description, request.ExpiresAt, format.Kind);

        _metrics.RecordGeneration();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.TokenGenerated(_logger, clientId, record.RoleId, organizationId, TokenMask.MaskToken(token));
        }

        return new IssuedToken(details, record);
    }
}
