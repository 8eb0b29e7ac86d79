namespace TokenSdk.Storage.FileStore;

/// <summary>
/// Writes token adds, deletes and expiry changes, and role writes, to the log with group commit: whoever gets the gate
/// writes everything queued so far under the store's lock, with one fsync, then completes each caller with its own
/// result. Each write is decided (<see cref="BatchDecisions"/>) against the log as every process wrote it.
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

    /// <summary>Queues a token write and completes when it is durable, with whether it changed the store.</summary>
    public Task<bool> SubmitAsync(PendingTokenWrite write) => SubmitAsync(write, write.Completion.Task);

    /// <summary>Queues a role write and completes when it is durable, or refused, with its outcome.</summary>
    public Task<RoleStoreResult> SubmitAsync(PendingRoleWrite write) => SubmitAsync(write, write.Completion.Task);

    private async Task<T> SubmitAsync<T>(PendingWrite write, Task<T> completion)
    {
        // The write goes on asynchronously from here, so that writes a caller starts together (Task.WhenAll) are queued
        // before the first of them commits: the file I/O below is synchronous (there is no asynchronous fsync) and
        // would otherwise run each of them to completion, one fsync each, before the caller could start the next.
        _queue.Enqueue(write);
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await _replica.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!completion.IsCompleted)
            {
                await CommitQueuedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _replica.Gate.Release();
        }

        return await completion.ConfigureAwait(false);
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
            object[] outcomes = Commit(state, batch);
            LastFailure = null;
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(outcomes[i]);
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
                write.Complete(failure);
            }
        }
    }

    /// <summary>
    /// Decides each write against the caught-up state, appends the records that change it, applies them and publishes
    /// the roles (before any caller learns the outcome, so a role written is in <see cref="FileStoreReplica.Roles"/>
    /// when the call returns).
    /// </summary>
    private object[] Commit(FileStoreState state, List<PendingWrite> batch)
    {
        var decisions = new BatchDecisions(state);
        object[] outcomes = new object[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            outcomes[i] = decisions.Decide(batch[i]);
        }

        if (decisions.Records.Length > 0)
        {
            if (decisions.WritesRoles && state.FormatVersion < LogFormat.RolesVersion)
            {
                // The first role record: rewrite the log as version 2 first, so a release that reads only version 1
                // refuses the whole file by its version rather than taking the role record for damage.
                _compactor.Compact(state, LogFormat.RolesVersion);
            }

            Append(state, decisions.Records);
            foreach (LogRecord record in decisions.Applied)
            {
                state.Apply(record);
            }

            _replica.PublishRoles(state);
        }

        return outcomes;
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

/// <summary>One write waiting for the next commit.</summary>
internal abstract class PendingWrite
{
    /// <summary>Completes the caller: with an <see cref="Exception"/> to throw, or with the result the decision produced.</summary>
    public abstract void Complete(object outcome);
}

/// <summary>An add, a delete or an expiry change of a token, encoded when it was submitted.</summary>
internal sealed class PendingTokenWrite(RecordType type, string clientId, StoredToken? token, DateTimeOffset expiresAt, byte[] encoded) : PendingWrite
{
    public byte[] Encoded { get; } = encoded;

    public RecordType Type { get; } = type;

    public string ClientId { get; } = clientId;

    public StoredToken? Token { get; } = token;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Complete(object outcome)
    {
        if (outcome is Exception exception)
        {
            Completion.TrySetException(exception);
        }
        else
        {
            Completion.TrySetResult((bool)outcome);
        }
    }
}

/// <summary>What a role write does.</summary>
internal enum RoleWriteKind
{
    Add,
    Update,
    Delete,
}

/// <summary>
/// An add, an update or a deletion of a role. An add or an update is encoded when it was submitted; a deletion is
/// encoded when decided, with the id as stored.
/// </summary>
internal sealed class PendingRoleWrite : PendingWrite
{
    private PendingRoleWrite(RoleWriteKind kind, StoredRole? role, string organizationId, string roleId, long? expectedVersion, byte[]? encoded)
    {
        Kind = kind;
        Role = role;
        OrganizationId = organizationId;
        RoleId = roleId;
        ExpectedVersion = expectedVersion;
        Encoded = encoded;
    }

    public RoleWriteKind Kind { get; }

    /// <summary>Gets the role to add or the new version to write; <see langword="null"/> for a deletion.</summary>
    public StoredRole? Role { get; }

    public string OrganizationId { get; }

    public string RoleId { get; }

    public long? ExpectedVersion { get; }

    public byte[]? Encoded { get; }

    public TaskCompletionSource<RoleStoreResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static PendingRoleWrite Put(RoleWriteKind kind, StoredRole role, byte[] encoded) =>
        new(kind, role, role.OrganizationId, role.Id, null, encoded);

    public static PendingRoleWrite Delete(string organizationId, string roleId, long? expectedVersion) =>
        new(RoleWriteKind.Delete, null, organizationId, roleId, expectedVersion, null);

    public override void Complete(object outcome)
    {
        if (outcome is Exception exception)
        {
            Completion.TrySetException(exception);
        }
        else
        {
            Completion.TrySetResult((RoleStoreResult)outcome);
        }
    }
}
