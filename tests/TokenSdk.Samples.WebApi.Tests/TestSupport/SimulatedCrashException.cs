namespace TokenSdk.Samples.WebApi.Tests.TestSupport;

/// <summary>Thrown from a bootstrap hook to stop it after a step, as a crash would.</summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("Simulated crash.")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
