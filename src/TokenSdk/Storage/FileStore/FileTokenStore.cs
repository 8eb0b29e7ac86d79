using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.Credentials;
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
/// <para><b>Crashes and damage.</b> Every record carries a CRC-32C. A write a crash interrupted (never acknowledged:
/// a record cut short, or a tail of zeros) is moved to a file beside the log (<c>tokens.log.torn-*</c>) by the next
/// write; opening or reading the store never changes it. Any other invalid bytes, such as a complete record whose
/// checksum does not match, throw <see cref="TokenStoreCorruptedException"/> naming the file and offset: acknowledged
/// tokens are never dropped silently.</para>
/// <para><b>Last used.</b> Last-used times (<see cref="ITokenUsageStore"/>) are kept in their own file,
/// <c>tokens.usage</c>, never in the log: one append and one fsync per batch the <see cref="Usage.TokenUsageTracker"/>
/// writes, read by other processes at their next refresh, rewritten with one record per live token when it holds more
/// than twice as many. It only holds times: a damaged one is moved aside (<c>tokens.usage.damaged-*</c>) and started
/// afresh, never a reason to fail, and a crash loses at most the times of the batch being written.</para>
/// <para><b>Roles.</b> Run-time roles (<see cref="IRoleStore"/>) are records of the same log, with the same durability.
/// A role write is decided under the lock against the log as every process wrote it, so compare-and-set, names unique
/// per organization, ids never reused, no deletion of a role a token holds and no token added with a deleted role hold
/// across processes. <see cref="Roles"/> is read from memory; other processes' role changes arrive with the refresh.
/// The first role written rewrites the log in format version 2, which releases before roles refuse to open.</para>
/// <para>Files are created owner-only on Unix (0600; a created directory 0700). Only verifiers and metadata are
/// stored, never a secret or a token.</para>
/// </remarks>
public sealed class FileTokenStore : ITokenStore, ITokenLookup, ITokenStoreHealth, ITokenUsageStore, IRoleStore, IDisposable
{
    /// <summary>The name of the log file in the store directory.</summary>
    public const string LogFileName = "tokens.log";

    /// <summary>The name of the lock file in the store directory.</summary>
    public const string LockFileName = "tokens.lock";

    /// <summary>The name of the file of last-used times in the store directory.</summary>
    public const string UsageFileName = "tokens.usage";

    /// <summary>Below this much free space the store reports that it cannot write: a compaction or a batch needs room.</summary>
    private const long MinimumFreeSpace = 1 << 20;

    private readonly StoreFiles _files;
    private readonly ILogger _logger;
    private readonly FileStoreReplica _replica;
    private readonly GroupCommitWriter _writer;
    private readonly LogCompactor _compactor;
    private readonly UsageFile _usage;
    private readonly ITimer _refreshTimer;
    private volatile bool _disposed;

    /// <summary>Opens (or creates) the store in <see cref="FileTokenStoreOptions.Directory"/> and loads it into memory.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">Drives the refresh timer and lock waits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
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

