using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.Metrics;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.AspNetCore.Management;
using TokenSdk.AspNetCore.Throttling;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Authentication;

/// <summary>
/// Authenticates a request by the application token it presents. No credential: no result, so other schemes can
/// run. A credential that fails verification: a failure whose reason goes to the log (masked, at Debug), to the
/// periodic failure summary and to metrics, never to the client, whose challenge is a bare 401 with
/// <c>WWW-Authenticate: Bearer</c>. With throttling added, a credential from an address that has failed too often is
/// not verified at all, and the challenge is a 429 with <c>Retry-After</c>.
/// </summary>
internal sealed class ApplicationTokenHandler : AuthenticationHandler<ApplicationTokenOptions>
{
    private const string FailureMessage = "The application token is not valid.";
    private const string ThrottledMessage = "Too many failed authentications from this client address.";
    private const int MaxBasicCredentialLength = 1024;

    // The metric's source tag of a token supplied by OnMessageReceived, and its result tag when OnTokenValidated refused it.
    private const string EventCredentialSource = "event";

    // Strict: a Basic credential that is not valid UTF-8 is malformed, not silently repaired.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ITokenVerifier _verifier;
    private readonly AuthenticationFailureSummary _failureSummary;
    private readonly FailedAuthenticationThrottle? _throttle;
    private readonly AspNetCoreMetrics _metrics;

    // Set when this request was refused by the throttle: its challenge is a 429.
    private TimeSpan? _retryAfter;

    public ApplicationTokenHandler(
        IOptionsMonitor<ApplicationTokenOptions> options,
        ApplicationTokenHandlerLoggerFactory loggerFactory,
        UrlEncoder encoder,
        ITokenVerifier verifier,
        AuthenticationFailureSummary failureSummary,
        FailedAuthenticationThrottle? throttle = null,
        IMeterFactory? meterFactory = null)
        : base(options, loggerFactory, encoder)
    {
        _verifier = verifier;
        _failureSummary = failureSummary;
        _throttle = throttle;
        _metrics = AspNetCoreMetrics.For(meterFactory);
    }

