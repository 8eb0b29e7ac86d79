using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Diagnostics;
using TokenSdk.Storage.FileStore;

namespace TokenSdk.Storage;

/// <summary>
/// A durable token store in a directory: an append-only, checksummed log (<c>tokens.log</c>) replayed into memory
/// at open. Crash-safe, shared safely by several processes, and verification never touches the disk.
/// </summary>
/// <remarks>
/// <para><b>Durability.</b> When an add, a delete or an expiry change returns, its record is on disk (written and
/// fsynced). Concurrent writers of one process share one fsync (group commit). Compaction writes a new file, fsyncs
/// it, renames it over the log and fsyncs the directory, so a crash at any moment leaves a complete log.</para>
/// <para><b>Several processes.</b> Writers serialize on an OS lock on <c>tokens.lock</c> and first read whatever
/// other processes appended, so no update is lost and a deleted client id never comes back. Every process looks for
/// others' changes each <see cref="FileTokenStoreOptions.RefreshInterval"/> (default 500 ms): a token deleted
/// anywhere stops verifying everywhere within that interval plus the time to read the change, under one second by
/// default. <see cref="RefreshAsync"/> catches up at once.</para>
/// <para><b>Damage.</b> Every record carries a CRC-32C. A torn last record (a crash mid-write: never acknowledged)
/// is dropped. Damage anywhere else throws <see cref="TokenStoreCorruptedException"/> naming the file and offset;
/// acknowledged tokens are never dropped silently.</para>
/// <para>Files are created owner-only on Unix (0600; a created directory 0700). Only verifiers and metadata are
/// stored, never a secret or a token.</para>
/// </remarks>
public sealed class FileTokenStore : ITokenStore, ITokenLookup, IDisposable
{
    /// <summary>The name of the log file in the store directory.</summary>
    public const string LogFileName = "tokens.log";

    /// <summary>The name of the lock file in the store directory.</summary>
    public const string LockFileName = "tokens.lock";

    private const string CompactFileName = "tokens.log.compact";
    private const int MaxBatch = 10_000;
    private const int ReadBufferSize = 1 << 20;
    private const long MaxTornTailBytes = 16L << 20;

    private readonly string _directory;
    private readonly string _logPath;
    private readonly string _lockPath;
    private readonly FileTokenStoreOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<PendingWrite> _queue = new();
    private readonly ITimer _refreshTimer;
    private volatile State _state;
    private volatile bool _disposed;

