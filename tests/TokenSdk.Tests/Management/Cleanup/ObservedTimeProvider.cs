using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace TokenSdk.Tests.Management.Cleanup;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells a test when a timer (a <c>Task.Delay</c>) was created and for how long,
/// so the test advances the clock only once the code under test is waiting, and can check each wait.
/// </summary>
internal sealed class ObservedTimeProvider(FakeTimeProvider fake) : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();
    private readonly SemaphoreSlim _created = new(0);

    public FakeTimeProvider Fake { get; } = fake;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = Fake.CreateTimer(callback, state, dueTime, period);
        _waits.Enqueue(dueTime);
        _created.Release();
        return timer;
    }

    /// <summary>Waits until the next timer is created and returns its due time.</summary>
    public async Task<TimeSpan> NextWaitAsync()
    {
        Assert.True(await _created.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "No timer was created.");
        Assert.True(_waits.TryDequeue(out TimeSpan wait));
        return wait;
    }

    /// <summary>Waits until the next timer is created, checks its due time, and lets that time pass.</summary>
    public async Task PassNextWaitAsync(TimeSpan expected)
    {
        Assert.Equal(expected, await NextWaitAsync());
        Fake.Advance(expected);
    }
}
