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

    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int delayMs = 1;
        while (true)
        {
            if (TryOpen(path, out FileLock? fileLock))
            {
                return fileLock;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw Timeout(path, timeout);
            }

            await Task.Delay(delayMs, cancellationToken).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 25);
        }
    }

    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int delayMs = 1;
        while (true)
        {
            if (TryOpen(path, out FileLock? fileLock))
            {
                return fileLock;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw Timeout(path, timeout);
            }

            Thread.Sleep(delayMs);
            delayMs = Math.Min(delayMs * 2, 25);
        }
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
