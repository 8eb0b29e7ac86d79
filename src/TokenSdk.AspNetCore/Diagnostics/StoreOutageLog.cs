using Microsoft.Extensions.Logging;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// Logs a token store outage once when it starts and once when it ends, however many requests meet it in between:
/// a full disk under load must not write a stack trace per request.
/// </summary>
internal sealed class StoreOutageLog
{
    private readonly string _subject;
    private int _failing;
    private long _failures;

    /// <param name="subject">What meets the outage (for the log): "management API", "health check".</param>
    public StoreOutageLog(string subject) => _subject = subject;

    /// <summary>Records a failure; logs it (with the cause) only when the store was working until now.</summary>
    public void Failed(ILogger logger, Exception? exception, string problem)
    {
        Interlocked.Increment(ref _failures);
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.StoreUnavailable(logger, exception, _subject, problem);
        }
    }

    /// <summary>Records a success; logs the end of the outage when there was one.</summary>
    public void Succeeded(ILogger logger)
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.StoreAvailableAgain(logger, _subject, Interlocked.Exchange(ref _failures, 0));
        }
    }
}
