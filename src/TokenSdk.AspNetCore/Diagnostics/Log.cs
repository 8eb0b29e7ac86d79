using Microsoft.Extensions.Logging;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// Every log message of TokenSdk.AspNetCore, with stable event ids (5000 and up, beside the core's 1000 to 3999).
/// Messages carry client ids and masked tokens at most: never a secret or a whole token.
/// </summary>
internal static partial class Log
{
    // Debug: anyone can cause a failure at will; the summary (5003) and the metrics count them.
    [LoggerMessage(EventId = 5001, EventName = "AuthenticationFailed", Level = LogLevel.Debug,
        Message = "Application token authentication failed with status {Status}: credential from {Source}, {MaskedCredential}.")]
    public static partial void AuthenticationFailed(ILogger logger, string status, string source, string maskedCredential);

    [LoggerMessage(EventId = 5002, EventName = "AuthenticationSucceeded", Level = LogLevel.Debug,
        Message = "Application token {ClientId} of organization {OrganizationId} authenticated with role {RoleId} (credential from {Source}).")]
    public static partial void AuthenticationSucceeded(ILogger logger, string clientId, string organizationId, string roleId, string source);

    [LoggerMessage(EventId = 5003, EventName = "AuthenticationFailureSummary", Level = LogLevel.Information,
        Message = "{Count} application token authentications failed in the last {Interval} (scheme {Scheme}): {CountsByStatus}.")]
    public static partial void AuthenticationFailureSummary(ILogger logger, long count, TimeSpan interval, string scheme, string countsByStatus);

    // Debug: any caller can have requests rejected at will; refusals that matter are audited by the manager (2002).
    [LoggerMessage(EventId = 5101, EventName = "ManagementRequestRejected", Level = LogLevel.Debug,
        Message = "Token management request {Method} {Route} rejected with {StatusCode}: {Reason}")]
    public static partial void ManagementRequestRejected(ILogger logger, string method, string route, int statusCode, string reason);

    [LoggerMessage(EventId = 5202, EventName = "StoreUnavailable", Level = LogLevel.Error,
        Message = "The token store is unavailable ({Subject}): {Problem} Logged once until it recovers.")]
    public static partial void StoreUnavailable(ILogger logger, Exception? exception, string subject, string problem);

    [LoggerMessage(EventId = 5203, EventName = "StoreAvailableAgain", Level = LogLevel.Information,
        Message = "The token store is available again ({Subject}) after {Failures} failures.")]
    public static partial void StoreAvailableAgain(ILogger logger, string subject, long failures);
}
