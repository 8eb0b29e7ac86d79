using System.Diagnostics;

namespace TokenSdk.Storage.FileStore;

/// <summary>
/// Decides the writes of one batch, in order, against the caught-up state and the batch's earlier writes, and encodes
/// the records that change the store.
/// </summary>
/// <remarks>
/// The batch is decided under the store's OS lock, after reading what every other process appended, so the role rules
/// (<see cref="RoleWriteRules"/>, the same as every store's) hold across processes: an update or a deletion given a
/// version applies only to that version, a name is free in its organization, a deleted id is never used again, a role
/// is never deleted while a token holds it, and a token holding a deleted role is never added, whichever process wrote
/// the role or the token a moment before.
/// </remarks>
internal sealed class BatchDecisions(FileStoreState state)
{
    private static readonly object s_true = true;
    private static readonly object s_false = false;

    // Tokens the batch has changed so far: the record after the change, or null once deleted.
    private readonly Dictionary<string, StoredToken?> _tokens = new(StringComparer.Ordinal);
    private StoredRoleSnapshot _roles = state.Roles;
    private HashSet<string>? _deletedRoleIds;

    /// <summary>Gets the encoded records to append.</summary>
    public MemoryStream Records { get; } = new();

    /// <summary>Gets the records to apply to the state once appended.</summary>
    public List<LogRecord> Applied { get; } = [];

    /// <summary>Gets whether a role record is among <see cref="Records"/>.</summary>
    public bool WritesRoles { get; private set; }

    /// <summary>Decides one write: a boxed <see cref="bool"/> for a token write, a <see cref="RoleStoreResult"/> for a role write, or an exception for its caller.</summary>
    public object Decide(PendingWrite write) => write switch
    {
        PendingTokenWrite token => Decide(token),
        PendingRoleWrite role => Decide(role),
        _ => throw new UnreachableException(),
    };

    private object Decide(PendingTokenWrite write)
    {
        bool known = _tokens.TryGetValue(write.ClientId, out StoredToken? current) || state.Tokens.TryGetEntry(write.ClientId, out current);
        switch (write.Type)
        {
            case RecordType.Add:
                if (RoleWriteRules.FindDeletedRole(write.Token!, WasRoleDeleted) is { } deletedRole)
                {
                    return new RoleDeletedException(deletedRole);
                }

                if (known)
                {
                    return s_false;
                }

                Records.Write(write.Encoded);
                _tokens[write.ClientId] = write.Token;
                Applied.Add(new LogRecord(RecordType.Add, write.ClientId, write.Token, default));
                return s_true;

            case RecordType.Delete:
                if (current is null)
                {
                    return s_false;
                }

                Records.Write(write.Encoded);
                _tokens[write.ClientId] = null;
                Applied.Add(new LogRecord(RecordType.Delete, write.ClientId, null, default));
                return s_true;

            default:
                if (current is null)
                {
                    return s_false;
                }

                if (current.ExpiresAt is { } existing && existing <= write.ExpiresAt)
                {
                    return s_true;
                }

                Records.Write(write.Encoded);
                _tokens[write.ClientId] = current.WithExpiresAt(write.ExpiresAt);
                Applied.Add(new LogRecord(RecordType.SetExpiry, write.ClientId, null, write.ExpiresAt));
                return s_true;
        }
    }

    private RoleStoreResult Decide(PendingRoleWrite write)
    {
        switch (write.Kind)
        {
            case RoleWriteKind.Add:
                // The version was checked when the write was submitted, so this does not throw.
                if (RoleWriteRules.CheckAdd(_roles, WasRoleDeleted, write.Role!) is { } addRefused)
                {
                    return addRefused;
                }

                return Put(write.Role!, write.Encoded!);

            case RoleWriteKind.Update:
                if (RoleWriteRules.CheckUpdate(_roles, write.Role!) is { } updateRefused)
                {
                    return updateRefused;
                }

                // The id keeps the spelling it was created with, whatever case the update gave it.
                _roles.TryGet(write.Role!.Id, out StoredRole? current);
                StoredRole stored = write.Role.WithId(current!.Id);
                if (!ReferenceEquals(stored, write.Role))
                {
                    LogFormat.WriteRolePut(Records, stored);
                    Applied.Add(new LogRecord(RecordType.RolePut, string.Empty, null, default, stored, stored.Id));
                    _roles = _roles.With(stored);
                    WritesRoles = true;
                    return RoleStoreResult.Success(stored);
                }

                return Put(write.Role, write.Encoded!);

            default:
                RoleStoreResult result = RoleWriteRules.CheckDelete(_roles, write.OrganizationId, write.RoleId, write.ExpectedVersion, CountHolders, out StoredRole? deleted);
                if (deleted is not null)
                {
                    // Written with the id as stored (the caller's may differ in case).
                    LogFormat.WriteRoleDelete(Records, deleted.Id);
                    Applied.Add(new LogRecord(RecordType.RoleDelete, string.Empty, null, default, RoleId: deleted.Id));
                    _roles = _roles.Without(deleted.Id);
                    (_deletedRoleIds ??= new(StringComparer.OrdinalIgnoreCase)).Add(deleted.Id);
                    WritesRoles = true;
                }

                return result;
        }
    }

    private RoleStoreResult Put(StoredRole role, byte[] encoded)
    {
        Records.Write(encoded);
        Applied.Add(new LogRecord(RecordType.RolePut, string.Empty, null, default, role, role.Id));
        _roles = _roles.With(role);
        WritesRoles = true;
        return RoleStoreResult.Success(role);
    }

    private bool WasRoleDeleted(string roleId) =>
        state.WasRoleDeleted(roleId) || (_deletedRoleIds is not null && _deletedRoleIds.Contains(roleId));

    /// <summary>Counts the tokens the store holds with the role (expired ones not yet purged included), as this batch leaves them.</summary>
    private int CountHolders(StoredRole role)
    {
        IEnumerable<StoredToken> unchanged = state.Tokens.EnumerateLive();
        if (_tokens.Count == 0)
        {
            return RoleWriteRules.CountHolders(unchanged, role.Id);
        }

        return RoleWriteRules.CountHolders(unchanged.Where(token => !_tokens.ContainsKey(token.ClientId)), role.Id)
            + RoleWriteRules.CountHolders(_tokens.Values.OfType<StoredToken>(), role.Id);
    }
}
