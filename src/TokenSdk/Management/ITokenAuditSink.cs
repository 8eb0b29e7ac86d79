namespace TokenSdk.Management;

/// <summary>
/// Receives the audit trail of token management. The default sink writes each event to <c>ILogger</c>; register
/// more (a database table, a SIEM) with <c>ITokenSdkBuilder.AddAuditSink&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// A sink that throws does not undo the operation (the token was already generated or deleted); the failure is
/// logged as an error and the other sinks still receive the event.
/// </remarks>
public interface ITokenAuditSink
{
    /// <summary>Records an event.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the event is recorded.</returns>
    ValueTask WriteAsync(TokenAuditEvent auditEvent, CancellationToken cancellationToken = default);
}
