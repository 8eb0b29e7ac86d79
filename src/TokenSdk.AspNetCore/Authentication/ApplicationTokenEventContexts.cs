using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Authentication;

/// <summary>The context of <see cref="ApplicationTokenEvents.MessageReceived"/>.</summary>
public class ApplicationTokenMessageReceivedContext : ResultContext<ApplicationTokenOptions>
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationTokenMessageReceivedContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The authentication scheme.</param>
    /// <param name="options">The scheme's options.</param>
    public ApplicationTokenMessageReceivedContext(HttpContext context, AuthenticationScheme scheme, ApplicationTokenOptions options)
        : base(context, scheme, options)
    {
    }

    /// <summary>
    /// Gets or sets the token to verify instead of looking in the request's headers (and query string): leave it
    /// <see langword="null"/> or empty for the handler's own sources. Set only by the event; the handler does not put
    /// the request's credential here.
    /// </summary>
    public string? Token { get; set; }
}

/// <summary>
/// The context of <see cref="ApplicationTokenEvents.TokenValidated"/>: <see cref="ResultContext{TOptions}.Principal"/>
/// is the principal about to be signed in (client id, organization, roles, permissions), which the event may add
/// claims to or replace. Unless the event decides the result, the request is authenticated with that principal.
/// </summary>
public class ApplicationTokenValidatedContext : ResultContext<ApplicationTokenOptions>
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationTokenValidatedContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The authentication scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="verificationResult">The successful verification.</param>
    public ApplicationTokenValidatedContext(HttpContext context, AuthenticationScheme scheme, ApplicationTokenOptions options, TokenVerificationResult verificationResult)
        : base(context, scheme, options)
    {
        VerificationResult = verificationResult;
    }

    /// <summary>Gets the verification of the presented credential: client id, organization, roles, permissions, expiry.</summary>
    public TokenVerificationResult VerificationResult { get; }
}

/// <summary>
/// The context of <see cref="ApplicationTokenEvents.AuthenticationFailed"/>: why authentication failed, never the
/// presented token or secret. Unless the event decides the result, the request fails authentication with
/// <see cref="Exception"/>.
/// </summary>
public class ApplicationTokenAuthenticationFailedContext : ResultContext<ApplicationTokenOptions>
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationTokenAuthenticationFailedContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The authentication scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="exception">The failure.</param>
    public ApplicationTokenAuthenticationFailedContext(HttpContext context, AuthenticationScheme scheme, ApplicationTokenOptions options, Exception exception)
        : base(context, scheme, options)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Exception = exception;
    }

    /// <summary>
    /// Gets the failure: an <see cref="AuthenticationFailureException"/> with the same message whatever the reason,
    /// or the exception verification threw (a <see cref="Storage.TokenStoreException"/> when the store is unavailable).
    /// </summary>
    public Exception Exception { get; }

    /// <summary>
    /// Gets the verification status: <see cref="VerificationStatus.Malformed"/> for a credential that is not one,
    /// the verifier's status otherwise, and <see cref="VerificationStatus.None"/> when nothing was verified (the
    /// address was throttled, or verification threw).
    /// </summary>
    public VerificationStatus Status { get; init; }

    /// <summary>
    /// Gets the reason as the <c>tokensdk.authentication.result</c> metric tag names it: the status in lowercase
    /// (<c>malformed</c>, <c>unknownclient</c>, <c>mismatch</c>, <c>expired</c>, <c>rolenotfound</c>),
    /// <c>throttled</c>, or <c>error</c> when verification threw.
    /// </summary>
    public string Reason { get; init; } = "error";

    /// <summary>
    /// Gets where the credential came from: <c>bearer</c>, <c>x-cassandra-token</c>, <c>token</c>, <c>basic</c>,
    /// <c>query</c>, or <c>event</c> when <see cref="ApplicationTokenEvents.MessageReceived"/> supplied it.
    /// </summary>
    public string CredentialSource { get; init; } = string.Empty;

    /// <summary>Gets how long the client address stays throttled, when it is (<see cref="Reason"/> is <c>throttled</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// The context of <see cref="ApplicationTokenEvents.Challenge"/>. Call <see cref="HandleResponse"/> to write the
/// response yourself; otherwise the handler answers 401 with <c>WWW-Authenticate: Bearer</c> (429 with
/// <c>Retry-After</c> for a throttled address).
/// </summary>
public class ApplicationTokenChallengeContext : PropertiesContext<ApplicationTokenOptions>
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationTokenChallengeContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The authentication scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="properties">The authentication properties of the challenge.</param>
    public ApplicationTokenChallengeContext(HttpContext context, AuthenticationScheme scheme, ApplicationTokenOptions options, AuthenticationProperties properties)
        : base(context, scheme, options, properties)
    {
    }

    /// <summary>
    /// Gets or sets the failure of this request's authentication, if it failed (<see langword="null"/> when no
    /// credential was presented). Its message is the same whatever went wrong.
    /// </summary>
    public Exception? AuthenticateFailure { get; set; }

    /// <summary>Gets or sets how long the client address stays throttled, when the challenge is for a throttled request (a 429).</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets whether the event handled the response, so the handler writes nothing.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the handler's own challenge: the event has written the response.</summary>
    public void HandleResponse() => Handled = true;
}

/// <summary>The context of <see cref="ApplicationTokenEvents.Forbidden"/>.</summary>
public class ApplicationTokenForbiddenContext : ResultContext<ApplicationTokenOptions>
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationTokenForbiddenContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The authentication scheme.</param>
    /// <param name="options">The scheme's options.</param>
    public ApplicationTokenForbiddenContext(HttpContext context, AuthenticationScheme scheme, ApplicationTokenOptions options)
        : base(context, scheme, options)
    {
    }
}
