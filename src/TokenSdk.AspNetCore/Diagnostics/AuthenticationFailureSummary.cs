using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using TokenSdk.AspNetCore.Authentication;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// Counts failed application token authentications per scheme and writes, at most once per
/// <see cref="ApplicationTokenOptions.FailureSummaryInterval"/>, one Information line with the count by reason
/// (event 5003), and nothing for an interval without failures. The line holds counts and reason names only.
/// </summary>
/// <remarks>
/// Recording a failure is one <see cref="Interlocked.Increment(ref long)"/> on a counter made at the scheme's first
/// failure (with the interval its options had then); a <see cref="TimeProvider"/> timer per scheme writes and resets
/// the counts. A singleton, disposed with the host, which stops the timers; counts of an unfinished interval are
/// then left to the metrics.
/// </remarks>
internal sealed class AuthenticationFailureSummary : IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, SchemeCounts> _schemes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    public AuthenticationFailureSummary(ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(ApplicationTokenHandlerLoggerFactory.HandlerCategory);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Counts one failure of <paramref name="scheme"/> for <paramref name="reason"/> (an <see cref="AuthenticationFailureReasons"/> index).</summary>
    /// <param name="scheme">The authentication scheme.</param>
    /// <param name="interval">The scheme's summary interval; <see cref="TimeSpan.Zero"/> writes no summary.</param>
    /// <param name="reason">Why it failed.</param>
    public void Record(string scheme, TimeSpan interval, int reason)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        if (!_schemes.TryGetValue(scheme, out SchemeCounts? counts))
        {
            counts = Add(scheme, interval);
        }

        counts?.Increment(reason);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (SchemeCounts counts in _schemes.Values)
            {
                counts.Dispose();
            }
        }
    }

    // Under the lock, so two first failures of a scheme do not start two timers.
    private SchemeCounts? Add(string scheme, TimeSpan interval)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            if (!_schemes.TryGetValue(scheme, out SchemeCounts? counts))
            {
                counts = new SchemeCounts(this, scheme, interval);
                _schemes[scheme] = counts;
            }

            return counts;
        }
    }

    /// <summary>One scheme's counters and timer.</summary>
    private sealed class SchemeCounts : IDisposable
    {
        private readonly AuthenticationFailureSummary _owner;
        private readonly string _scheme;
        private readonly TimeSpan _interval;
        private readonly long[] _counts = new long[AuthenticationFailureReasons.Names.Length];
        private readonly ITimer _timer;

        public SchemeCounts(AuthenticationFailureSummary owner, string scheme, TimeSpan interval)
        {
            _owner = owner;
            _scheme = scheme;
            _interval = interval;
            _timer = owner._timeProvider.CreateTimer(static state => ((SchemeCounts)state!).TryWrite(), this, interval, interval);
        }

        public void Increment(int reason) => Interlocked.Increment(ref _counts[reason]);

        public void Dispose() => _timer.Dispose();

        // A timer callback that throws ends the process: a failing log provider loses one summary, nothing more.
        private void TryWrite()
        {
            try
            {
                Write();
            }
            catch (Exception)
            {
            }
        }

        private void Write()
        {
            // Taken (and reset) reason by reason: a failure counted meanwhile lands in this summary or the next, never in none.
            long total = 0;
            Span<long> taken = stackalloc long[_counts.Length];
            for (int i = 0; i < _counts.Length; i++)
            {
                taken[i] = Interlocked.Exchange(ref _counts[i], 0);
                total += taken[i];
            }

            if (total == 0 || !_owner._logger.IsEnabled(LogLevel.Information))
            {
                return;
            }

            var byReason = new StringBuilder();
            for (int i = 0; i < taken.Length; i++)
            {
                if (taken[i] != 0)
                {
                    byReason.Append(byReason.Length == 0 ? "" : ", ")
                        .Append(AuthenticationFailureReasons.Names[i]).Append(' ')
                        .Append(taken[i].ToString(CultureInfo.InvariantCulture));
                }
            }

            Log.AuthenticationFailureSummary(_owner._logger, total, _interval, _scheme, byReason.ToString());
        }
    }
}
