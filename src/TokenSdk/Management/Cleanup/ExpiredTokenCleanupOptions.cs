namespace TokenSdk.Management;

/// <summary>
/// Options of the expired-token clean-up, the hosted service that <c>AddExpiredTokenCleanup</c> registers: it calls
/// <see cref="ITokenManager.PurgeExpiredAsync"/> on an interval, and backs off while the store fails.
/// </summary>
public sealed class ExpiredTokenCleanupOptions
{
    private static readonly TimeSpan s_minimumInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maximumDelay = TimeSpan.FromDays(1);

    /// <summary>
    /// Gets or sets the time between the end of one clean-up run and the start of the next. Expired tokens already fail
    /// verification; the clean-up removes them from the store and from listings, at most this long after their expiry
    /// (plus the time a run takes).
    /// </summary>
    /// <value>The default value is 5 minutes. Allowed: 1 second to 1 day.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long after the host starts the first run begins, so the clean-up does not compete with the
    /// host's start-up (or with a store that is still opening).
    /// </summary>
    /// <value>The default value is 1 minute. Allowed: zero to 1 day.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the longest wait after failed runs. After a failure the wait doubles (twice <see cref="Interval"/>,
    /// four times, ...) up to this value; the first successful run restores <see cref="Interval"/>.
    /// </summary>
    /// <value>The default value is 1 hour. Allowed: <see cref="Interval"/> to 1 day.</value>
    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromHours(1);

    internal IEnumerable<string> Validate()
    {
        if (Interval < s_minimumInterval || Interval > s_maximumDelay)
        {
            yield return $"ExpiredTokenCleanupOptions.Interval must lie between 1 second and 1 day (it is {Interval}).";
        }

        if (InitialDelay < TimeSpan.Zero || InitialDelay > s_maximumDelay)
        {
            yield return $"ExpiredTokenCleanupOptions.InitialDelay must lie between zero and 1 day (it is {InitialDelay}).";
        }

        if (MaximumBackoff < Interval || MaximumBackoff > s_maximumDelay)
        {
            yield return $"ExpiredTokenCleanupOptions.MaximumBackoff must lie between Interval ({Interval}) and 1 day (it is {MaximumBackoff}).";
        }
    }
}
