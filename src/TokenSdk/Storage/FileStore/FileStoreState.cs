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

    /// <summary>Gets or sets the generation of the log file this image was read from.</summary>
    public ulong Generation { get; set; }

    /// <summary>Gets or sets the file offset just after the last valid record read.</summary>
    public long Offset { get; set; }

    public int Live { get; set; }

    public int Tombstones { get; set; }

    /// <summary>Gets or sets the number of records read or written in this generation, dead ones included.</summary>
    public long Records { get; set; }

    /// <summary>Gets whether the log holds enough dead records to be worth compacting.</summary>
    public bool WorthCompacting => Records - Live - Tombstones >= Math.Max(1000, Live);

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
        }
    }
}
