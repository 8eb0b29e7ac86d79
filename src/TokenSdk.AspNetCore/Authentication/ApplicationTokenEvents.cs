namespace TokenSdk.AspNetCore.Authentication;

/// <summary>
/// The events of the application token authentication scheme, in the shape of <c>JwtBearerEvents</c>: assign the
/// delegates, or derive from this class, override the methods and name the type in
/// <see cref="Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions.EventsType"/> to resolve it from
/// dependency injection per request.
/// </summary>
/// <remarks>
/// For each request the handler raises <see cref="MessageReceived"/> first, then either <see cref="TokenValidated"/>
/// (the credential verified) or <see cref="AuthenticationFailed"/> (it did not, it was throttled, or verification
/// threw); nothing is raised after <see cref="MessageReceived"/> when no credential was presented.
/// <see cref="Challenge"/> and <see cref="Forbidden"/> are raised when authorization challenges or forbids this scheme.
/// No context ever carries the presented token or secret.
/// </remarks>
public class ApplicationTokenEvents
{
    /// <summary>
    /// Gets or sets the delegate invoked before the handler looks for a credential: set
    /// <see cref="ApplicationTokenMessageReceivedContext.Token"/> to supply the token from elsewhere (a WebSocket's
    /// subprotocol or query string, a cookie), or decide the result yourself.
    /// </summary>
    public Func<ApplicationTokenMessageReceivedContext, Task> OnMessageReceived { get; set; } = static _ => Task.CompletedTask;

    /// <summary>
    /// Gets or sets the delegate invoked when a credential verified: the context carries the principal about to be
    /// signed in and the <see cref="Verification.TokenVerificationResult"/>. Add claims to the principal, replace it,
    /// or reject the request with <see cref="Microsoft.AspNetCore.Authentication.ResultContext{TOptions}.Fail(string)"/>.
    /// </summary>
    public Func<ApplicationTokenValidatedContext, Task> OnTokenValidated { get; set; } = static _ => Task.CompletedTask;

    /// <summary>
    /// Gets or sets the delegate invoked when authentication failed: a credential was malformed or did not verify,
    /// its client address was throttled, or verification threw. The context says why, never with the credential.
    /// </summary>
    public Func<ApplicationTokenAuthenticationFailedContext, Task> OnAuthenticationFailed { get; set; } = static _ => Task.CompletedTask;

    /// <summary>
    /// Gets or sets the delegate invoked before the handler writes a challenge (401, or 429 for a throttled address).
    /// Call <see cref="ApplicationTokenChallengeContext.HandleResponse"/> to write the response yourself.
    /// </summary>
    public Func<ApplicationTokenChallengeContext, Task> OnChallenge { get; set; } = static _ => Task.CompletedTask;

    /// <summary>
    /// Gets or sets the delegate invoked when authorization forbids an authenticated request of this scheme, after
    /// the handler set the status to 403.
    /// </summary>
    public Func<ApplicationTokenForbiddenContext, Task> OnForbidden { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invoked before the handler looks for a credential; calls <see cref="OnMessageReceived"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task that completes when the event has been handled.</returns>
    public virtual Task MessageReceived(ApplicationTokenMessageReceivedContext context) => OnMessageReceived(context);

    /// <summary>Invoked when a credential verified; calls <see cref="OnTokenValidated"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task that completes when the event has been handled.</returns>
    public virtual Task TokenValidated(ApplicationTokenValidatedContext context) => OnTokenValidated(context);

    /// <summary>Invoked when authentication failed; calls <see cref="OnAuthenticationFailed"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task that completes when the event has been handled.</returns>
    public virtual Task AuthenticationFailed(ApplicationTokenAuthenticationFailedContext context) => OnAuthenticationFailed(context);

    /// <summary>Invoked before a challenge is written; calls <see cref="OnChallenge"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task that completes when the event has been handled.</returns>
    public virtual Task Challenge(ApplicationTokenChallengeContext context) => OnChallenge(context);

    /// <summary>Invoked when a request is forbidden; calls <see cref="OnForbidden"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task that completes when the event has been handled.</returns>
    public virtual Task Forbidden(ApplicationTokenForbiddenContext context) => OnForbidden(context);
}
