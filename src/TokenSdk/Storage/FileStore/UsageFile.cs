using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using TokenSdk.Credentials;

namespace TokenSdk.Storage.FileStore;

/// <summary>
/// The last-used times of the file store, in their own file (<c>tokens.usage</c>) beside the log, so recording usage
/// never grows the token log.
/// </summary>
/// <remarks>
/// <para><b>Format.</b> A 24-byte header (<c>"TSDKUSE\0"</c>, a random u64 generation, the CRC-32C of those 16 bytes,
/// 4 zero bytes), then fixed 40-byte records: <c>u32 length (32) | u32 CRC-32C (of the length and payload) |
/// client id (24 ASCII bytes) | i64 last-used UTC ticks</c>, little-endian. A client id may appear many times: the
/// latest time wins.</para>
/// <para><b>Writing.</b> One append and one fsync per batch (the <see cref="Usage.TokenUsageTracker"/> writes one
/// batch per resolution, one minute by default), under the store's lock file, after reading what other processes
/// appended; only times later than the known one are written. Each process catches up with the file on every
/// refresh of the store, so another process sees the times within the store's refresh interval.</para>
/// <para><b>Compaction.</b> When the file holds more than twice as many records as the tokens it knows (and more
/// than <see cref="CompactionMinimum"/>), the next batch rewrites it with one record per live token (a new file,
/// fsynced, renamed over the old one, directory fsynced) with a new generation: deleted tokens' times are dropped, and
/// other processes, seeing the new generation, read it afresh.</para>
/// <para><b>Crashes and damage.</b> The file holds only last-used times, so it is never a reason to fail: bytes
/// after the last valid record (a batch a crash interrupted) are cut off by the next writer; a file whose header or
/// records are otherwise invalid is moved aside (<c>tokens.usage.damaged-*</c>), logged once, and started afresh
/// from the times already read. A crash may lose the times of the batch being written, nothing else; a token is
/// never affected. Times of client ids that are not live tokens are ignored when read and dropped by compaction.</para>
/// <para>All members run under the store's gate (<see cref="FileStoreReplica.Gate"/>).</para>
/// </remarks>
internal sealed partial class UsageFile
{
    public const int HeaderLength = 24;
    public const int RecordLength = 40;
    public const int CompactionMinimum = 1024;
    private const int PayloadLength = RecordLength - 8;

    private static readonly byte[] s_magic = "TSDKUSE\0"u8.ToArray();

    private readonly StoreFiles _files;
    private readonly ILogger _logger;

    // Keyed by the token table's own client id strings, so a time costs no string of its own.
    private Dictionary<string, long> _lastUsed = new(StringComparer.Ordinal);
    private ulong _generation;
    private long _offset;
    private long _records;
    private bool _readFailureLogged;

    public UsageFile(StoreFiles files, ILogger logger)
    {
        _files = files;
        _logger = logger;
        Path = System.IO.Path.Combine(files.Directory, FileTokenStore.UsageFileName);
        CompactPath = Path + ".compact";
    }

    public string Path { get; }

    private string CompactPath { get; }

    /// <summary>Gets the number of records in the file as last read or written.</summary>
    public long Records => _records;

    /// <summary>Finds a token's last-used time, if it is live in <paramref name="tokens"/>.</summary>
    public bool TryGet(TokenTable tokens, string clientId, out long ticks)
    {
        ticks = 0;
        return tokens.TryGet(clientId, out _) && _lastUsed.TryGetValue(clientId, out ticks);
    }

