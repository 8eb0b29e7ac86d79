namespace TokenSdk.Storage.FileStore;

/// <summary>
/// Writes adds, deletes and expiry changes to the log with group commit: whoever gets the gate writes everything queued
/// so far under the store's lock, with one fsync, then completes each caller with its own result.
/// </summary>
internal sealed class GroupCommitWriter
{
    private const int MaxBatch = 10_000;

    private readonly FileStoreReplica _replica;
    private readonly StoreFiles _files;
    private readonly LogCompactor _compactor;
    private readonly bool _autoCompact;
    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingWrite> _queue = new();
    private bool _compactionLeftoverChecked;

    public GroupCommitWriter(FileStoreReplica replica, StoreFiles files, LogCompactor compactor, bool autoCompact)
    {
        _replica = replica;
        _files = files;
        _compactor = compactor;
        _autoCompact = autoCompact;
    }

    /// <summary>Gets the batches committed (each one fsync at most): lets tests see group commit at work.</summary>
    public int CommittedBatches { get; private set; }

    /// <summary>Gets why the last commit failed, or <see langword="null"/> when it succeeded (or none ran yet).</summary>
    public string? LastFailure { get; private set; }

    /// <summary>
    /// Tries what a commit does short of writing a record (the lock, reading other processes' records, opening the log
    /// for writing, an fsync), and records the outcome as a commit would. Takes the gate.
    /// </summary>
    /// <returns>Why it failed, or <see langword="null"/>.</returns>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        await _replica.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using FileLock fileLock = await _files.LockAsync(cancellationToken).ConfigureAwait(false);
            _replica.CatchUp(TailHandling.Inspect);
            using (FileStream log = _files.OpenLog(FileAccess.ReadWrite))
            {
                log.Flush(flushToDisk: true);
            }

            LastFailure = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastFailure = ex.Message;
        }
        finally
        {
            _replica.Gate.Release();
        }

        return LastFailure;
    }

    /// <summary>Queues a write and completes when it is durable, with whether it changed the store.</summary>
    public async Task<bool> SubmitAsync(PendingWrite write)
    {
        // The write goes on asynchronously from here, so that writes a caller starts together (Task.WhenAll) are queued
        // before the first of them commits: the file I/O below is synchronous (there is no asynchronous fsync) and
        // would otherwise run each of them to completion, one fsync each, before the caller could start the next.
        _queue.Enqueue(write);
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await _replica.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!write.Completion.Task.IsCompleted)
            {
                await CommitQueuedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _replica.Gate.Release();
        }

        return await write.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Runs under the gate.</summary>
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
            using FileLock fileLock = await _files.LockAsync(CancellationToken.None).ConfigureAwait(false);
            RemoveCompactionLeftoverOnce();
            FileStoreState state = _replica.CatchUp(TailHandling.Repair);
            bool[] results = Commit(state, batch);
            LastFailure = null;
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }

            if (_autoCompact)
            {
                _compactor.CompactIfWorthIt(state);
            }
        }
#pragma warning disable CA1031 // Every queued caller must learn the outcome; the exception is handed to each of them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Exception failure = ex is TokenStoreException ? ex : new TokenStoreException($"The token store in '{_files.Directory}' could not write: {ex.Message} Nothing was changed.", ex);
            LastFailure = failure.Message;
            foreach (PendingWrite write in batch)
            {
                write.Completion.TrySetException(failure);
            }
        }
    }

    /// <summary>Decides each write against the caught-up state, appends the records that change it, and applies them.</summary>
    private bool[] Commit(FileStoreState state, List<PendingWrite> batch)
    {
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
                state.Apply(record);
            }
        }

        return results;
    }

    private static bool Decide(FileStoreState state, Dictionary<string, StoredToken?> overlay, PendingWrite write, MemoryStream records, List<LogRecord> applied)
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

    private void Append(FileStoreState state, MemoryStream records)
    {
        using FileStream log = _files.OpenLog(FileAccess.ReadWrite);
        long before = log.Length;
        if (before != state.Offset)
        {
            throw new TokenStoreException($"The token store log '{_files.LogPath}' changed length unexpectedly while locked ({before} bytes, expected {state.Offset}).");
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
                // The next writer finds the remains: a torn write, moved aside before it writes.
            }

            throw;
        }

        state.Offset = before + records.Length;
    }

    /// <summary>A compaction file left by a crash is removed by the first writer, never by merely opening the store.</summary>
    private void RemoveCompactionLeftoverOnce()
    {
        if (!_compactionLeftoverChecked)
        {
            _files.DeleteCompactionLeftover();
            _compactionLeftoverChecked = true;
        }
    }
}

/// <summary>One write waiting for the next commit, encoded when it was submitted.</summary>
internal sealed class PendingWrite(RecordType type, string clientId, StoredToken? token, DateTimeOffset expiresAt, byte[] encoded)
{
    public byte[] Encoded { get; } = encoded;

    public RecordType Type { get; } = type;

    public string ClientId { get; } = clientId;

    public StoredToken? Token { get; } = token;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
