namespace TokenSdk.Storage.FileStore;

/// <summary>
/// The in-memory image of one generation of the log: what verification reads. Mutated only under the store's gate;
/// a reload (after another process compacted) builds a new one.
/// </summary>
internal sealed class FileStoreState
{
    /// <summary>
    /// Live tokens and tombstones (deleted ids that may not come back); lock-free reads. Counted by the
    /// <c>tokensdk.tokens.live</c> metric only while it is the replica's current state.
    /// </summary>
    public TokenTable Tokens { get; } = new(reported: false);

    private readonly Dictionary<string, StoredRole> _liveRoles = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _deletedRoleIds = new(StringComparer.OrdinalIgnoreCase);
    private StoredRoleSnapshot? _roles = StoredRoleSnapshot.Empty;

    /// <summary>Gets or sets the generation of the log file this image was read from.</summary>
    public ulong Generation { get; set; }

    /// <summary>Gets or sets the format version of the log file's header (<see cref="LogFormat.Version"/> or <see cref="LogFormat.RolesVersion"/>).</summary>
    public ushort FormatVersion { get; set; } = LogFormat.Version;

    /// <summary>Gets or sets the file offset just after the last valid record read.</summary>
    public long Offset { get; set; }

    public int Live { get; set; }

    public int Tombstones { get; set; }

    /// <summary>Gets or sets the number of records read or written in this generation, dead ones included.</summary>
    public long Records { get; set; }

    /// <summary>Gets whether the log holds enough dead records to be worth compacting.</summary>
    public bool WorthCompacting => Records - KeptRecords >= Math.Max(1000, Live);

    /// <summary>Gets the records a compaction keeps: live tokens, deleted client ids, live roles and deleted role ids.</summary>
    public long KeptRecords => Live + Tombstones + _liveRoles.Count + _deletedRoleIds.Count;

    /// <summary>Gets whether the log holds role records (live roles or deleted role ids), which only a version 2 log may.</summary>
    public bool HasRoleRecords => _liveRoles.Count > 0 || _deletedRoleIds.Count > 0;

    /// <summary>
    /// Gets the live roles as a snapshot: the same instance until a role record changes them. Caller holds the gate
    /// (verification reads the snapshot the replica published, never this).
    /// </summary>
    public StoredRoleSnapshot Roles => _roles ??= new StoredRoleSnapshot(_liveRoles.Values);

    /// <summary>Gets the ids of deleted roles, which may never be used again. Caller holds the gate.</summary>
    public IReadOnlyCollection<string> DeletedRoleIds => _deletedRoleIds;

    /// <summary>Returns whether a role of that id (case-insensitive) was deleted. Caller holds the gate.</summary>
    public bool WasRoleDeleted(string roleId) => _deletedRoleIds.Contains(roleId);

    /// <summary>
    /// Makes <see cref="Roles"/> return <paramref name="snapshot"/>, which the caller found to hold the same roles
    /// (the same ids at the same versions), so that an unchanged set of roles keeps its instance across a reload.
    /// </summary>
    public void AdoptRoles(StoredRoleSnapshot snapshot) => _roles = snapshot;

    /// <summary>One copy of each organization, role and key combination in the store.</summary>
    public SharedTokenFieldsPool SharedFields { get; } = new();

    /// <summary>Applies one record of the log to the image.</summary>
    public void Apply(in LogRecord record)
    {
        Records++;
        switch (record.Type)
        {
            case RecordType.Add:
                if (Tokens.TryAdd(SharedFields.Share(record.Token!)))
                {
                    Live++;
                }

                break;

            case RecordType.Delete:
                if (Tokens.TryDelete(record.ClientId))
                {
                    Live--;
                    Tombstones++;
                }
                else if (Tokens.TryAddTombstone(record.ClientId))
                {
                    Tombstones++;
                }

                break;

            case RecordType.SetExpiry:
                // Expiry only ever moves closer.
                Tokens.TryUpdate(
                    record.ClientId,
                    record.ExpiresAt,
                    static (live, expiresAt) => live.ExpiresAt is null || live.ExpiresAt > expiresAt ? live.WithExpiresAt(expiresAt) : live);
                break;

            case RecordType.RolePut:
                // The writer checked the record against the log (new id, next version); a deleted id never comes back.
                StoredRole role = record.Role!;
                if (!_deletedRoleIds.Contains(role.Id))
                {
                    _liveRoles[role.Id] = role;
                    _roles = null;
                }

                break;

            case RecordType.RoleDelete:
                string roleId = record.RoleId!;
                if (_liveRoles.Remove(roleId))
                {
                    _roles = null;
                }

                _deletedRoleIds.Add(roleId);
                break;
        }
    }
}
