using System.Diagnostics.Metrics;

namespace TokenSdk.Tests.Diagnostics;

/// <summary>
/// A <see cref="MeterListener"/> enabled on every instrument of the meters the given predicate selects, counting
/// measurements without allocating, as an exporter's listener would be attached.
/// </summary>
internal sealed class RecordingListener : IDisposable
{
    private readonly MeterListener _listener;
    private long _durations;
    private long _counts;
    private long _tagged;

    public RecordingListener(Func<Meter, bool> meters)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (meters(instrument.Meter))
                {
                    lock (Instruments)
                    {
                        Instruments.Add(instrument);
                    }

                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            Interlocked.Increment(ref _durations);
            if (tags.Length == 1 && tags[0].Value is string)
            {
                Interlocked.Increment(ref _tagged);
            }
        });
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _counts));
        _listener.Start();
    }

    /// <summary>Gets the instruments this listener is enabled on.</summary>
    public List<Instrument> Instruments { get; } = [];

    /// <summary>Gets the <see langword="double"/> measurements recorded (durations).</summary>
    public long Durations => Interlocked.Read(ref _durations);

    /// <summary>Gets the <see langword="double"/> measurements with one string tag (failures' <c>error.type</c>).</summary>
    public long Tagged => Interlocked.Read(ref _tagged);

    /// <summary>Gets the <see langword="long"/> measurements recorded (counters, observations).</summary>
    public long Counts => Interlocked.Read(ref _counts);

    public void Dispose() => _listener.Dispose();
}