    /// <summary>Opens (or creates) the store in <see cref="FileTokenStoreOptions.Directory"/> and loads it into memory.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">Drives the refresh timer; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="TokenStoreException">The directory cannot be created or used (a file is in the way, no permission, ...).</exception>
    /// <exception cref="TokenStoreCorruptedException">The log is damaged.</exception>
    public FileTokenStore(FileTokenStoreOptions options, TimeProvider? timeProvider = null, ILogger<FileTokenStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] errors = options.Validate().ToArray();
        if (errors.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _directory = Path.GetFullPath(options.Directory!);
        _logPath = Path.Combine(_directory, LogFileName);
        _lockPath = Path.Combine(_directory, LockFileName);

        PrepareDirectory();
        try
        {
            using (FileLock.Acquire(_lockPath, options.LockTimeout))
            {
                DeleteStaleCompaction();
                if (!File.Exists(_logPath))
                {
                    CreateLog();
                }

                _state = Load(underLock: true);
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TokenStoreException($"No permission to use the token store in '{_directory}': {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is not TokenStoreException)
        {
            throw new TokenStoreException($"Cannot open the token store in '{_directory}': {ex.Message}", ex);
        }

        TimeProvider time = timeProvider ?? TimeProvider.System;
        _refreshTimer = time.CreateTimer(static s => ((FileTokenStore)s!).RefreshInBackground(), this, options.RefreshInterval, options.RefreshInterval);
    }

    /// <summary>Gets the full path of the store directory.</summary>
    public string DirectoryPath => _directory;

    /// <summary>Gets the number of live tokens.</summary>
    public int Count => _state.Live;

    /// <inheritdoc/>
    public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);

        // Encoded here, so a record the log cannot hold fails only this call, before anything is queued.
        return SubmitAsync(new PendingWrite(RecordType.Add, token.ClientId, token, default, Encode(s => LogFormat.WriteAdd(s, token))), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        return new(_state.Tokens.TryGet(clientId, out StoredToken? token) ? token : null);
    }

    /// <inheritdoc/>
    public bool TryFind(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token)
    {
        return _state.Tokens.TryGet(clientId, out token);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<StoredToken> result = StorePaging.SelectPage(_state.Tokens.EnumerateLive(), query);
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!Credentials.CredentialGenerator.IsClientId(clientId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(false);
        }

        return SubmitAsync(new PendingWrite(RecordType.SetExpiry, clientId, null, expiresAt, Encode(s => LogFormat.WriteSetExpiry(s, clientId, expiresAt))), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!Credentials.CredentialGenerator.IsClientId(clientId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(false);
        }

        return SubmitAsync(new PendingWrite(RecordType.Delete, clientId, null, default, Encode(s => LogFormat.WriteDelete(s, clientId))), cancellationToken);
    }

    /// <summary>Reads at once whatever other processes wrote since the last refresh.</summary>
    /// <param name="cancellationToken">Cancels waiting for a write in progress in this process.</param>
    /// <returns>A task that completes when this store has caught up.</returns>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CatchUp(underLock: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Rewrites the log with only live tokens and the ids of deleted ones (so they are never accepted again). Runs under
    /// the store's lock; verification continues from memory meanwhile. Happens automatically when
    /// <see cref="FileTokenStoreOptions.AutoCompact"/> is on.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the lock.</param>
    /// <returns>A task that completes when the compacted log is durable.</returns>
    public async Task CompactAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using FileLock fileLock = await FileLock.AcquireAsync(_lockPath, _options.LockTimeout, cancellationToken).ConfigureAwait(false);
            CatchUp(underLock: true);
            Compact();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops watching for other processes' changes. Pending writes already returned are durable.</summary>
    public void Dispose()
    {
        _disposed = true;
        _refreshTimer.Dispose();
    }

    private async Task<bool> SubmitAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        // Group commit: whoever gets the gate writes everything queued so far with one fsync. The write goes on
        // asynchronously from here, so that writes a caller starts together (Task.WhenAll) are queued before the
        // first of them commits: the file I/O below is synchronous (there is no asynchronous fsync) and would
        // otherwise run each of them to completion, one fsync each, before the caller could start the next.
        _queue.Enqueue(write);
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!write.Completion.Task.IsCompleted)
            {
                await CommitQueuedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        return await write.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Batches committed by this instance (each one fsync at most): lets tests see group commit at work.</summary>
    internal int CommittedBatches { get; private set; }

    private async Task CommitQueuedAsync()
    {
        CommittedBatches++;
        var batch = new List<PendingWrite>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out PendingWrite? next))
        {
            batch.Add(next);
        }

        try
        {
            using FileLock fileLock = await FileLock.AcquireAsync(_lockPath, _options.LockTimeout, CancellationToken.None).ConfigureAwait(false);
            CatchUp(underLock: true);
            State state = _state;

            var overlay = new Dictionary<string, StoredToken?>(StringComparer.Ordinal);
            var records = new MemoryStream();
            var applied = new List<LogRecord>();
            bool[] results = new bool[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                results[i] = Decide(state, overlay, batch[i], records, applied);
            }

            if (records.Length > 0)
            {
                Append(state, records);
                foreach (LogRecord record in applied)
                {
                    Apply(state, record);
                }
            }

            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }

            if (_options.AutoCompact && state.Records - state.Live - state.Tombstones >= Math.Max(1000, state.Live))
            {
                CompactSafely();
            }
        }
#pragma warning disable CA1031 // Every queued caller must learn the outcome; the exception is handed to each of them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Exception failure = ex is TokenStoreException ? ex : new TokenStoreException($"The token store in '{_directory}' could not write: {ex.Message} Nothing was changed.", ex);
            foreach (PendingWrite write in batch)
            {
                write.Completion.TrySetException(failure);
            }
        }
    }

    private static bool Decide(State state, Dictionary<string, StoredToken?> overlay, PendingWrite write, MemoryStream records, List<LogRecord> applied)
    {
        bool known = overlay.TryGetValue(write.ClientId, out StoredToken? current) || state.Tokens.TryGetEntry(write.ClientId, out current);
        switch (write.Type)
        {
            case RecordType.Add:
                if (known)
                {
                    return false;
                }

                records.Write(write.Encoded);
                overlay[write.ClientId] = write.Token;
                applied.Add(new LogRecord(RecordType.Add, write.ClientId, write.Token, default));
                return true;

            case RecordType.Delete:
                if (current is null)
                {
                    return false;
                }

                records.Write(write.Encoded);
                overlay[write.ClientId] = null;
                applied.Add(new LogRecord(RecordType.Delete, write.ClientId, null, default));
                return true;

            default:
                if (current is null)
                {
                    return false;
                }

                if (current.ExpiresAt is { } existing && existing <= write.ExpiresAt)
                {
                    return true;
                }

                records.Write(write.Encoded);
                overlay[write.ClientId] = current.WithExpiresAt(write.ExpiresAt);
                applied.Add(new LogRecord(RecordType.SetExpiry, write.ClientId, null, write.ExpiresAt));
                return true;
        }
    }

    private void Append(State state, MemoryStream records)
    {
        using FileStream log = OpenLog(FileAccess.ReadWrite);
        long before = log.Length;
        if (before != state.Offset)
        {
            throw new TokenStoreException($"The token store log '{_logPath}' changed length unexpectedly while locked ({before} bytes, expected {state.Offset}).");
        }

        try
        {
            log.Position = before;
            log.Write(records.GetBuffer(), 0, (int)records.Length);
            log.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // A full disk or an I/O error: cut off what was half written, so the log ends with acknowledged records.
            try
            {
                log.SetLength(before);
                log.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // The next writer treats the remains as a torn tail.
            }

            throw;
        }

        state.Offset = before + records.Length;
    }

    private void RefreshInBackground()
    {
        if (_disposed || !_gate.Wait(0))
        {
            return;
        }

        try
        {
            CatchUp(underLock: false);
        }
#pragma warning disable CA1031 // A timer callback has no caller: log and try again at the next tick.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FileStoreRefreshFailed(_logger, ex, _directory);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Applies what other processes appended, or reloads after another process compacted.</summary>
    private void CatchUp(bool underLock)
    {
        State state = _state;
        using FileStream log = OpenLog(FileAccess.Read);
        ulong generation = ReadHeader(log);
        if (generation != state.Generation || log.Length < state.Offset)
        {
            _state = Load(underLock, log, generation);
            return;
        }

        if (log.Length > state.Offset)
        {
            ReadRecords(state, log, state.Offset, underLock);
        }
    }

    private State Load(bool underLock)
    {
        using FileStream log = OpenLog(FileAccess.Read);
        return Load(underLock, log, ReadHeader(log));
    }

    private State Load(bool underLock, FileStream log, ulong generation)
    {
        var state = new State { Generation = generation, Offset = LogFormat.HeaderLength };
        ReadRecords(state, log, LogFormat.HeaderLength, underLock);
        return state;
    }

    private void ReadRecords(State state, FileStream log, long start, bool underLock)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            long position = start;
            int filled = 0;
            log.Position = start;
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
                        Apply(state, record);
                        offset += consumed;
                        position += consumed;
                        state.Offset = position;
                        continue;
                    }

                    if (status == LogFormat.ReadStatus.Incomplete && read > 0)
                    {
                        break;
                    }

                    // An invalid record, or an incomplete one at the end of the file.
                    if (underLock)
                    {
                        HandleBadTail(log, position);
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

    /// <summary>
    /// Under the lock nobody is writing, so bad bytes at <paramref name="position"/> are either a torn last write (no
    /// valid record follows: drop it) or damage (a valid record follows: refuse).
    /// </summary>
    private void HandleBadTail(FileStream log, long position)
    {
        long remaining = log.Length - position;
        if (remaining <= 0)
        {
            return;
        }

        if (remaining > MaxTornTailBytes)
        {
            throw new TokenStoreCorruptedException(_logPath, position, $"an invalid record is followed by {remaining} more bytes, more than any single write");
        }

        byte[] rest = new byte[remaining];
        log.Position = position;
        log.ReadExactly(rest);
        for (int i = 1; i < rest.Length; i++)
        {
            if (LogFormat.TryReadRecord(rest.AsSpan(i), out _, out _) == LogFormat.ReadStatus.Ok)
            {
                throw new TokenStoreCorruptedException(_logPath, position, $"the record there is invalid, yet a valid record follows at offset {position + i}");
            }
        }

        using (FileStream writable = OpenLog(FileAccess.ReadWrite))
        {
            writable.SetLength(position);
            writable.Flush(flushToDisk: true);
        }

        Log.FileStoreTornTailDropped(_logger, _logPath, position, remaining);
    }

    private static void Apply(State state, in LogRecord record)
    {
        state.Records++;
        switch (record.Type)
        {
            case RecordType.Add:
                if (state.Tokens.TryAdd(state.SharedFields.Share(record.Token!)))
                {
                    state.Live++;
                }

                break;

            case RecordType.Delete:
                if (state.Tokens.TryDelete(record.ClientId))
                {
                    state.Live--;
                    state.Tombstones++;
                }
                else if (state.Tokens.TryAddTombstone(record.ClientId))
                {
                    state.Tombstones++;
                }

                break;

            case RecordType.SetExpiry:
                // Expiry only ever moves closer.
                state.Tokens.TryUpdate(
                    record.ClientId,
                    record.ExpiresAt,
                    static (live, expiresAt) => live.ExpiresAt is null || live.ExpiresAt > expiresAt ? live.WithExpiresAt(expiresAt) : live);
                break;
        }
    }

    private void CompactSafely()
    {
        try
        {
            Compact();
        }
#pragma warning disable CA1031 // The writes already succeeded; a failed compaction leaves the old, complete log in place.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FileStoreCompactionFailed(_logger, ex, _directory);
        }
    }

    /// <summary>Writes live tokens and tombstones to a new file, then atomically replaces the log. Caller holds the lock.</summary>
    private void Compact()
    {
        State state = _state;
        string compactPath = Path.Combine(_directory, CompactFileName);
        ulong generation = NewGeneration(state.Generation);
        long length;
        using (FileStream file = new(compactPath, CreateOptions(FileMode.Create, FileAccess.Write)))
        {
            // Not disposed: disposing a BufferedStream closes the file before it can be fsynced.
            var buffered = new BufferedStream(file, 1 << 20);
            buffered.Write(LogFormat.CreateHeader(generation));
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
            length = file.Length;
        }

        File.Move(compactPath, _logPath, overwrite: true);
        DirectorySync.Flush(_directory);
        long before = state.Records;
        state.Generation = generation;
        state.Offset = length;
        state.Records = state.Live + state.Tombstones;
        Log.FileStoreCompacted(_logger, _logPath, before, state.Records);
    }

    private void PrepareDirectory()
    {
        if (File.Exists(_directory))
        {
            throw new TokenStoreException($"The token store path '{_directory}' is a file; it must be a directory.");
        }

        try
        {
            if (!Directory.Exists(_directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(_directory);
                }
                else
                {
                    Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenStoreException($"Cannot create the token store directory '{_directory}': {ex.Message}", ex);
        }
    }

    private void CreateLog()
    {
        string temporary = Path.Combine(_directory, CompactFileName);
        using (FileStream file = new(temporary, CreateOptions(FileMode.Create, FileAccess.Write)))
        {
            file.Write(LogFormat.CreateHeader(NewGeneration(0)));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _logPath, overwrite: false);
        DirectorySync.Flush(_directory);
    }

    private void DeleteStaleCompaction()
    {
        string compactPath = Path.Combine(_directory, CompactFileName);
        if (File.Exists(compactPath))
        {
            File.Delete(compactPath);
        }
    }

    private ulong ReadHeader(FileStream log)
    {
        Span<byte> header = stackalloc byte[LogFormat.HeaderLength];
        log.Position = 0;
        int read = log.ReadAtLeast(header, LogFormat.HeaderLength, throwOnEndOfStream: false);
        if (!LogFormat.TryReadHeader(header[..read], out ulong generation, out string? error))
        {
            throw new TokenStoreCorruptedException(_logPath, 0, error!);
        }

        return generation;
    }

    private FileStream OpenLog(FileAccess access)
    {
        try
        {
            return new FileStream(_logPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = access,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
        }
        catch (FileNotFoundException ex)
        {
            throw new TokenStoreException($"The token store log '{_logPath}' disappeared; restore it or reopen the store to start empty.", ex);
        }
    }

    private static FileStreamOptions CreateOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
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

    /// <summary>The in-memory image of one generation of the log. Mutated only under the gate.</summary>
    private sealed class State
    {
        /// <summary>Live tokens and tombstones (deleted ids that may not come back); lock-free reads.</summary>
        public TokenTable Tokens { get; } = new();

        public ulong Generation { get; set; }

        public long Offset { get; set; }

        public int Live { get; set; }

        public int Tombstones { get; set; }

        public long Records { get; set; }

        /// <summary>One copy of each organization, role and key combination in the store.</summary>
        public SharedTokenFieldsPool SharedFields { get; } = new();
    }

    private static byte[] Encode(Action<MemoryStream> write)
    {
        using var buffer = new MemoryStream(256);
        write(buffer);
        return buffer.ToArray();
    }

    private sealed class PendingWrite(RecordType type, string clientId, StoredToken? token, DateTimeOffset expiresAt, byte[] encoded)
    {
        public byte[] Encoded { get; } = encoded;

        public RecordType Type { get; } = type;

        public string ClientId { get; } = clientId;

        public StoredToken? Token { get; } = token;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
