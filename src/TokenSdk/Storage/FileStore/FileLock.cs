namespace TokenSdk.Storage.FileStore;

/// <summary>
/// An exclusive OS lock on the store's lock file, held while a process writes (or compacts) the log. Opening with
/// <see cref="FileShare.None"/> takes an advisory <c>flock</c> on Unix and a sharing lock on Windows; the OS
/// releases it when the process dies, even by SIGKILL.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LockViolation = unchecked((int)0x80070021);

    // On Unix .NET reports the errno of the failed flock: EWOULDBLOCK is 11 on Linux, 35 on macOS and BSD.
    private const int LinuxWouldBlock = 11;
    private const int DarwinWouldBlock = 35;

    private static readonly TimeSpan s_maxDelay = TimeSpan.FromMilliseconds(25);

    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, retrying with a growing delay (1 to 25 ms) until <paramref name="timeout"/>.</summary>
    /// <exception cref="TokenStoreException">The lock is still held elsewhere after <paramref name="timeout"/>.</exception>
    public static async ValueTask<FileLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        long start = time.GetTimestamp();
        TimeSpan delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            if (TryOpen(path, out FileLock? fileLock))
            {
                return fileLock;
            }

            if (time.GetElapsedTime(start) >= timeout)
            {
                throw Timeout(path, timeout);
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxDelay.Ticks));
        }
    }

    /// <summary>
    /// Takes the lock for a caller that cannot await (opening the store in a constructor). Completes synchronously when
    /// the lock is free; blocks only while another process holds it.
    /// </summary>
    public static FileLock Acquire(string path, TimeSpan timeout, TimeProvider time)
    {
        ValueTask<FileLock> pending = AcquireAsync(path, timeout, time, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public void Dispose() => _stream.Dispose();

    private static bool TryOpen(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FileLock? fileLock)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            fileLock = new FileLock(new FileStream(path, options));
            return true;
        }
        catch (IOException ex) when (IsLockedElsewhere(ex))
        {
            fileLock = null;
            return false;
        }
    }

    private static bool IsLockedElsewhere(IOException ex) =>
        ex.HResult is SharingViolation or LockViolation
        || (!OperatingSystem.IsWindows() && ex.HResult is LinuxWouldBlock or DarwinWouldBlock && ex is not FileNotFoundException and not DirectoryNotFoundException);

    private static TokenStoreException Timeout(string path, TimeSpan timeout) =>
        new($"Timed out after {timeout} waiting for the lock file '{path}', held by another process writing to the token store. " +
            "If no such process runs, check that the file system supports file locks.");
}
