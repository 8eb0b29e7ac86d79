using TokenSdk.Hashing;

namespace TokenSdk.Storage;

/// <summary>
/// The values of a <see cref="StoredToken"/> that repeat across many tokens: organization, role, verifier algorithm
/// and key id, and the offset the creation time was given in. Stores keep one instance per distinct combination
/// (<see cref="SharedTokenFieldsPool"/>), so a million tokens of a few roles hold a few of these, not a million.
/// </summary>
internal sealed class SharedTokenFields : IEquatable<SharedTokenFields>
{
    private IReadOnlyList<string>? _roleIds;

    public SharedTokenFields(string organizationId, string roleId, VerifierAlgorithm algorithm, string? keyId, TimeSpan createdAtOffset)
    {
        OrganizationId = organizationId;
        RoleId = roleId;
        HasSeveralRoles = roleId.Contains(TokenRoleIds.Separator, StringComparison.Ordinal);
        Algorithm = algorithm;
        KeyId = keyId;
        CreatedAtOffset = createdAtOffset;
    }

    public string OrganizationId { get; }

    /// <summary>Gets the stored form of the roles: one id, or several joined (<see cref="TokenRoleIds"/>).</summary>
    public string RoleId { get; }

    /// <summary>Gets whether <see cref="RoleId"/> names more than one role.</summary>
    public bool HasSeveralRoles { get; }

    /// <summary>Gets the role ids, split once per instance on first use (never on the verification path).</summary>
    public IReadOnlyList<string> RoleIds => _roleIds ??= Array.AsReadOnly(TokenRoleIds.Split(RoleId));

    public VerifierAlgorithm Algorithm { get; }

    public string? KeyId { get; }

    public TimeSpan CreatedAtOffset { get; }

    /// <summary>Gets the pool that holds this instance, if any: a record already using it needs no lookup there.</summary>
    public SharedTokenFieldsPool? Pool { get; private set; }

    /// <summary>Records that <paramref name="pool"/> holds this instance; called once, under the pool's lock.</summary>
    internal void AddedTo(SharedTokenFieldsPool pool) => Pool = pool;

    public bool Equals(SharedTokenFields? other) =>
        other is not null
        && Algorithm == other.Algorithm
        && CreatedAtOffset == other.CreatedAtOffset
        && string.Equals(OrganizationId, other.OrganizationId, StringComparison.Ordinal)
        && string.Equals(RoleId, other.RoleId, StringComparison.Ordinal)
        && string.Equals(KeyId, other.KeyId, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SharedTokenFields);

    public override int GetHashCode() => HashCode.Combine(
        StringComparer.Ordinal.GetHashCode(OrganizationId),
        StringComparer.Ordinal.GetHashCode(RoleId),
        Algorithm,
        KeyId is null ? 0 : StringComparer.Ordinal.GetHashCode(KeyId),
        CreatedAtOffset);
}

/// <summary>
/// One store's set of <see cref="SharedTokenFields"/>: hands out a single instance per distinct combination, and
/// within those a single string instance per distinct organization id and per distinct role id (so equal ids of a
/// store are one string, which readers can compare by reference). Thread-safe. Grows with the number of distinct
/// organization, role and key combinations, never with the number of tokens, and stops growing at
/// <see cref="MaximumCount"/> (beyond it, records simply keep their own fields).
/// </summary>
internal sealed class SharedTokenFieldsPool
{
    /// <summary>The most combinations kept.</summary>
    public const int MaximumCount = 100_000;

    private readonly Dictionary<SharedTokenFields, SharedTokenFields> _fields = [];
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Gets the number of distinct combinations held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _fields.Count;
            }
        }
    }

    /// <summary>Returns <paramref name="token"/> itself when it already uses the pooled fields, else an equal copy that does.</summary>
    public StoredToken Share(StoredToken token)
    {
        if (ReferenceEquals(token.Shared.Pool, this))
        {
            // Already one of ours (a record read back through this pool): no lookup, no copy.
            return token;
        }

        SharedTokenFields shared = Get(token.Shared);
        return ReferenceEquals(shared, token.Shared) ? token : token.WithShared(shared);
    }

    /// <summary>Returns the pooled instance equal to <paramref name="fields"/>, adding it when new.</summary>
    public SharedTokenFields Get(SharedTokenFields fields)
    {
        lock (_lock)
        {
            if (_fields.TryGetValue(fields, out SharedTokenFields? existing))
            {
                return existing;
            }

            if (_fields.Count >= MaximumCount)
            {
                return fields;
            }

            // An instance another pool holds stays with it; this pool keeps its own equal one.
            string organizationId = Intern(fields.OrganizationId);
            string roleId = Intern(fields.RoleId);
            SharedTokenFields own = fields.Pool is null && ReferenceEquals(organizationId, fields.OrganizationId) && ReferenceEquals(roleId, fields.RoleId)
                ? fields
                : new SharedTokenFields(organizationId, roleId, fields.Algorithm, fields.KeyId, fields.CreatedAtOffset);
            _fields.Add(own, own);
            own.AddedTo(this);
            return own;
        }
    }

    // Under the lock. Organization and role ids are few and bounded by the combinations kept.
    private string Intern(string id)
    {
        if (_ids.TryGetValue(id, out string? existing))
        {
            return existing;
        }

        _ids.Add(id, id);
        return id;
    }
}