        TimeProvider time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _files = new StoreFiles(Path.GetFullPath(options.Directory!), options.LockTimeout, time);
        _compactor = new LogCompactor(_files, _logger);
        _usage = new UsageFile(_files, _logger);
        var reader = new LogReader(_files, _logger);
        _replica = new FileStoreReplica(reader, Open(reader));
        _writer = new GroupCommitWriter(_replica, _files, _compactor, options.AutoCompact);
        _refreshTimer = time.CreateTimer(static s => ((FileTokenStore)s!).RefreshInBackground(), this, options.RefreshInterval, options.RefreshInterval);
    }

    /// <summary>Gets the full path of the store directory.</summary>
    public string DirectoryPath => _files.Directory;

    /// <summary>Gets the number of live tokens.</summary>
    public int Count => _replica.Current.Live;

    /// <summary>Gets the batches committed by this instance (each one fsync at most): lets tests see group commit at work.</summary>
    internal int CommittedBatches => _writer.CommittedBatches;

    /// <summary>Gets the records in the usage file as last read or written: lets tests see its compaction.</summary>
    internal long UsageRecords => _usage.Records;

    /// <inheritdoc/>
    public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);

        // Encoded here, so a record the log cannot hold fails only this call, before anything is queued.
        return SubmitAsync(new PendingTokenWrite(RecordType.Add, token.ClientId, token, default, Encode(s => LogFormat.WriteAdd(s, token))), cancellationToken);
    }

    /// <inheritdoc/>
    public StoredRoleSnapshot Roles => _replica.Roles;

    /// <inheritdoc/>
    public Task<RoleStoreResult> AddRoleAsync(StoredRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        cancellationToken.ThrowIfCancellationRequested();

        // Against no roles, the shared rules only check the version (and throw as every store does when it is not 1).
        RoleWriteRules.CheckAdd(StoredRoleSnapshot.Empty, static _ => false, role);
        return SubmitAsync(PendingRoleWrite.Put(RoleWriteKind.Add, role, Encode(s => LogFormat.WriteRolePut(s, role))), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<RoleStoreResult> UpdateRoleAsync(StoredRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        cancellationToken.ThrowIfCancellationRequested();
        return SubmitAsync(PendingRoleWrite.Put(RoleWriteKind.Update, role, Encode(s => LogFormat.WriteRolePut(s, role))), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<RoleStoreResult> DeleteRoleAsync(string organizationId, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        ArgumentNullException.ThrowIfNull(roleId);
        cancellationToken.ThrowIfCancellationRequested();
        return SubmitAsync(PendingRoleWrite.Delete(organizationId, roleId, expectedVersion), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        return new(_replica.Current.Tokens.TryGet(clientId, out StoredToken? token) ? token : null);
    }

    /// <inheritdoc/>
    public bool TryFind(ReadOnlySpan<char> clientId, [NotNullWhen(true)] out StoredToken? token)
    {
        return _replica.Current.Tokens.TryGet(clientId, out token);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<StoredToken> result = StorePaging.SelectPage(_replica.Current.Tokens.EnumerateLive(), query);
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!CredentialGenerator.IsClientId(clientId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(false);
        }

        return SubmitAsync(new PendingTokenWrite(RecordType.SetExpiry, clientId, null, expiresAt, Encode(s => LogFormat.WriteSetExpiry(s, clientId, expiresAt))), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!CredentialGenerator.IsClientId(clientId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(false);
        }

        return SubmitAsync(new PendingTokenWrite(RecordType.Delete, clientId, null, default, Encode(s => LogFormat.WriteDelete(s, clientId))), cancellationToken);
    }

    /// <summary>Reads at once whatever other processes wrote since the last refresh.</summary>
    /// <param name="cancellationToken">Cancels waiting for a write in progress in this process.</param>
    /// <returns>A task that completes when this store has caught up.</returns>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _replica.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _usage.CatchUp(_replica.CatchUp(TailHandling.Stop).Tokens, locked: false);
        }
        finally
        {
            _replica.Gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task RecordUsageAsync(IReadOnlyCollection<TokenUsage> usages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usages);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _replica.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using FileLock fileLock = await _files.LockAsync(cancellationToken).ConfigureAwait(false);
            _usage.Record(_replica.Current.Tokens, usages);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not TokenStoreException)
        {
            throw new TokenStoreException($"The token store in '{_files.Directory}' could not write last-used times: {ex.Message}", ex);
        }
        finally
        {
            _replica.Gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastUsedAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        var found = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await _replica.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TokenTable tokens = _replica.Current.Tokens;
            foreach (string clientId in clientIds)
            {
                if (clientId is not null && _usage.TryGet(tokens, clientId, out long ticks))
                {
                    found[clientId] = new DateTimeOffset(ticks, TimeSpan.Zero);
                }
            }
        }
        finally
        {
            _replica.Gate.Release();
        }

        return found;
    }

    /// <summary>Rewrites the usage file with one record per live token now (it happens on its own as it grows): for tests.</summary>
    internal async Task CompactUsageAsync(CancellationToken cancellationToken = default)
    {
        await _replica.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using FileLock fileLock = await _files.LockAsync(cancellationToken).ConfigureAwait(false);
            TokenTable tokens = _replica.CatchUp(TailHandling.Repair).Tokens;
            _usage.CatchUp(tokens, locked: true);
            _usage.Compact(tokens);
        }
        finally
        {
            _replica.Gate.Release();
        }
    }

    /// <summary>
    /// Rewrites the log with only live tokens and the ids of deleted ones (so they are never accepted again), and the
    /// live roles and the ids of deleted roles (never reused, and still refused in a token). Runs under
    /// the store's lock; verification continues from memory meanwhile. Happens automatically when
    /// <see cref="FileTokenStoreOptions.AutoCompact"/> is on.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the lock.</param>
    /// <returns>A task that completes when the compacted log is durable.</returns>
    /// <exception cref="TokenStoreException">The compacted log could not be written (a full disk, ...); the previous log stays in use.</exception>
    public async Task CompactAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _replica.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using FileLock fileLock = await _files.LockAsync(cancellationToken).ConfigureAwait(false);
            FileStoreState state = _replica.CatchUp(TailHandling.Repair);
            try
            {
                _compactor.Compact(state);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not TokenStoreException)
            {
                throw new TokenStoreException($"Compacting the token store in '{_files.Directory}' failed: {ex.Message} The previous log stays in use.", ex);
            }
        }
        finally
        {
            _replica.Gate.Release();
        }
    }

    /// <summary>
    /// Checks, without changing any token, that the store can write: its log opens for writing, its disk has at least
    /// 1 MiB free, and, after a write failed, that the lock, the log and an fsync work again.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for a write in progress.</param>
    /// <returns>The store's state; its <see cref="TokenStoreHealth.Problem"/> names the directory and the cause.</returns>
    public async ValueTask<TokenStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            return TokenStoreHealth.CannotWrite($"The token store in '{_files.Directory}' is disposed.");
        }

        string? problem = ProbeDirectory();
        if (problem is null && _writer.LastFailure is not null)
        {
            problem = await _writer.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }

        return problem is null ? TokenStoreHealth.Healthy : TokenStoreHealth.CannotWrite($"The token store in '{_files.Directory}' cannot write: {problem}");
    }

    /// <summary>
    /// Stops watching for other processes' changes and stops counting this store in the <c>tokensdk.tokens.live</c> metric.
    /// Pending writes already returned are durable.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _refreshTimer.Dispose();
        _replica.StopReporting();
    }

    private Task<bool> SubmitAsync(PendingTokenWrite write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return _writer.SubmitAsync(write);
    }

    private Task<RoleStoreResult> SubmitAsync(PendingRoleWrite write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return _writer.SubmitAsync(write);
    }

    /// <summary>Creates the directory and an empty log when missing, then reads the log under the lock, changing nothing in it.</summary>
    private FileStoreState Open(LogReader reader)
    {
        PrepareDirectory();
        try
        {
            using (_files.Lock())
            {
                if (!File.Exists(_files.LogPath))
                {
                    _compactor.CreateEmptyLog();
                }

                FileStoreState state = reader.Load(TailHandling.Inspect);

                // Only times: a torn or damaged usage file is repaired here, and never fails the open.
                _usage.CatchUp(state.Tokens, locked: true);
                return state;
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TokenStoreException($"No permission to use the token store in '{_files.Directory}': {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is not TokenStoreException)
        {
            throw new TokenStoreException($"Cannot open the token store in '{_files.Directory}': {ex.Message}", ex);
        }
    }

    private void RefreshInBackground()
    {
        if (_disposed || !_replica.Gate.Wait(0))
        {
            return;
        }

        try
        {
            _usage.CatchUp(_replica.CatchUp(TailHandling.Stop).Tokens, locked: false);
        }
#pragma warning disable CA1031 // A timer callback has no caller: log and try again at the next tick.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FileStoreRefreshFailed(_logger, ex, _files.Directory);
        }
        finally
        {
            _replica.Gate.Release();
        }
    }

    private string? ProbeDirectory()
    {
        try
        {
            using (_files.OpenLog(FileAccess.ReadWrite))
            {
            }

            long free = new DriveInfo(_files.Directory).AvailableFreeSpace;
            return free < MinimumFreeSpace ? $"its disk is full ({free} bytes free)." : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private void PrepareDirectory()
    {
        string directory = _files.Directory;
        if (File.Exists(directory))
        {
            throw new TokenStoreException($"The token store path '{directory}' is a file; it must be a directory.");
        }

        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenStoreException($"Cannot create the token store directory '{directory}': {ex.Message}", ex);
        }
    }

    private static byte[] Encode(Action<MemoryStream> write)
    {
        using var buffer = new MemoryStream(256);
        write(buffer);
        return buffer.ToArray();
    }
}