    /// <summary>The events: <see cref="ApplicationTokenOptions.Events"/>, or the instance of its <c>EventsType</c>.</summary>
    private ApplicationTokenEvents TokenEvents => (ApplicationTokenEvents)Events!;

    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new ApplicationTokenEvents());

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var messageReceived = new ApplicationTokenMessageReceivedContext(Context, Scheme, Options);
        await TokenEvents.MessageReceived(messageReceived).ConfigureAwait(false);
        if (messageReceived.Result is not null)
        {
            return messageReceived.Result;
        }

        Credential credential = string.IsNullOrEmpty(messageReceived.Token)
            ? FindCredential()
            : Credential.ForToken(EventCredentialSource, messageReceived.Token);
        if (credential.Source is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (_throttle is not null && _throttle.IsThrottled(Context.Connection.RemoteIpAddress, out TimeSpan retryAfter))
        {
            _retryAfter = retryAfter;
            return await FailAsync(AuthenticationFailureReasons.Throttled, VerificationStatus.None, credential).ConfigureAwait(false);
        }

        if (credential.IsMalformed)
        {
            return await FailAsync(AuthenticationFailureReasons.Of(VerificationStatus.Malformed), VerificationStatus.Malformed, credential).ConfigureAwait(false);
        }

        TokenVerificationResult result;
        try
        {
            result = credential.Token is not null
                ? await _verifier.VerifyAsync(credential.Token, Context.RequestAborted).ConfigureAwait(false)
                : await _verifier.VerifyClientSecretAsync(credential.ClientId!, credential.Secret!, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && Context.RequestAborted.IsCancellationRequested))
        {
            // As JwtBearer does: the host may decide (a 503 while the store is down, say); otherwise it propagates.
            var failed = new ApplicationTokenAuthenticationFailedContext(Context, Scheme, Options, ex)
            {
                CredentialSource = credential.Source,
            };
            await TokenEvents.AuthenticationFailed(failed).ConfigureAwait(false);
            if (failed.Result is not null)
            {
                return failed.Result;
            }

            throw;
        }

        if (!result.IsValid)
        {
            return await FailAsync(AuthenticationFailureReasons.Of(result.Status), result.Status, credential).ConfigureAwait(false);
        }

        var principal = new ClaimsPrincipal(CreateIdentity(result, Scheme.Name, ClaimsIssuer));
        var validated = new ApplicationTokenValidatedContext(Context, Scheme, Options, result) { Principal = principal };
        if (result.ExpiresAt is { } expiresAt)
        {
            validated.Properties.ExpiresUtc = expiresAt;
        }

        await TokenEvents.TokenValidated(validated).ConfigureAwait(false);
        if (validated.Result is null)
        {
            validated.Success();
        }

        AuthenticateResult outcome = validated.Result!;
        if (!outcome.Succeeded)
        {
            // The credential was good; the host refused it. Not charged to the address, and counted apart.
            _metrics.RecordRejected(credential.Source);
            return outcome;
        }

        _metrics.RecordSuccess(credential.Source);
        Context.Features.Set(ApplicationTokenAuthenticatedFeature.Instance);
        Log.AuthenticationSucceeded(Logger, result.ClientId!, result.OrganizationId!, RoleIds(result), credential.Source);
        return outcome;
    }

    private static string RoleIds(TokenVerificationResult result) =>
        result.Roles.Count == 1 ? result.Roles[0].Id : string.Join(",", result.Roles.Select(r => r.Id));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthenticateResult authenticateResult = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var challenge = new ApplicationTokenChallengeContext(Context, Scheme, Options, properties)
        {
            AuthenticateFailure = authenticateResult.Failure,
            RetryAfter = _retryAfter,
        };
        await TokenEvents.Challenge(challenge).ConfigureAwait(false);
        if (challenge.Handled)
        {
            return;
        }

        bool managementRoute = Context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpointMetadata>() is not null;
        if (_retryAfter is { } retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = FailedAuthenticationThrottle.FormatRetryAfter(retryAfter);
            if (managementRoute)
            {
                await ManagementProblem.WriteAsync(Context, ManagementError.TooManyFailures, "Too many failed authentications from this client; try again later.").ConfigureAwait(false);
            }

            return;
        }

        // No error or error_description: the client learns nothing about why, so client ids cannot be enumerated.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");

        // The management API's clients print errors[].message; the message is the same whatever went wrong.
        if (managementRoute)
        {
            await ManagementProblem.WriteAsync(Context, ManagementError.AuthenticationRequired, "A valid application token is required: send 'Authorization: Bearer <token>'.").ConfigureAwait(false);
        }
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return TokenEvents.Forbidden(new ApplicationTokenForbiddenContext(Context, Scheme, Options));
    }

    /// <summary>
    /// Builds the identity of a valid token: client id, organization, one role claim per role (its id) and one claim
    /// per permission (the union of the roles').
    /// </summary>
    internal static ClaimsIdentity CreateIdentity(TokenVerificationResult result, string authenticationType, string issuer)
    {
        IReadOnlySet<string> permissions = result.Permissions;
        var claims = new List<Claim>(3 + result.Roles.Count + permissions.Count)
        {
            new(ClaimTypes.NameIdentifier, result.ClientId!, ClaimValueTypes.String, issuer),
            new(TokenClaimTypes.ClientId, result.ClientId!, ClaimValueTypes.String, issuer),
            new(TokenClaimTypes.OrganizationId, result.OrganizationId!, ClaimValueTypes.String, issuer),
        };
        foreach (Role role in result.Roles)
        {
            claims.Add(new Claim(ClaimTypes.Role, role.Id, ClaimValueTypes.String, issuer));
        }

        foreach (string permission in permissions.Order(StringComparer.Ordinal))
        {
            claims.Add(new Claim(TokenClaimTypes.Permission, permission, ClaimValueTypes.String, issuer));
        }

        return new ClaimsIdentity(claims, authenticationType, TokenClaimTypes.ClientId, ClaimTypes.Role);
    }

    /// <summary>
    /// Counts, logs at Debug and, unless the throttle refused it already, charges the address with a failure; then
    /// raises <see cref="ApplicationTokenEvents.AuthenticationFailed"/>, which sees why but never the credential.
    /// </summary>
    private async Task<AuthenticateResult> FailAsync(int reason, VerificationStatus status, Credential credential)
    {
        string reasonName = AuthenticationFailureReasons.Names[reason];
        _metrics.RecordFailure(reason, credential.Source!);
        _failureSummary.Record(Scheme.Name, Options.FailureSummaryInterval, reason);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            string masked = credential.Token is not null ? TokenMask.MaskToken(credential.Token)
                : credential.ClientId is not null ? "client id and secret"
                : TokenMask.Mask;
            Log.AuthenticationFailed(Logger, reasonName, credential.Source!, masked);
        }

        bool throttled = reason == AuthenticationFailureReasons.Throttled;
        if (!throttled)
        {
            _throttle?.RecordFailure(Context.Connection.RemoteIpAddress);
        }

        var failure = new AuthenticationFailureException(throttled ? ThrottledMessage : FailureMessage);
        var failed = new ApplicationTokenAuthenticationFailedContext(Context, Scheme, Options, failure)
        {
            Status = status,
            Reason = reasonName,
            CredentialSource = credential.Source!,
            RetryAfter = throttled ? _retryAfter : null,
        };
        await TokenEvents.AuthenticationFailed(failed).ConfigureAwait(false);
        return failed.Result ?? AuthenticateResult.Fail(failure);
    }

    private Credential FindCredential()
    {
        StringValues authorization = Request.Headers.Authorization;
        if (Options.AcceptBearerHeader && TryGetScheme(authorization, "Bearer", out string? bearer))
        {
            return Credential.ForToken("bearer", bearer);
        }

        if (Options.AcceptCassandraTokenHeader && TryGetHeader(ApplicationTokenDefaults.CassandraTokenHeaderName, out string? cassandra))
        {
            return Credential.ForToken("x-cassandra-token", cassandra);
        }

        if (Options.AcceptTokenHeader && TryGetHeader(ApplicationTokenDefaults.TokenHeaderName, out string? token))
        {
            return Credential.ForToken("token", token);
        }

        if (Options.AcceptBasic && TryGetScheme(authorization, "Basic", out string? basic))
        {
            return ParseBasic(basic);
        }

        if (Options.AcceptQueryString && Request.Query.TryGetValue(Options.QueryParameterName, out StringValues query))
        {
            return Credential.ForToken("query", query.Count == 1 ? query[0] : null);
        }

        return default;
    }

    /// <summary>Finds <c>Authorization: &lt;scheme&gt; &lt;value&gt;</c>; a value of <see langword="null"/> means present but unusable.</summary>
    private static bool TryGetScheme(StringValues authorization, string scheme, out string? value)
    {
        value = null;
        if (authorization.Count == 0)
        {
            return false;
        }

        string? header = authorization[0];
        if (header is null || header.Length < scheme.Length
            || !header.AsSpan(0, scheme.Length).Equals(scheme, StringComparison.OrdinalIgnoreCase)
            || (header.Length > scheme.Length && header[scheme.Length] != ' '))
        {
            return false;
        }

        // Several Authorization headers are ambiguous: present, but not used.
        value = authorization.Count == 1 ? header[scheme.Length..].Trim() : null;
        return true;
    }

    private bool TryGetHeader(string name, out string? value)
    {
        value = null;
        if (!Request.Headers.TryGetValue(name, out StringValues values) || values.Count == 0)
        {
            return false;
        }

        value = values.Count == 1 ? values[0]?.Trim() : null;
        return true;
    }

    private static Credential ParseBasic(string? encoded)
    {
        const string source = "basic";
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxBasicCredentialLength)
        {
            return Credential.Malformed(source);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(encoded.Length));
        try
        {
            if (!Convert.TryFromBase64String(encoded, buffer, out int length))
            {
                return Credential.Malformed(source);
            }

            string decoded;
            try
            {
                decoded = s_strictUtf8.GetString(buffer, 0, length);
            }
            catch (DecoderFallbackException)
            {
                return Credential.Malformed(source);
            }

            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == decoded.Length - 1)
            {
                return Credential.Malformed(source);
            }

            string user = decoded[..colon];
            string password = decoded[(colon + 1)..];
            return string.Equals(user, ApplicationTokenDefaults.BasicTokenUserName, StringComparison.Ordinal)
                ? Credential.ForToken(source, password)
                : Credential.ForClientSecret(source, user, password);
        }
        finally
        {
            // The buffer held a secret; clear it before another renter sees it.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>A presented credential: a token, or a client id and secret; <see cref="Source"/> is null when none was presented.</summary>
    private readonly struct Credential
    {
        private Credential(string source, string? token, string? clientId, string? secret, bool isMalformed)
        {
            Source = source;
            Token = token;
            ClientId = clientId;
            Secret = secret;
            IsMalformed = isMalformed;
        }

        public string? Source { get; }

        public string? Token { get; }

        public string? ClientId { get; }

        public string? Secret { get; }

        public bool IsMalformed { get; }

        public static Credential ForToken(string source, string? token) =>
            string.IsNullOrEmpty(token) ? Malformed(source) : new(source, token, null, null, false);

        public static Credential ForClientSecret(string source, string clientId, string secret) =>
            new(source, null, clientId, secret, false);

        public static Credential Malformed(string source) => new(source, null, null, null, true);

        /// <summary>Never shows the credential.</summary>
        public override string ToString() => $"Credential from {Source}";
    }
}
