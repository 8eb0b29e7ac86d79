using Microsoft.Extensions.Logging;
using TokenSdk.Diagnostics;

namespace TokenSdk.Management;

/// <summary>Hands each audit event to every sink; a failing sink is logged and never hides the operation or starves the others.</summary>
internal sealed class TokenAuditor
{
    private readonly ITokenAuditSink[] _sinks;
    private readonly ILogger _logger;

    public TokenAuditor(ITokenAuditSink[] sinks, ILogger logger)
    {
        _sinks = sinks;
        _logger = logger;
    }

    public async ValueTask WriteAsync(TokenAuditEvent auditEvent, CancellationToken cancellationToken)
    {
        foreach (ITokenAuditSink sink in _sinks)
        {
            try
            {
                await sink.WriteAsync(auditEvent, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The operation already happened; a failing sink must not hide that or starve the other sinks.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.AuditSinkFailed(_logger, ex, sink.GetType().FullName ?? sink.GetType().Name, auditEvent.Kind);
            }
        }
    }
}
