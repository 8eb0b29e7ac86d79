using Microsoft.Extensions.Logging;

namespace TokenSdk.PostgreSql.Diagnostics;

/// <summary>
/// Every log message of TokenSdk.PostgreSql, with stable event ids (4000 and up). Messages name the database by host,
/// port, database, user and schema, never a password, and never hold a secret or a token.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, EventName = "ReplicaLoaded", Level = LogLevel.Information,
        Message = "Loaded {Count} tokens from the PostgreSQL token store ({Database}) up to change {Sequence} in {Elapsed}.")]
    public static partial void ReplicaLoaded(ILogger logger, string database, int count, long sequence, TimeSpan elapsed);

    [LoggerMessage(EventId = 4002, EventName = "FeedLost", Level = LogLevel.Warning,
        Message = "Lost the change feed of the PostgreSQL token store ({Database}): {Problem} Verification continues from the replica; reconnecting. Logged once until it recovers.")]
    public static partial void FeedLost(ILogger logger, Exception exception, string database, string problem);

    [LoggerMessage(EventId = 4003, EventName = "FeedRecovered", Level = LogLevel.Information,
        Message = "Reconnected to the PostgreSQL token store ({Database}) and caught up to change {Sequence}.")]
    public static partial void FeedRecovered(ILogger logger, string database, long sequence);

    [LoggerMessage(EventId = 4004, EventName = "FailedClosed", Level = LogLevel.Error,
        Message = "The PostgreSQL token store ({Database}) failed closed: its replica was last current {Age} ago, beyond MaxReplicaAge. Every token is rejected until the node catches up.")]
    public static partial void FailedClosed(ILogger logger, string database, TimeSpan age);

    [LoggerMessage(EventId = 4005, EventName = "ReopenedAfterFailClosed", Level = LogLevel.Information,
        Message = "The PostgreSQL token store ({Database}) caught up again and verifies tokens again.")]
    public static partial void ReopenedAfterFailClosed(ILogger logger, string database);

    [LoggerMessage(EventId = 4006, EventName = "StartupRetry", Level = LogLevel.Warning,
        Message = "Cannot reach the PostgreSQL token store ({Database}) yet: {Problem} Retrying in {Delay}.")]
    public static partial void StartupRetry(ILogger logger, string database, TimeSpan delay, string problem);

    [LoggerMessage(EventId = 4008, EventName = "ReplicaReloading", Level = LogLevel.Warning,
        Message = "The change feed of the PostgreSQL token store ({Database}) was pruned past this node's position ({Position} < {PrunedThrough}): reloading the replica from the tokens.")]
    public static partial void ReplicaReloading(ILogger logger, string database, long position, long prunedThrough);

    [LoggerMessage(EventId = 4007, EventName = "SchemaMigrated", Level = LogLevel.Information,
        Message = "Migrated the TokenSdk schema of the PostgreSQL token store ({Database}) from version {Before} to {After}.")]
    public static partial void SchemaMigrated(ILogger logger, string database, int before, int after);

    [LoggerMessage(EventId = 4009, EventName = "RoleUnreadable", Level = LogLevel.Warning,
        Message = "The role '{RoleId}' (version {Version}) of the PostgreSQL token store ({Database}) is not a valid role: {Problem} It resolves to no role on this node: tokens holding it fail verification.")]
    public static partial void RoleUnreadable(ILogger logger, string database, string roleId, long version, string problem);
}
