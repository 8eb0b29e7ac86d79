namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>
/// The system clock moved to start at a given instant: it keeps moving, and timers and lock waits are real ones, so
/// the file store behaves as in production while the tokens it stamps and the cut-offs the tool computes are in the
/// past or future the test chose.
/// </summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private readonly TimeSpan _offset;

    /// <summary>Creates the clock.</summary>
    /// <param name="now">What it reads now.</param>
    public ShiftedTimeProvider(DateTimeOffset now) => _offset = now - System.GetUtcNow();

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
