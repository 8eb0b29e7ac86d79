using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Diagnostics;

namespace TokenSdk.Management;

/// <summary>
/// The default audit sink: one structured log entry per event (category <c>TokenSdk.Audit</c>; event 2001
/// <c>Audit</c> at Information, 2002 <c>AuditDenied</c> at Warning for refusals). Every field of the event is a
/// structured value; the message names only the fields that have a value.
/// </summary>
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
        Log.Audit(_logger, auditEvent);
        return ValueTask.CompletedTask;
    }
}
