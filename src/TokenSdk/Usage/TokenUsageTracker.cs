using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.Usage;

/// <summary>
/// Keeps when each token was last used: verification marks the token's record in memory (no lock, no allocation, no
/// clock read), and once per <see cref="TokenUsageOptions.Resolution"/> the marks are written to the store, in one
/// batch, when it is an <see cref="ITokenUsageStore"/>.
/// </summary>
/// <remarks>
/// A token verified any number of times within one period is written once. The time recorded is the start of the
/// period in which the token was used (so it may be up to one period early). If the process stops, the marks of the
/// last period may be lost (never a token); disposing the tracker writes them first. A failed write is logged once
/// and retried at the next period.
/// </remarks>
public sealed class TokenUsageTracker : IAsyncDisposable, IDisposable
{
    private readonly ITokenUsageStore? _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<StoredToken> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ITimer? _timer;
    private readonly long _startTicks;
    private long _periodStartTicks;
    private bool _failing;
    private int _disposed;

    /// <summary>Creates a tracker writing to <paramref name="store"/> (when it keeps usage) and starts its timer.</summary>
    /// <param name="store">The token store.</param>
    /// <param name="options">The options (<see cref="TokenSdkOptions.Usage"/>); <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock and timer; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><paramref name="options"/> are invalid.</exception>
    public TokenUsageTracker(ITokenStore store, TokenSdkOptions? options = null, TimeProvider? timeProvider = null, ILogger<TokenUsageTracker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new TokenSdkOptions();
        DependencyInjection.TokenSdkOptionsValidator.ThrowIfInvalid(options);

        _store = store as ITokenUsageStore;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        IsEnabled = options.Usage.Enabled;
        Resolution = options.Usage.Resolution;
        _startTicks = _timeProvider.GetUtcNow().UtcTicks;
        _periodStartTicks = _startTicks;
        if (IsEnabled)
        {
            _timer = _timeProvider.CreateTimer(static state => ((TokenUsageTracker)state!).OnPeriodEnd(), this, Resolution, Resolution);
        }
    }

    /// <summary>Gets whether usage is tracked (<see cref="TokenUsageOptions.Enabled"/>).</summary>
    public bool IsEnabled { get; }

    /// <summary>Gets the resolution, which is also the interval between writes.</summary>
    public TimeSpan Resolution { get; }

    /// <summary>Writes the last-used times marked since the previous write, now.</summary>
    /// <param name="cancellationToken">Cancels the write (the marks are kept for the next one).</param>
    /// <returns>A task that completes when they are written, or the write failed (logged; retried at the next period).</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Stops the timer and writes the pending last-used times.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the marks of the last period are lost, as documented.
        }
    }

    /// <summary>Stops the timer and writes the pending last-used times, waiting for the write.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Marks <paramref name="record"/> as used in the current period: on the verification path, so no lock and no allocation.</summary>
    internal void Record(StoredToken record)
    {
        long periodStart = Volatile.Read(ref _periodStartTicks);
        if (record.LastUsedUtcTicks < periodStart)
        {
            // Once per token and period; racing verifications may both enqueue it, which the write folds together.
            record.LastUsedUtcTicks = periodStart;
            _pending.Enqueue(record);
        }
    }

    private void OnPeriodEnd()
    {
        // Periods start at whole multiples of the resolution from the tracker's start, whenever the timer runs.
        long elapsed = Math.Max(0, _timeProvider.GetUtcNow().UtcTicks - _startTicks);
        Volatile.Write(ref _periodStartTicks, _startTicks + (elapsed - (elapsed % Resolution.Ticks)));
        if (!_pending.IsEmpty && _flushing.Wait(0))
        {
            _ = FlushInBackgroundAsync();
        }
    }

    private async Task FlushInBackgroundAsync()
    {
        try
        {
            await FlushCoreAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task FlushCoreAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        var marked = new List<StoredToken>();
        var latest = new Dictionary<string, long>(StringComparer.Ordinal);
        while (_pending.TryDequeue(out StoredToken? record))
        {
            marked.Add(record);
            long ticks = record.LastUsedUtcTicks;
            if (!latest.TryGetValue(record.ClientId, out long known) || ticks > known)
            {
                latest[record.ClientId] = ticks;
            }
        }

        if (_store is null)
        {
            // Kept in the records only, for this process's own listings.
            return;
        }

        TokenUsage[] usages = [.. latest.Select(entry => new TokenUsage(entry.Key, new DateTimeOffset(entry.Value, TimeSpan.Zero)))];
        try
        {
            await _store.RecordUsageAsync(usages, cancellationToken).ConfigureAwait(false);
            if (_failing)
            {
                _failing = false;
                Log.UsageWriteRecovered(_logger, usages.Length);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Kept for the next period; a store that keeps failing is reported once, not every minute.
            foreach (StoredToken record in marked)
            {
                _pending.Enqueue(record);
            }

            if (!_failing && ex is not OperationCanceledException)
            {
                _failing = true;
                Log.UsageWriteFailed(_logger, usages.Length, ex);
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }
        }
    }
}
