using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Diagnostics;

namespace TokenSdk.Management.Cleanup;

/// <summary>
/// Calls <see cref="ITokenManager.PurgeExpiredAsync"/> every <see cref="ExpiredTokenCleanupOptions.Interval"/>: expired
/// tokens and tokens past a rotation's grace period leave the store, each deletion audited with reason
/// <see cref="DeletionReason.Expired"/>.
/// </summary>
/// <remarks>
/// A failed run (the store unavailable, say) is logged and retried after a wait that doubles up to
/// <see cref="ExpiredTokenCleanupOptions.MaximumBackoff"/>; the first successful run restores the interval. Stopping
/// the host cancels the wait or the run in progress without logging an error. Several processes sharing a store may
/// each run the clean-up: a token already deleted by another is skipped, and audited once.
/// </remarks>
internal sealed class ExpiredTokenCleanupService : BackgroundService
{
    private readonly ITokenManager _manager;
    private readonly ExpiredTokenCleanupOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public ExpiredTokenCleanupService(
        ITokenManager manager, ExpiredTokenCleanupOptions options, TimeProvider? timeProvider = null, ILogger<ExpiredTokenCleanupService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(options);
        _manager = manager;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan wait = _options.InitialDelay;
        int failures = 0;
        try
        {
            while (true)
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _timeProvider, stoppingToken).ConfigureAwait(false);
                }

                Exception? failure = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (failure is null)
                {
                    if (failures > 0)
                    {
                        Log.ExpiredTokenCleanupRecovered(_logger, failures);
                        failures = 0;
                    }

                    wait = _options.Interval;
                }
                else
                {
                    failures++;
                    wait = BackoffAfter(failures);
                    Log.ExpiredTokenCleanupFailed(_logger, failure, failures, wait);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: nothing went wrong.
        }
    }

    /// <summary>The wait after <paramref name="failures"/> failed runs in a row: the interval doubled as many times, capped.</summary>
    internal TimeSpan BackoffAfter(int failures)
    {
        TimeSpan wait = _options.Interval;
        for (int i = 0; i < failures && wait < _options.MaximumBackoff; i++)
        {
            wait *= 2;
        }

        return wait < _options.MaximumBackoff ? wait : _options.MaximumBackoff;
    }

    // The exception of a failed run, or null after a successful one.
#pragma warning disable CA1031 // The loop must outlive any failure of a run: it is logged, and the run retried.
    private async Task<Exception?> RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            int purged = await _manager.PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
            if (purged > 0)
            {
                Log.ExpiredTokensPurged(_logger, purged);
            }

            return null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
#pragma warning restore CA1031
}
