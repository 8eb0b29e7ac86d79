namespace TokenSdk.Storage.FileStore;

/// <summary>
/// This process's replica of the log: the current <see cref="FileStoreState"/>, which verification reads lock-free,
/// and the gate that serializes everything that changes it (writes, refreshes, compaction).
/// </summary>
internal sealed class FileStoreReplica
{
    private readonly LogReader _reader;
    private readonly Lock _reportingLock = new();
    private volatile FileStoreState _current;
    private bool _reporting = true;

    public FileStoreReplica(LogReader reader, FileStoreState initial)
    {
        _reader = reader;
        _current = initial;
        Diagnostics.LiveTokenTables.Register(initial.Tokens);
    }

    /// <summary>Gets the state verification and listing read.</summary>
    public FileStoreState Current => _current;

    /// <summary>Gets the gate; hold it to call <see cref="CatchUp"/> or to change <see cref="Current"/>.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Brings <see cref="Current"/> up to date with the log. Caller holds the gate.</summary>
    /// <returns>The current state.</returns>
    public FileStoreState CatchUp(TailHandling tail)
    {
        FileStoreState previous = _current;
        FileStoreState current = _reader.CatchUp(previous, tail);
        if (!ReferenceEquals(current, previous))
        {
            // A reload (another process compacted the log): the metric counts the new image instead of the old one.
            lock (_reportingLock)
            {
                _current = current;
                if (_reporting)
                {
                    Diagnostics.LiveTokenTables.Register(current.Tokens);
                    Diagnostics.LiveTokenTables.Unregister(previous.Tokens);
                }
            }
        }

        return current;
    }

    /// <summary>Stops the <c>tokensdk.tokens.live</c> metric counting this replica (the store is disposed).</summary>
    public void StopReporting()
    {
        lock (_reportingLock)
        {
            _reporting = false;
            Diagnostics.LiveTokenTables.Unregister(_current.Tokens);
        }
    }
}
