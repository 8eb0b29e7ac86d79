using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using TokenSdk.Diagnostics;

namespace TokenSdk.Storage.FileStore;

/// <summary>
/// Rewrites the log with only live tokens and the ids of deleted ones (and, in a log that holds roles, the live roles
/// and the ids of deleted roles): writes a new file, fsyncs it, renames it over
/// the log and fsyncs the directory, so a crash at any moment leaves a complete log. A failed compaction removes its
/// file, and automatic compaction then waits (1 minute, doubling up to 1 hour) before it tries again.
/// </summary>
internal sealed class LogCompactor
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromHours(1);

    private readonly StoreFiles _files;
    private readonly ILogger _logger;
    private TimeSpan _retryDelay = TimeSpan.Zero;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;

    public LogCompactor(StoreFiles files, ILogger logger)
    {
        _files = files;
        _logger = logger;
    }

    /// <summary>Compacts when the log is worth it and no recent failure asks to wait. Caller holds the lock; never throws.</summary>
    public void CompactIfWorthIt(FileStoreState state)
    {
        if (!state.WorthCompacting || _files.Time.GetUtcNow() < _retryAt)
        {
            return;
        }

        try
        {
            Compact(state);
        }
#pragma warning disable CA1031 // The writes already succeeded; a failed compaction leaves the old, complete log in place.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _retryDelay = _retryDelay == TimeSpan.Zero ? s_firstRetry : TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, s_maxRetry.Ticks));
            _retryAt = _files.Time.GetUtcNow() + _retryDelay;
            Log.FileStoreCompactionFailed(_logger, ex, _files.Directory, _retryDelay);
        }
    }

    /// <summary>Compacts now. Caller holds the lock and has caught up with the log.</summary>
    /// <param name="state">The caught-up state.</param>
    /// <param name="minimumVersion">
    /// The least format version to write: <see cref="LogFormat.RolesVersion"/> before the first role record is appended.
    /// A log that holds roles is always written as <see cref="LogFormat.RolesVersion"/>; one that ever did never goes back.
    /// </param>
    /// <exception cref="IOException">The new log could not be written; it was removed and the old log stays in use.</exception>
    public void Compact(FileStoreState state, ushort minimumVersion = LogFormat.Version)
    {
        ulong generation = NewGeneration(state.Generation);
        ushort version = Math.Max(Math.Max(state.FormatVersion, minimumVersion), state.HasRoleRecords ? LogFormat.RolesVersion : LogFormat.Version);
        long length;
        try
        {
            length = WriteCompacted(state, generation, version);
            File.Move(_files.CompactPath, _files.LogPath, overwrite: true);
        }
        catch
        {
            DeleteLeftover();
            throw;
        }

        DirectorySync.Flush(_files.Directory);
        long before = state.Records;
        ushort previousVersion = state.FormatVersion;
        state.Generation = generation;
        state.FormatVersion = version;
        state.Offset = length;
        state.Records = state.KeptRecords;
        _retryDelay = TimeSpan.Zero;
        _retryAt = DateTimeOffset.MinValue;
        Log.FileStoreCompacted(_logger, _files.LogPath, before, state.Records);
        if (version != previousVersion)
        {
            Log.FileStoreFormatUpgraded(_logger, _files.LogPath, previousVersion, version);
        }
    }

    /// <summary>Creates an empty log (header only) where there is none, atomically.</summary>
    public void CreateEmptyLog()
    {
        using (var file = new FileStream(_files.CompactPath, StoreFiles.CreateOptions(FileMode.Create, FileAccess.Write)))
        {
            file.Write(LogFormat.CreateHeader(NewGeneration(0)));
            file.Flush(flushToDisk: true);
        }

        File.Move(_files.CompactPath, _files.LogPath, overwrite: false);
        DirectorySync.Flush(_files.Directory);
    }

    private long WriteCompacted(FileStoreState state, ulong generation, ushort version)
    {
        using var file = new FileStream(_files.CompactPath, StoreFiles.CreateOptions(FileMode.Create, FileAccess.Write));

        // Not disposed: disposing a BufferedStream closes the file before it can be fsynced.
        var buffered = new BufferedStream(file, 1 << 20);
        buffered.Write(LogFormat.CreateHeader(generation, version));

        // Roles first (a token record does not depend on them when read): deleted ids stay, so they are never reused
        // and a token holding one is still refused.
        foreach (StoredRole role in state.Roles)
        {
            LogFormat.WriteRolePut(buffered, role);
        }

        foreach (string roleId in state.DeletedRoleIds)
        {
            LogFormat.WriteRoleDelete(buffered, roleId);
        }

        foreach (KeyValuePair<string, StoredToken?> entry in state.Tokens.EnumerateEntries())
        {
            if (entry.Value is { } token)
            {
                LogFormat.WriteAdd(buffered, token);
            }
            else
            {
                LogFormat.WriteDelete(buffered, entry.Key);
            }
        }

        buffered.Flush();
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    private void DeleteLeftover()
    {
        try
        {
            _files.DeleteCompactionLeftover();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed by the next compaction or the next writer; the log itself is untouched.
        }
    }

    private static ulong NewGeneration(ulong previous)
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong generation;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            generation = BitConverter.ToUInt64(bytes);
        }
        while (generation == previous || generation == 0);

        return generation;
    }
}
