namespace TokenSdk.Storage.FileStore;

/// <summary>
/// This process's replica of the log: the current <see cref="FileStoreState"/>, which verification reads lock-free,
/// the snapshot of its roles, and the gate that serializes everything that changes them (writes, refreshes, compaction).
/// </summary>
internal sealed class FileStoreReplica
{
    private readonly LogReader _reader;
    private readonly Lock _reportingLock = new();
    private volatile FileStoreState _current;
    private volatile StoredRoleSnapshot _roles;
    private bool _reporting = true;

    public FileStoreReplica(LogReader reader, FileStoreState initial)
    {
        _reader = reader;
        _current = initial;
        _roles = initial.Roles;
        Diagnostics.LiveTokenTables.Register(initial.Tokens);
    }

    /// <summary>Gets the state verification and listing read.</summary>
    public FileStoreState Current => _current;

    /// <summary>Gets the live roles as last published: one volatile read, a new instance only when roles changed.</summary>
    public StoredRoleSnapshot Roles => _roles;

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

        PublishRoles(current);
        return current;
    }

    /// <summary>
    /// Publishes the roles of <paramref name="state"/> when they differ from the published ones. Caller holds the gate.
    /// A reload builds new records of the same roles: those keep the published instance, so readers see a new
    /// snapshot only when a role was added, changed or deleted.
    /// </summary>
    public void PublishRoles(FileStoreState state)
    {
        StoredRoleSnapshot next = state.Roles;
        StoredRoleSnapshot published = _roles;
        if (ReferenceEquals(next, published))
        {
            return;
        }

        if (SameRoles(published, next))
        {
            state.AdoptRoles(published);
            return;
        }

        _roles = next;
    }

    /// <summary>Ids are never reused and each version of a role is written once, so the same ids at the same versions are the same roles.</summary>
    private static bool SameRoles(StoredRoleSnapshot a, StoredRoleSnapshot b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (StoredRole role in a)
        {
            if (!b.TryGet(role.Id, out StoredRole? other) || other.Version != role.Version)
            {
                return false;
            }
        }

        return true;
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
