using System.Diagnostics.Metrics;

namespace TokenSdk.Tests.TestSupport;

/// <summary>
/// An <see cref="IMeterFactory"/> as <c>services.AddMetrics()</c> registers one (Microsoft.Extensions.Diagnostics, not
/// referenced here): each meter it creates has the factory as its scope, so a <c>MetricCollector</c> given the factory
/// sees this factory's instruments and no other's; disposing it disposes them.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public IReadOnlyList<Meter> Meters
    {
        get
        {
            lock (_meters)
            {
                return [.. _meters];
            }
        }
    }

    public Meter Create(MeterOptions options)
    {
        lock (_meters)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            _meters.Add(meter);
            return meter;
        }
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
