using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Credentials;
using TokenSdk.Diagnostics;
using TokenSdk.Hashing;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Verification;

/// <summary>
/// The default <see cref="ITokenVerifier"/>: parse (no allocation, checksum first) → store lookup → H(T) compared
/// with the stored verifier in constant time → expiry → roles resolved from the catalog.
/// </summary>
/// <remarks>
/// An unknown client id costs the same hashing work as a known one, so timing does not reveal which client ids
/// exist. No token is cached: a deletion in the store fails the next verification.
/// </remarks>
public sealed class TokenVerifier : ITokenVerifier
{
    private const long NotTimed = long.MinValue;

    private readonly ITokenStore _store;
    private readonly ITokenLookup? _lookup;
    private readonly IRoleCatalog _roles;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenFormatSet _formats;
    private readonly VerifierHasher _hasher;
    private readonly Usage.TokenUsageTracker? _usage;
    private readonly TokenSdkMetrics _metrics;

    // A missing pepper or role is a configuration problem every request of its tokens repeats (a missing pepper before
    // any secret is checked, so anyone who knows such a client id can repeat it at will): warned once per key id or
    // role id; the tokensdk.verification.duration metric counts every failure (by error.type).
    private readonly ConcurrentDictionary<string, byte> _unknownKeysReported = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _missingRolesReported = new(StringComparer.Ordinal);
    private readonly RoleSetCache _roleSets = new();

    /// <summary>Creates a verifier.</summary>
    /// <param name="store">The token store.</param>
    /// <param name="roles">The role catalog that resolves a token's role id.</param>
    /// <param name="options">The options (token prefixes, peppers); <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for expiry; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="usage">
    /// Where successful verifications mark their token as used (last-used times); <see langword="null"/> for none.
    /// Dependency injection passes the registered <see cref="Usage.TokenUsageTracker"/>.
    /// </param>
    /// <param name="meterFactory">
    /// Creates the <c>TokenSdk</c> meter that records verification durations; <see langword="null"/> for a meter shared
    /// by the components built without one. Dependency injection passes the registered <see cref="IMeterFactory"/>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="roles"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><paramref name="options"/> are invalid.</exception>
    public TokenVerifier(
        ITokenStore store,
        IRoleCatalog roles,
        TokenSdkOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<TokenVerifier>? logger = null,
        Usage.TokenUsageTracker? usage = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(roles);
        options ??= new TokenSdkOptions();
        DependencyInjection.TokenSdkOptionsValidator.ThrowIfInvalid(options);

        _store = store;
        _lookup = store as ITokenLookup;
        _roles = roles;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _formats = new TokenFormatSet(options);
        _hasher = new VerifierHasher(options.Hashing);
        _usage = usage is { IsEnabled: true } ? usage : null;
        _metrics = TokenSdkMetrics.For(meterFactory);
    }

    /// <inheritdoc/>
    public ValueTask<TokenVerificationResult> VerifyAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        long started = StartTiming();
        Bytes32 tokenHash = default;
        if (!_formats.TryParse(token, out ReadOnlySpan<char> clientId, tokenHash))
        {
            return new(Report(TokenVerificationResult.Failed(VerificationStatus.Malformed), token, started));
        }

        if (_lookup is not null)
        {
            _lookup.TryFind(clientId, out StoredToken? record);
            return new(Report(Complete(record, tokenHash), token, started));
        }

        return VerifyWithStoreAsync(clientId.ToString(), tokenHash, token, started, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<TokenVerificationResult> VerifyClientSecretAsync(string clientId, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(secret);
        long started = StartTiming();
        Bytes32 tokenHash = default;
        if (!CredentialGenerator.IsClientId(clientId) || !CredentialGenerator.TryComputeTokenHash(secret, tokenHash))
        {
            return new(Report(TokenVerificationResult.Failed(VerificationStatus.Malformed), null, started));
        }

        if (_lookup is not null)
        {
            _lookup.TryFind(clientId, out StoredToken? record);
            return new(Report(Complete(record, tokenHash), null, started));
        }

        return VerifyWithStoreAsync(clientId, tokenHash, null, started, cancellationToken);
    }

    private async ValueTask<TokenVerificationResult> VerifyWithStoreAsync(
        string clientId, Bytes32 tokenHash, string? token, long started, CancellationToken cancellationToken)
    {
        StoredToken? record = await _store.FindAsync(clientId, cancellationToken).ConfigureAwait(false);
        return Report(Complete(record, tokenHash), token, started);
    }

    private TokenVerificationResult Complete(StoredToken? record, ReadOnlySpan<byte> tokenHash)
    {
        if (record is null)
        {
            _hasher.Simulate(tokenHash);
            return TokenVerificationResult.Failed(VerificationStatus.UnknownClient);
        }

        switch (_hasher.Check(record, tokenHash))
        {
            case VerifierCheck.Match:
                break;
            case VerifierCheck.UnknownKey:
                if (_unknownKeysReported.TryAdd(record.Shared.KeyId ?? string.Empty, 0))
                {
                    Log.VerifierKeyUnknown(_logger, record.ClientId, record.Shared.KeyId);
                }

                return TokenVerificationResult.Failed(VerificationStatus.Mismatch, record);
            default:
                return TokenVerificationResult.Failed(VerificationStatus.Mismatch, record);
        }

        // Most tokens never expire: read the clock only for those that do.
        if (record.HasExpiry && record.IsExpiredAt(_timeProvider.GetUtcNow().UtcTicks))
        {
            return TokenVerificationResult.Failed(VerificationStatus.Expired, record);
        }

        // The catalog answers from memory without allocating (RoleCatalog: by the id's instance, which the records of
        // a role share); a role from a role source is asked for every time, as it may change.
        if (!record.Shared.HasSeveralRoles)
        {
            // A role created at run time belongs to one organization: another organization's token cannot hold it.
            if (!_roles.TryGetRole(record.RoleId, out Role? role) || !role.IsUsableIn(record.OrganizationId))
            {
                return RoleNotFound(record, record.RoleId);
            }

            _usage?.Record(record);
            return TokenVerificationResult.Valid(record, role);
        }

        if (!_roleSets.TryResolve(record.RoleId, _roles, out RoleSet? roles, out string? missingRoleId))
        {
            return RoleNotFound(record, missingRoleId!);
        }

        if (!roles.IsUsableIn(record.OrganizationId))
        {
            return RoleNotFound(record, record.RoleId);
        }

        _usage?.Record(record);
        return TokenVerificationResult.Valid(record, roles);
    }

    private TokenVerificationResult RoleNotFound(StoredToken record, string roleId)
    {
        if (_missingRolesReported.TryAdd(roleId, 0))
        {
            Log.RoleNotFound(_logger, record.ClientId, roleId);
        }

        return TokenVerificationResult.Failed(VerificationStatus.RoleNotFound, record);
    }

    // The clock is read only while something listens to tokensdk.verification.duration: NotTimed otherwise.
    private long StartTiming() => _metrics.VerificationDuration.Enabled ? _timeProvider.GetTimestamp() : NotTimed;

    private TokenVerificationResult Report(TokenVerificationResult result, string? token, long started)
    {
        if (started != NotTimed)
        {
            _metrics.RecordVerificationDuration(result.Status, _timeProvider, started);
        }

        if (result.Status != VerificationStatus.Valid && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.VerificationFailed(_logger, result.Status, token is null ? "client id and secret" : TokenMask.MaskToken(token));
        }

        return result;
    }
}
