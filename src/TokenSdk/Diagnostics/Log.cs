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
        Message = "Token {ClientId} has a verifier made with pepper key id '{KeyId}', which is not configured; it cannot verify until that pepper is configured again.")]
    public static partial void VerifierKeyUnknown(ILogger logger, string clientId, string? keyId);

    [LoggerMessage(EventId = 1003, EventName = "RoleNotFound", Level = LogLevel.Warning,
        Message = "Token {ClientId} refers to role '{RoleId}', which is not in the role catalog; it fails verification.")]
    public static partial void RoleNotFound(ILogger logger, string clientId, string roleId);

    [LoggerMessage(EventId = 1101, EventName = "TokenGenerated", Level = LogLevel.Debug,
        Message = "Generated token {ClientId} for role '{RoleId}' in organization '{OrganizationId}' ({MaskedToken}).")]
    public static partial void TokenGenerated(ILogger logger, string clientId, string roleId, string organizationId, string maskedToken);
}
