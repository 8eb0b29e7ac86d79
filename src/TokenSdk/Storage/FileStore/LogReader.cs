using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;
using TokenSdk.Diagnostics;

namespace TokenSdk.Storage.FileStore;

/// <summary>What to do with bytes after the last valid record of the log.</summary>
internal enum TailHandling
{
    /// <summary>Stop there quietly: without the lock, another process may be writing there right now.</summary>
    Stop,

    /// <summary>
    /// Under the lock, only reading: damage throws; a torn write is left in place, because reading never modifies the
    /// store. The next write moves it aside.
    /// </summary>
    Inspect,

    /// <summary>Under the lock, before writing: damage throws; a torn write is moved to a file beside the log, then cut off.</summary>
    Repair,
}

/// <summary>Reads the log into a <see cref="FileStoreState"/>, and deals with what a crash or damage left at its end.</summary>
internal sealed class LogReader
{
    private const int ReadBufferSize = 1 << 20;

    private readonly StoreFiles _files;
    private readonly ILogger _logger;

    public LogReader(StoreFiles files, ILogger logger)
    {
        _files = files;
        _logger = logger;
    }

    /// <summary>Reads the whole log.</summary>
    public FileStoreState Load(TailHandling tail)
    {
        using FileStream log = _files.OpenLog(FileAccess.Read);
        ulong generation = ReadHeader(log, out ushort version);
        return Load(log, generation, version, tail);
    }

    /// <summary>
    /// Applies what other processes appended to <paramref name="state"/>, or reads the log afresh after another process
    /// replaced it (compaction).
    /// </summary>
    /// <returns><paramref name="state"/>, or a new state when the log was replaced.</returns>
    public FileStoreState CatchUp(FileStoreState state, TailHandling tail)
    {
        using FileStream log = _files.OpenLog(FileAccess.Read);
        ulong generation = ReadHeader(log, out ushort version);
        if (generation != state.Generation || log.Length < state.Offset)
        {
            return Load(log, generation, version, tail);
        }

        if (log.Length > state.Offset)
        {
            ReadRecords(state, log, tail);
        }

        return state;
    }

    private FileStoreState Load(FileStream log, ulong generation, ushort version, TailHandling tail)
    {
        var state = new FileStoreState { Generation = generation, FormatVersion = version, Offset = LogFormat.HeaderLength };
        ReadRecords(state, log, tail);
        return state;
    }

    private void ReadRecords(FileStoreState state, FileStream log, TailHandling tail)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            int filled = 0;
            log.Position = state.Offset;
            while (true)
            {
                int read = log.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                int offset = 0;
                while (true)
                {
                    LogFormat.ReadStatus status = LogFormat.TryReadRecord(buffer.AsSpan(offset, filled - offset), out LogRecord record, out int consumed, state.SharedFields);
                    if (status == LogFormat.ReadStatus.Ok)
                    {
                        state.Apply(record);
                        offset += consumed;
                        state.Offset += consumed;
                        continue;
                    }

                    if (status == LogFormat.ReadStatus.Incomplete && read > 0)
                    {
                        break;
                    }

                    // An invalid record, or an incomplete one at the end of the file.
                    if (tail != TailHandling.Stop)
                    {
                        HandleTail(log, state.Offset, tail);
                    }

                    return;
                }

                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
                if (read == 0)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Under the lock nobody writes, so the bytes from <paramref name="position"/> on are what a crash or damage left.</summary>
    private void HandleTail(FileStream log, long position, TailHandling handling)
    {
        long remaining = log.Length - position;
        if (remaining <= 0)
        {
            return;
        }

        if (remaining > LogTail.MaxTornBytes)
        {
            throw new TokenStoreCorruptedException(_files.LogPath, position, $"an invalid record is followed by {remaining} more bytes, more than any single write");
        }

        byte[] tail = new byte[remaining];
        log.Position = position;
        log.ReadExactly(tail);
        switch (LogTail.Classify(tail, position, out string detail))
        {
            case LogTailKind.Damaged:
                throw new TokenStoreCorruptedException(_files.LogPath, position, detail);

            case LogTailKind.Torn when handling == TailHandling.Repair:
                string keptIn = MoveAside(tail, position);
                Log.FileStoreTornTailMovedAside(_logger, _files.LogPath, position, remaining, detail, keptIn);
                break;

            case LogTailKind.Torn:
                Log.FileStoreTornTailFound(_logger, _files.LogPath, position, remaining, detail);
                break;
        }
    }

    /// <summary>Keeps the torn bytes in a file beside the log (durably), then cuts them off the log.</summary>
    private string MoveAside(byte[] tail, long position)
    {
        string stamp = _files.Time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string path = Path.Combine(_files.Directory, $"{FileTokenStore.LogFileName}.torn-{position}-{stamp}");
        for (int attempt = 2; File.Exists(path); attempt++)
        {
            path = Path.Combine(_files.Directory, $"{FileTokenStore.LogFileName}.torn-{position}-{stamp}-{attempt}");
        }

        using (var file = new FileStream(path, StoreFiles.CreateOptions(FileMode.CreateNew, FileAccess.Write)))
        {
            file.Write(tail);
            file.Flush(flushToDisk: true);
        }

        DirectorySync.Flush(_files.Directory);
        using (FileStream writable = _files.OpenLog(FileAccess.ReadWrite))
        {
            writable.SetLength(position);
            writable.Flush(flushToDisk: true);
        }

        return path;
    }

    /// <summary>Reads and checks the header; returns the log's generation.</summary>
    public ulong ReadHeader(FileStream log, out ushort version)
    {
        Span<byte> header = stackalloc byte[LogFormat.HeaderLength];
        log.Position = 0;
        int read = log.ReadAtLeast(header, LogFormat.HeaderLength, throwOnEndOfStream: false);
        if (!LogFormat.TryReadHeader(header[..read], out ulong generation, out version, out string? error))
        {
            throw new TokenStoreCorruptedException(_files.LogPath, 0, error!);
        }

        return generation;
    }
}