    /// <summary>
    /// Reads what was appended since the last read (or the whole file when it was replaced). Without the lock it stops
    /// quietly at anything invalid; with it (<paramref name="locked"/>) it repairs. Never throws: failures are logged once.
    /// </summary>
    public void CatchUp(TokenTable tokens, bool locked)
    {
        try
        {
            CatchUpCore(tokens, locked);
            _readFailureLogged = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_readFailureLogged)
            {
                _readFailureLogged = true;
                LogReadFailed(_logger, ex, Path);
            }
        }
    }

    /// <summary>Records <paramref name="usages"/> of live tokens. Caller holds the gate and the lock file.</summary>
    /// <exception cref="IOException">The file could not be written; nothing read so far is lost.</exception>
    public void Record(TokenTable tokens, IReadOnlyCollection<TokenUsage> usages)
    {
        CatchUpCore(tokens, locked: true);
        var latest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (TokenUsage usage in usages)
        {
            if (usage.ClientId is null || !tokens.TryGet(usage.ClientId, out StoredToken? token))
            {
                continue;
            }

            long ticks = usage.LastUsedAt.UtcTicks;
            string key = token.ClientId;
            if ((!_lastUsed.TryGetValue(key, out long known) || ticks > known) && (!latest.TryGetValue(key, out long pending) || ticks > pending))
            {
                latest[key] = ticks;
            }
        }

        if (latest.Count == 0)
        {
            return;
        }

        if (!File.Exists(Path))
        {
            WriteFile(tokens, extra: latest);
            return;
        }

        byte[] records = new byte[latest.Count * RecordLength];
        int position = 0;
        foreach (KeyValuePair<string, long> entry in latest)
        {
            WriteRecord(records.AsSpan(position, RecordLength), entry.Key, entry.Value);
            position += RecordLength;
        }

        Append(records);
        foreach (KeyValuePair<string, long> entry in latest)
        {
            _lastUsed[entry.Key] = entry.Value;
        }

        _records += latest.Count;
        if (_records > Math.Max(CompactionMinimum, 2L * _lastUsed.Count))
        {
            Compact(tokens);
        }
    }

    /// <summary>Rewrites the file with one record per live token. Caller holds the gate and the lock file, and has caught up.</summary>
    public void Compact(TokenTable tokens)
    {
        long before = _records;
        WriteFile(tokens, extra: null);
        LogCompacted(_logger, Path, before, _records);
    }

    private void CatchUpCore(TokenTable tokens, bool locked)
    {
        FileStream file;
        try
        {
            file = new FileStream(Path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });
        }
        catch (FileNotFoundException)
        {
            // Never written yet, or removed by hand: no times.
            Reset(0);
            return;
        }

        using (file)
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            int read = file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
            if (read < HeaderLength || !TryReadHeader(header, out ulong generation))
            {
                if (locked)
                {
                    file.Dispose();
                    MoveAside(tokens, $"its header is invalid ({read} bytes read)");
                }

                return;
            }

            if (generation != _generation || file.Length < _offset)
            {
                Reset(generation);
            }

            long length = file.Length;
            if (length == _offset)
            {
                return;
            }

            byte[] buffer = new byte[checked((int)Math.Min(length - _offset, 1 << 20)) / RecordLength * RecordLength + RecordLength];
            file.Position = _offset;
            Span<char> clientId = stackalloc char[CredentialGenerator.ClientIdLength];
            while (true)
            {
                int filled = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                int offset = 0;
                for (; filled - offset >= RecordLength; offset += RecordLength)
                {
                    if (!TryReadRecord(buffer.AsSpan(offset, RecordLength), clientId, out long ticks))
                    {
                        break;
                    }

                    _records++;
                    _offset += RecordLength;
                    if (tokens.TryGet(clientId, out StoredToken? token) && (!_lastUsed.TryGetValue(token.ClientId, out long known) || ticks > known))
                    {
                        _lastUsed[token.ClientId] = ticks;
                    }
                }

                if (offset < filled || filled < buffer.Length)
                {
                    break;
                }
            }

            if (_offset == length || !locked)
            {
                // Without the lock another process may be appending right there: read it next time.
                return;
            }

            // Under the lock, the bytes after the last valid record are what a crash or damage left.
            byte[] tail = new byte[length - _offset];
            file.Position = _offset;
            file.ReadExactly(tail);
            bool torn = tail.Length < RecordLength || !tail.AsSpan().ContainsAnyExcept((byte)0);
            file.Dispose();
            if (torn)
            {
                using FileStream writable = OpenForWriting();
                writable.SetLength(_offset);
                writable.Flush(flushToDisk: true);
                LogTornTailCut(_logger, Path, _offset, tail.Length);
            }
            else
            {
                MoveAside(tokens, $"the record at offset {_offset.ToString(CultureInfo.InvariantCulture)} is invalid and {tail.Length.ToString(CultureInfo.InvariantCulture)} bytes follow");
            }
        }
    }

    private void Reset(ulong generation)
    {
        _generation = generation;
        _offset = generation == 0 ? 0 : HeaderLength;
        _records = 0;

        // The times already known stay: they were true, and a replaced file holds at least as late ones.
    }

    /// <summary>Moves a damaged file aside and starts a new one from the times read so far.</summary>
    private void MoveAside(TokenTable tokens, string detail)
    {
        string stamp = _files.Time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string aside = $"{Path}.damaged-{stamp}";
        for (int attempt = 2; File.Exists(aside); attempt++)
        {
            aside = $"{Path}.damaged-{stamp}-{attempt.ToString(CultureInfo.InvariantCulture)}";
        }

        File.Move(Path, aside);
        LogMovedAside(_logger, Path, detail, aside);
        WriteFile(tokens, extra: null);
    }

    /// <summary>Writes a new file with one record per live token (plus <paramref name="extra"/>), atomically.</summary>
    private void WriteFile(TokenTable tokens, Dictionary<string, long>? extra)
    {
        if (extra is not null)
        {
            foreach (KeyValuePair<string, long> entry in extra)
            {
                _lastUsed[entry.Key] = entry.Value;
            }
        }

        var live = new Dictionary<string, long>(_lastUsed.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<string, long> entry in _lastUsed)
        {
            // Re-keyed by the table's current instance (a reloaded log has new ones), deleted tokens dropped.
            if (tokens.TryGet(entry.Key, out StoredToken? token))
            {
                live[token.ClientId] = entry.Value;
            }
        }

        ulong generation = NewGeneration(_generation);
        byte[] content = new byte[HeaderLength + (live.Count * RecordLength)];
        WriteHeader(content, generation);
        int position = HeaderLength;
        foreach (KeyValuePair<string, long> entry in live)
        {
            WriteRecord(content.AsSpan(position, RecordLength), entry.Key, entry.Value);
            position += RecordLength;
        }

        try
        {
            using (var file = new FileStream(CompactPath, StoreFiles.CreateOptions(FileMode.Create, FileAccess.Write)))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(CompactPath, Path, overwrite: true);
        }
        catch
        {
            TryDelete(CompactPath);
            throw;
        }

        DirectorySync.Flush(_files.Directory);
        _lastUsed = live;
        _generation = generation;
        _offset = content.Length;
        _records = live.Count;
    }

    private void Append(byte[] records)
    {
        using FileStream file = OpenForWriting();
        long before = file.Length;
        if (before != _offset)
        {
            throw new IOException($"The usage file '{Path}' changed length unexpectedly while locked ({before} bytes, expected {_offset}).");
        }

        try
        {
            file.Position = before;
            file.Write(records);
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            try
            {
                file.SetLength(before);
            }
            catch (IOException)
            {
                // The next writer cuts the remains off as a torn tail.
            }

            throw;
        }

        _offset = before + records.Length;
    }

    private FileStream OpenForWriting() =>
        new(Path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });

    private static void WriteHeader(Span<byte> header, ulong generation)
    {
        s_magic.CopyTo(header);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], generation);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32C.Compute(header[..16]));
        header[20..HeaderLength].Clear();
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> header, out ulong generation)
    {
        generation = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        return header[..8].SequenceEqual(s_magic)
            && BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) == Crc32C.Compute(header[..16])
            && generation != 0;
    }

    private static void WriteRecord(Span<byte> record, string clientId, long ticks)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, PayloadLength);
        for (int i = 0; i < CredentialGenerator.ClientIdLength; i++)
        {
            record[8 + i] = (byte)clientId[i];
        }

        BinaryPrimitives.WriteInt64LittleEndian(record[32..], ticks);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(record[..4], record[8..]));
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> record, Span<char> clientId, out long ticks)
    {
        ticks = BinaryPrimitives.ReadInt64LittleEndian(record[32..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != PayloadLength
            || BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != Crc32C.Compute(record[..4], record[8..])
            || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        for (int i = 0; i < CredentialGenerator.ClientIdLength; i++)
        {
            clientId[i] = (char)record[8 + i];
        }

        return true;
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

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Overwritten by the next rewrite.
        }
    }

    [LoggerMessage(EventId = 3011, EventName = "FileStoreUsageTornTailCut", Level = LogLevel.Information,
        Message = "The token usage file '{UsagePath}' ended with {Length} bytes of an interrupted write at offset {Offset}; they were cut off (only last-used times of that write are lost).")]
    private static partial void LogTornTailCut(ILogger logger, string usagePath, long offset, int length);

    [LoggerMessage(EventId = 3012, EventName = "FileStoreUsageMovedAside", Level = LogLevel.Warning,
        Message = "The token usage file '{UsagePath}' is damaged ({Detail}); it was moved to '{KeptIn}' and started afresh. Only last-used times are affected, never a token.")]
    private static partial void LogMovedAside(ILogger logger, string usagePath, string detail, string keptIn);

    [LoggerMessage(EventId = 3013, EventName = "FileStoreUsageCompacted", Level = LogLevel.Debug,
        Message = "The token usage file '{UsagePath}' was rewritten from {Before} records to {After}.")]
    private static partial void LogCompacted(ILogger logger, string usagePath, long before, long after);

    [LoggerMessage(EventId = 3014, EventName = "FileStoreUsageReadFailed", Level = LogLevel.Warning,
        Message = "The token usage file '{UsagePath}' could not be read; last-used times from other processes may be missing until it can.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string usagePath);
}
