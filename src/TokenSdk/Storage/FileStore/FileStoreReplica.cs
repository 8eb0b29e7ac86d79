namespace TokenSdk.Storage.FileStore;

/// <summary>
/// This process's replica of the log: the current <see cref="FileStoreState"/>, which verification reads lock-free,
/// and the gate that serializes everything that changes it (writes, refreshes, compaction).
/// </summary>
internal sealed class FileStoreReplica
{
    private readonly LogReader _reader;
    private volatile FileStoreState _current;

    public FileStoreReplica(LogReader reader, FileStoreState initial)
    {
        _reader = reader;
        _current = initial;
    }

    /// <summary>Gets the state verification and listing read.</summary>
    public FileStoreState Current => _current;

    /// <summary>Gets the gate; hold it to call <see cref="CatchUp"/> or to change <see cref="Current"/>.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Brings <see cref="Current"/> up to date with the log. Caller holds the gate.</summary>
    /// <returns>The current state.</returns>
    public FileStoreState CatchUp(TailHandling tail) => _current = _reader.CatchUp(_current, tail);
}
