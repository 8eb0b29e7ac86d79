using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TokenSdk.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>
/// Deletes tokens at a later time (the end of a rotation's grace period) with <see cref="TimeProvider"/> timers. The
/// deadline is also the token's expiry date in the store, so it stops verifying on time even if this process stops
/// before the timer fires; <see cref="ITokenManager.PurgeExpiredAsync"/> removes what a stopped process left behind.
/// </summary>
internal sealed class DeletionScheduler : IDisposable
{
    private readonly ConcurrentDictionary<string, ITimer> _timers = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly Func<StoredToken, string, Task> _delete;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <param name="timeProvider">The clock.</param>
    /// <param name="delete">Deletes a token when its time comes (the record, the related new client id).</param>
    /// <param name="logger">Where a failed scheduled deletion is logged.</param>
    public DeletionScheduler(TimeProvider timeProvider, Func<StoredToken, string, Task> delete, ILogger logger)
    {
        _timeProvider = timeProvider;
        _delete = delete;
        _logger = logger;
    }

    /// <summary>Deletes <paramref name="record"/> at <paramref name="deleteAt"/> (replacing an earlier schedule for it).</summary>
    public void Schedule(StoredToken record, DateTimeOffset deleteAt, string relatedClientId)
    {
        if (_disposed)
        {
            return;
        }

        ITimer timer = _timeProvider.CreateTimer(
            static state =>
            {
                var (scheduler, token, related) = ((DeletionScheduler, StoredToken, string))state!;
                _ = scheduler.RunAsync(token, related);
            },
            (this, record, relatedClientId),
            deleteAt - _timeProvider.GetUtcNow(),
            Timeout.InfiniteTimeSpan);
        if (_timers.TryGetValue(record.ClientId, out ITimer? previous))
        {
            previous.Dispose();
        }

        _timers[record.ClientId] = timer;
    }

    /// <summary>Forgets the schedule of a token deleted by other means.</summary>
    public void Cancel(string clientId)
    {
        if (_timers.TryRemove(clientId, out ITimer? timer))
        {
            timer.Dispose();
        }
    }

    /// <summary>Cancels every pending timer (their tokens still stop verifying at their expiry date).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (ITimer timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    private async Task RunAsync(StoredToken record, string relatedClientId)
    {
        try
        {
            _timers.TryRemove(record.ClientId, out _);
            await _delete(record, relatedClientId).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A timer callback has no caller to throw to: log, and leave the rest to PurgeExpiredAsync.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ScheduledDeletionFailed(_logger, ex, record.ClientId);
        }
    }
}
