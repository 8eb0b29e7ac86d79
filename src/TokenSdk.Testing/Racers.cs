namespace TokenSdk.Testing;

/// <summary>
/// Starts racers that really race without blocking a thread while they wait for each other: each runs on the
/// thread pool and awaits one gate, opened by the last racer to arrive, which releases them all at once.
/// </summary>
/// <remarks>
/// A blocking start gate (<see cref="Barrier"/>, <see cref="ManualResetEventSlim"/>) holds a pool thread per
/// waiting racer; on a machine with two cores the pool adds threads only slowly, so the racers waited for the
/// pool to grow (seconds a round) instead of racing, and every test running beside them waited too.
/// </remarks>
internal static class Racers
{
    /// <summary>Runs <paramref name="count"/> racers, released together once all have started, and waits for them all.</summary>
    /// <typeparam name="T">What a racer returns.</typeparam>
    /// <param name="count">How many racers.</param>
    /// <param name="racer">The racer, given its index (0 to <paramref name="count"/> - 1).</param>
    /// <param name="cancellationToken">Cancels the racers that have not yet been released.</param>
    /// <returns>What each racer returned, in index order.</returns>
    public static Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> racer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(racer);

        // Continuations run asynchronously, so the last racer to arrive does not run the others on its own thread.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int waiting = count;
        return Task.WhenAll(Enumerable.Range(0, count).Select(index => Task.Run(
            async () =>
            {
                if (Interlocked.Decrement(ref waiting) == 0)
                {
                    gate.SetResult();
                }

                await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return await racer(index).ConfigureAwait(false);
            },
            cancellationToken)));
    }
}
