using Microsoft.Extensions.Logging;
using TokenSdk.Verification;

namespace TokenSdk.Diagnostics;

/// <summary>
/// Every log message of TokenSdk, with stable event ids. Messages carry client ids and masked tokens at most:
/// never a secret, a whole token or a verifier.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "VerificationFailed", Level = LogLevel.Debug,
        Message = "Token verification failed with status {Status} for {MaskedToken}.")]
    public static partial void VerificationFailed(ILogger logger, VerificationStatus status, string maskedToken);

    [LoggerMessage(EventId = 1002, EventName = "VerifierKeyUnknown", Level = LogLevel.Warning,
        Message = "Token {ClientId} has a verifier made with pepper key id '{KeyId}', which is not configured; no token made with that key verifies until its pepper is configured again (logged once per key id).")]
    public static partial void VerifierKeyUnknown(ILogger logger, string clientId, string? keyId);

    [LoggerMessage(EventId = 1003, EventName = "RoleNotFound", Level = LogLevel.Warning,
        Message = "Token {ClientId} refers to role '{RoleId}', which is not in the role catalog; tokens of that role fail verification (logged once per role id).")]
    public static partial void RoleNotFound(ILogger logger, string clientId, string roleId);

    [LoggerMessage(EventId = 1101, EventName = "TokenGenerated", Level = LogLevel.Debug,
        Message = "Generated token {ClientId} for role '{RoleId}' in organization '{OrganizationId}' ({MaskedToken}).")]
    public static partial void TokenGenerated(ILogger logger, string clientId, string roleId, string organizationId, string maskedToken);

    /// <summary>Event 2001, <c>Audit</c> (Information): a token was generated, rotated or deleted, or its deletion scheduled.</summary>
    public static readonly EventId AuditEvent = new(2001, "Audit");

    /// <summary>Event 2002, <c>AuditDenied</c> (Warning): a management operation was refused.</summary>
    public static readonly EventId AuditDeniedEvent = new(2002, "AuditDenied");

    /// <summary>Writes one audit entry, naming only the fields the event has (see <see cref="AuditLogEntry"/>).</summary>
    public static void Audit(ILogger logger, Management.TokenAuditEvent auditEvent)
    {
        bool denied = auditEvent.Kind == Management.TokenAuditEventKind.Denied;
        LogLevel level = denied ? LogLevel.Warning : LogLevel.Information;
        if (logger.IsEnabled(level))
        {
            logger.Log(level, denied ? AuditDeniedEvent : AuditEvent, new AuditLogEntry(auditEvent), null, AuditLogEntry.Format);
        }
    }

    [LoggerMessage(EventId = 2101, EventName = "AuditSinkFailed", Level = LogLevel.Error,
        Message = "An audit sink of type {SinkType} failed to record a {Kind} event.")]
    public static partial void AuditSinkFailed(ILogger logger, Exception exception, string sinkType, Management.TokenAuditEventKind kind);

    [LoggerMessage(EventId = 2102, EventName = "ScheduledDeletionFailed", Level = LogLevel.Error,
        Message = "The scheduled deletion of token {ClientId} failed; it stays unusable after its expiry date and will be retried by PurgeExpiredAsync.")]
    public static partial void ScheduledDeletionFailed(ILogger logger, Exception exception, string clientId);

    [LoggerMessage(EventId = 2201, EventName = "ExpiredTokensPurged", Level = LogLevel.Information,
        Message = "The expired-token clean-up deleted {Count} expired tokens.")]
    public static partial void ExpiredTokensPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 2202, EventName = "ExpiredTokenCleanupFailed", Level = LogLevel.Error,
        Message = "The expired-token clean-up failed ({Failures} runs in a row); the next run starts in {NextRunIn}. Expired tokens still fail verification meanwhile.")]
    public static partial void ExpiredTokenCleanupFailed(ILogger logger, Exception exception, int failures, TimeSpan nextRunIn);

    [LoggerMessage(EventId = 2203, EventName = "ExpiredTokenCleanupRecovered", Level = LogLevel.Information,
        Message = "The expired-token clean-up succeeded again after {Failures} failed runs.")]
    public static partial void ExpiredTokenCleanupRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 3001, EventName = "FileStoreTornTailMovedAside", Level = LogLevel.Warning,
        Message = "A write interrupted by a crash, never acknowledged, was found at the end of '{LogPath}' (offset {Offset}, {Length} bytes: {Detail}). Its bytes were moved to '{KeptIn}' and cut off the log.")]
    public static partial void FileStoreTornTailMovedAside(ILogger logger, string logPath, long offset, long length, string detail, string keptIn);

    [LoggerMessage(EventId = 3002, EventName = "FileStoreCompacted", Level = LogLevel.Information,
        Message = "Compacted '{LogPath}' from {Before} to {After} records.")]
    public static partial void FileStoreCompacted(ILogger logger, string logPath, long before, long after);

    [LoggerMessage(EventId = 3003, EventName = "FileStoreCompactionFailed", Level = LogLevel.Error,
        Message = "Compacting the token store in '{Directory}' failed; the previous log stays in use and its temporary file was removed. Automatic compaction tries again in {RetryIn}.")]
    public static partial void FileStoreCompactionFailed(ILogger logger, Exception exception, string directory, TimeSpan retryIn);

    [LoggerMessage(EventId = 3004, EventName = "FileStoreRefreshFailed", Level = LogLevel.Warning,
        Message = "Reading other processes' changes to the token store in '{Directory}' failed; retrying at the next refresh.")]
    public static partial void FileStoreRefreshFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(EventId = 3005, EventName = "FileStoreTornTailFound", Level = LogLevel.Information,
        Message = "A write interrupted by a crash, never acknowledged, is at the end of '{LogPath}' (offset {Offset}, {Length} bytes: {Detail}). Left in place while only reading; the next write moves it to a file beside the log.")]
    public static partial void FileStoreTornTailFound(ILogger logger, string logPath, long offset, long length, string detail);

    [LoggerMessage(EventId = 3006, EventName = "FileStoreFormatUpgraded", Level = LogLevel.Warning,
        Message = "The token store log '{LogPath}' now holds roles: it was rewritten from format version {Before} to {After}. Releases of TokenSdk that read only version {Before} refuse to open it; upgrade every process sharing the store.")]
    public static partial void FileStoreFormatUpgraded(ILogger logger, string logPath, ushort before, ushort after);

    [LoggerMessage(EventId = 1301, EventName = "UsageWriteFailed", Level = LogLevel.Warning,
        Message = "Writing the last-used times of {Count} tokens to the store failed; they are kept and written again at the next period (logged once until a write succeeds).")]
    public static partial void UsageWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1302, EventName = "UsageWriteRecovered", Level = LogLevel.Information,
        Message = "Last-used times are written to the store again ({Count} tokens).")]
    public static partial void UsageWriteRecovered(ILogger logger, int count);
}
