namespace TokenSdk.Storage.FileStore;

/// <summary>The files of one store directory, and how the store opens them.</summary>
internal sealed class StoreFiles
{
    private const string CompactFileName = FileTokenStore.LogFileName + ".compact";

    public StoreFiles(string directory, TimeSpan lockTimeout, TimeProvider time)
    {
        Directory = directory;
        LogPath = Path.Combine(directory, FileTokenStore.LogFileName);
        LockPath = Path.Combine(directory, FileTokenStore.LockFileName);
        CompactPath = Path.Combine(directory, CompactFileName);
        LockTimeout = lockTimeout;
        Time = time;
    }

    /// <summary>Gets the full path of the store directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the path of the log.</summary>
    public string LogPath { get; }

    /// <summary>Gets the path of the lock file writers lock.</summary>
    public string LockPath { get; }

    /// <summary>Gets the path compaction writes the new log to before renaming it over the log.</summary>
    public string CompactPath { get; }

    /// <summary>Gets how long to wait for another process's lock.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>Gets the clock of the store.</summary>
    public TimeProvider Time { get; }

    /// <summary>Options for a file the store creates: owner-only on Unix, never shared while written.</summary>
    public static FileStreamOptions CreateOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    public ValueTask<FileLock> LockAsync(CancellationToken cancellationToken) => FileLock.AcquireAsync(LockPath, LockTimeout, Time, cancellationToken);

    public FileLock Lock() => FileLock.Acquire(LockPath, LockTimeout, Time);

    /// <summary>Opens the existing log, shared with other processes (which may read, append or replace it).</summary>
    public FileStream OpenLog(FileAccess access)
    {
        try
        {
            return new FileStream(LogPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = access,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
        }
        catch (FileNotFoundException ex)
        {
            throw new TokenStoreException($"The token store log '{LogPath}' disappeared; restore it or reopen the store to start empty.", ex);
        }
    }

    /// <summary>Removes what a compaction interrupted by a crash or a failure left behind.</summary>
    public void DeleteCompactionLeftover()
    {
        if (File.Exists(CompactPath))
        {
            File.Delete(CompactPath);
        }
    }
}
