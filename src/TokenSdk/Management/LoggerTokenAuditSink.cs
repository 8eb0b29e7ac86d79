using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Diagnostics;

namespace TokenSdk.Management;

/// <summary>The default audit sink: one structured log entry per event (category <c>TokenSdk.Audit</c>).</summary>
public sealed class LoggerTokenAuditSink : ITokenAuditSink
{
    private readonly ILogger _logger;

    /// <summary>Creates the sink.</summary>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for none.</param>
    public LoggerTokenAuditSink(ILoggerFactory? loggerFactory = null)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TokenSdk.Audit");
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(TokenAuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (auditEvent.Kind == TokenAuditEventKind.Denied)
        {
            Log.AuditDenied(_logger, auditEvent.Operation, auditEvent.ActorId, auditEvent.OrganizationId, auditEvent.ClientId, auditEvent.RoleId, auditEvent.Detail);
        }
        else
        {
            Log.Audit(_logger, auditEvent.Kind, auditEvent.Operation, auditEvent.ActorId, auditEvent.OrganizationId,
                auditEvent.ClientId, auditEvent.RoleId, auditEvent.Reason, auditEvent.RelatedClientId, auditEvent.EffectiveAt);
        }

        return ValueTask.CompletedTask;
    }
}
