namespace TokenSdk.PostgreSql;

/// <summary>
/// Every SQL statement of the store, for one schema. The schema name is validated (lowercase letters, digits and
/// <c>_</c>) and quoted before it is written into a statement; every value is a parameter.
/// </summary>
internal sealed class StoreSql
{
    /// <summary>The token and change columns every read selects, in this order.</summary>
    public const string TokenColumns =
        "t.client_id, t.organization_id, t.role_id, t.verifier, t.created_at, t.created_offset_minutes, t.created_by, t.description, t.expires_at, t.deleted_at";

    /// <summary>The number of <see cref="TokenColumns"/>.</summary>
    public const int TokenColumnCount = 10;

    /// <summary>The role columns every read of roles selects, in this order (<see cref="RoleRows.Read"/>).</summary>
    public const string RoleColumns =
        "r.id, r.organization_id, r.name, r.description, r.permissions, r.resources, r.created_at, r.created_offset_minutes, " +
        "r.updated_at, r.updated_offset_minutes, r.updated_by, r.version, r.deleted_at";

    public StoreSql(string schema)
    {
        Schema = schema;
        string s = "\"" + schema + "\"";
        Channel = "tokensdk_" + schema;
        MigrationLock = $"SELECT pg_advisory_xact_lock(hashtext('tokensdk.migrate.{schema}'))";
        CreateVersionTable = $"""
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
            """;
        VersionTableExists = "SELECT to_regclass(quote_ident(@schema) || '.schema_version') IS NOT NULL";
        ReadVersion = $"SELECT coalesce(max(version), 0) FROM {s}.schema_version";
        RecordVersion = $"INSERT INTO {s}.schema_version (version) VALUES (@version)";
        V1 = $"""
            CREATE TABLE {s}.tokens (
                client_id text PRIMARY KEY CHECK (client_id ~ '^[A-Za-z]+$' AND length(client_id) = 24),
                organization_id text NOT NULL,
                role_id text NOT NULL,
                verifier text NOT NULL,
                created_at timestamptz NOT NULL,
                created_offset_minutes smallint NOT NULL,
                created_by text,
                description text,
                expires_at timestamptz,
                deleted_at timestamptz
            );
            COMMENT ON COLUMN {s}.tokens.verifier IS 'The one-way verifier V = H(T) in its self-describing text form; never the secret, T or the token.';
            COMMENT ON COLUMN {s}.tokens.deleted_at IS 'Set when the token is deleted; the row stays so that the client id never comes back.';
            CREATE INDEX tokens_live_by_organization ON {s}.tokens (organization_id, client_id) WHERE deleted_at IS NULL;
            CREATE TABLE {s}.changes (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                client_id text NOT NULL REFERENCES {s}.tokens (client_id),
                kind smallint NOT NULL CHECK (kind IN (1, 2, 3)),
                changed_at timestamptz NOT NULL DEFAULT now()
            );
            COMMENT ON TABLE {s}.changes IS 'The change feed: written in the transaction of every add (1), delete (2) and expiry change (3); nodes read it after their last sequence number.';
            """;

        // Writers serialize on this lock until they commit, so change sequence numbers become visible in order: a node
        // that has read up to n never later meets a change below n.
        WriteLock = $"SELECT pg_advisory_xact_lock(hashtext('tokensdk.write.{schema}'))";
        // The role check of a batch of adds, before the writers' lock: every stored role a token of the batch holds is
        // share-locked until the commit, so a role deletion (which updates the row first) either committed before (the
        // lock then returns the deleted row) or waits for this commit (and then counts these tokens). Roles that are not
        // stored (default or configured ones) match no row and lock nothing.
        LockRoles = $"SELECT 1 FROM {s}.roles WHERE lower(id) = ANY(@role_keys::text[]) FOR SHARE";
        // An add is refused, inserting nothing, when the token holds a deleted role (@role_keys: its role ids folded,
        // in its order); the statement returns one row: the change's sequence number, or the first such role.
        Add = $"""
            WITH refused AS (
                SELECT h.n FROM unnest(@role_keys::text[]) WITH ORDINALITY AS h(id, n) JOIN {s}.roles r ON lower(r.id) = h.id
                WHERE r.deleted_at IS NOT NULL ORDER BY h.n LIMIT 1),
            added AS (
                INSERT INTO {s}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes, created_by, description, expires_at)
                SELECT @client_id, @organization_id, @role_id, @verifier, @created_at, @created_offset_minutes, @created_by, @description, @expires_at
                WHERE NOT EXISTS (SELECT 1 FROM refused)
                ON CONFLICT (client_id) DO NOTHING
                RETURNING client_id),
            change AS (INSERT INTO {s}.changes (client_id, kind) SELECT client_id, 1 FROM added RETURNING seq)
            SELECT (SELECT seq FROM change), (SELECT pg_notify(@channel, seq::text) FROM change), (SELECT n FROM refused)
            """;
        Delete = $"""
            WITH deleted AS (
                UPDATE {s}.tokens SET deleted_at = now() WHERE client_id = @client_id AND deleted_at IS NULL RETURNING client_id),
            change AS (INSERT INTO {s}.changes (client_id, kind) SELECT client_id, 2 FROM deleted RETURNING seq),
            unused AS (DELETE FROM {s}.token_usage WHERE client_id IN (SELECT client_id FROM deleted))
            SELECT seq, pg_notify(@channel, seq::text) FROM change
            """;
        SetExpiry = $"""
            WITH live AS (
                SELECT client_id, expires_at FROM {s}.tokens WHERE client_id = @client_id AND deleted_at IS NULL FOR UPDATE),
            updated AS (
                UPDATE {s}.tokens SET expires_at = @expires_at
                WHERE client_id = (SELECT client_id FROM live WHERE expires_at IS NULL OR expires_at > @expires_at)
                RETURNING client_id),
            change AS (INSERT INTO {s}.changes (client_id, kind) SELECT client_id, 3 FROM updated RETURNING seq)
            SELECT (SELECT count(*) FROM live)::int, (SELECT seq FROM change), (SELECT pg_notify(@channel, seq::text) FROM change)
            """;
        V2 = $"""
            CREATE TABLE {s}.feed_state (id smallint PRIMARY KEY CHECK (id = 1), pruned_through bigint NOT NULL);
            INSERT INTO {s}.feed_state (id, pruned_through) VALUES (1, 0);
            COMMENT ON TABLE {s}.feed_state IS 'pruned_through: the last change sequence number pruned from changes; a node behind it reloads.';
            """;
        Prune = $"""
            WITH pruned AS (DELETE FROM {s}.changes WHERE changed_at < now() - @older_than RETURNING seq)
            UPDATE {s}.feed_state SET pruned_through = greatest(pruned_through, coalesce((SELECT max(seq) FROM pruned), 0))
            RETURNING (SELECT count(*) FROM pruned)
            """;
        // The feed position of a replica loaded now: the last change, or the last one pruned if that is later.
        LastSequence = $"SELECT greatest(coalesce((SELECT max(seq) FROM {s}.changes), 0), (SELECT pruned_through FROM {s}.feed_state))";
        LoadLive = $"SELECT {TokenColumns} FROM {s}.tokens t WHERE t.deleted_at IS NULL";
        // One statement, so one snapshot: the pruning watermark and the changes after the node's position agree.
        ChangesAfter = $"""
            SELECT f.pruned_through, c.*
            FROM {s}.feed_state f LEFT JOIN LATERAL (
                SELECT c.seq, c.kind, {TokenColumns}, {RoleColumns}
                FROM {s}.changes c
                LEFT JOIN {s}.tokens t ON t.client_id = c.client_id
                LEFT JOIN {s}.roles r ON r.id = c.role_id
                WHERE c.seq > @after ORDER BY c.seq LIMIT @limit) c ON true
            ORDER BY c.seq
            """;
        // Last-used times: a table of their own, so a usage write neither locks nor rewrites a token row, writes no
        // change-feed row and notifies nobody. Only live tokens' ids are kept; a batch's rows are taken in client-id
        // order, so two nodes writing the same tokens at once wait on each other rather than deadlock; a time that is
        // not later than the stored one writes nothing (no new row version). Fill factor 70: the row's new version
        // fits on its page (last_used is in no index), so the update is HOT and touches no index.
        V3 = $"""
            CREATE TABLE {s}.token_usage (
                client_id text PRIMARY KEY REFERENCES {s}.tokens (client_id),
                last_used timestamptz NOT NULL
            ) WITH (fillfactor = 70);
            COMMENT ON TABLE {s}.token_usage IS 'When each live token was last used, at the usage resolution (one minute by default); not a token change: written without a change-feed row. A row goes with the token''s deletion.';
            """;
        // Run-time roles: a deleted role stays as a tombstone (deleted_at), so its id is never used again; ids are
        // unique case-insensitively (lower(id): ids are ASCII), names per organization among live roles by name_key, the
        // name folded as .NET's OrdinalIgnoreCase compares (its invariant upper case, computed by TokenSdk: lower() in the
        // database depends on its ctype and folds otherwise). A role change is a change-feed row too (4 put, 5 delete),
        // in the same sequence as token changes; role_id follows an id whose case an update changed.
        V4 = $"""
            CREATE TABLE {s}.roles (
                id text PRIMARY KEY CHECK (length(id) <= 64 AND id ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
                organization_id text NOT NULL,
                name text NOT NULL,
                name_key text NOT NULL,
                description text NOT NULL,
                permissions text[] NOT NULL,
                resources text[] NOT NULL,
                created_at timestamptz NOT NULL,
                created_offset_minutes smallint NOT NULL,
                updated_at timestamptz NOT NULL,
                updated_offset_minutes smallint NOT NULL,
                updated_by text NOT NULL,
                version bigint NOT NULL CHECK (version >= 1),
                deleted_at timestamptz
            );
            CREATE UNIQUE INDEX roles_id_folded ON {s}.roles (lower(id));
            CREATE UNIQUE INDEX roles_live_name ON {s}.roles (organization_id, name_key) WHERE deleted_at IS NULL;
            COMMENT ON TABLE {s}.roles IS 'Run-time roles; a deleted one stays (deleted_at set) so that its id is never used again. version: the compare-and-set change count.';
            COMMENT ON COLUMN {s}.roles.name_key IS 'The name as TokenSdk compares it case-insensitively (its invariant upper case): unique per organization among live roles.';
            ALTER TABLE {s}.changes
                ALTER COLUMN client_id DROP NOT NULL,
                ADD COLUMN role_id text REFERENCES {s}.roles (id) ON UPDATE CASCADE,
                DROP CONSTRAINT changes_kind_check,
                ADD CONSTRAINT changes_kind_check CHECK (
                    kind IN (1, 2, 3) AND client_id IS NOT NULL AND role_id IS NULL
                    OR kind IN (4, 5) AND role_id IS NOT NULL AND client_id IS NULL);
            CREATE INDEX changes_by_role ON {s}.changes (role_id) WHERE role_id IS NOT NULL;
            COMMENT ON TABLE {s}.changes IS 'The change feed: written in the transaction of every token add (1), delete (2) and expiry change (3), and of every role add or update (4) and deletion (5); nodes read it after their last sequence number.';
            """;
        AddRole = $"""
            INSERT INTO {s}.roles AS r (id, organization_id, name, name_key, description, permissions, resources,
                created_at, created_offset_minutes, updated_at, updated_offset_minutes, updated_by, version)
            VALUES (@id, @organization_id, @name, @name_key, @description, @permissions, @resources,
                @created_at, @created_offset_minutes, @updated_at, @updated_offset_minutes, @updated_by, @version)
            ON CONFLICT DO NOTHING
            RETURNING r.id
            """;
        // Compare-and-set: the live role of that organization, one version behind. The id keeps the spelling it was created
        // with (every store does), which RETURNING gives back.
        UpdateRole = $"""
            UPDATE {s}.roles AS r SET name = @name, name_key = @name_key, description = @description,
                permissions = @permissions, resources = @resources, created_at = @created_at, created_offset_minutes = @created_offset_minutes,
                updated_at = @updated_at, updated_offset_minutes = @updated_offset_minutes, updated_by = @updated_by, version = @version
            WHERE lower(r.id) = lower(@id) AND r.organization_id = @organization_id AND r.deleted_at IS NULL AND r.version = @version - 1
            RETURNING r.id
            """;
        // Takes the role's row lock first: a token add holding the role waits from here until this transaction ends.
        DeleteRole = $"""
            UPDATE {s}.roles AS r SET deleted_at = now()
            WHERE lower(r.id) = lower(@id) AND r.organization_id = @organization_id AND r.deleted_at IS NULL
                AND (@expected_version::bigint IS NULL OR r.version = @expected_version::bigint)
            RETURNING {RoleColumns}
            """;
        // A statement of its own, so a snapshot of its own, taken once the row lock is held: it sees the token of every add
        // that share-locked the role before the deletion did (such an add committed before the lock was granted).
        CountRoleHolders = $"""
            SELECT count(*)::int FROM {s}.tokens
            WHERE deleted_at IS NULL AND lower(@id) = ANY(string_to_array(lower(role_id), ','))
            """;
        FindRole = $"SELECT {RoleColumns} FROM {s}.roles r WHERE lower(r.id) = lower(@id)";
        FindRoleByName = $"SELECT {RoleColumns} FROM {s}.roles r WHERE r.organization_id = @organization_id AND r.name_key = @name_key AND r.deleted_at IS NULL";
        RoleChange = $"""
            WITH change AS (INSERT INTO {s}.changes (role_id, kind) VALUES (@id, @kind) RETURNING seq)
            SELECT seq, pg_notify(@channel, seq::text) FROM change
            """;
        LoadRoles = $"SELECT {RoleColumns} FROM {s}.roles r";
        RecordUsage = $"""
            INSERT INTO {s}.token_usage AS u (client_id, last_used)
            SELECT v.client_id, max(v.last_used)
            FROM unnest(@client_ids::text[], @last_used::timestamptz[]) AS v(client_id, last_used)
            JOIN {s}.tokens t ON t.client_id = v.client_id AND t.deleted_at IS NULL
            GROUP BY v.client_id
            ORDER BY v.client_id
            ON CONFLICT (client_id) DO UPDATE SET last_used = greatest(u.last_used, excluded.last_used)
            WHERE u.last_used < excluded.last_used
            """;
        // Joined with the live tokens: a time a usage write raced into the table after its token's deletion is never read.
        ReadUsage = $"""
            SELECT u.client_id, u.last_used
            FROM {s}.token_usage u JOIN {s}.tokens t ON t.client_id = u.client_id AND t.deleted_at IS NULL
            WHERE u.client_id = ANY(@client_ids::text[])
            """;
        Listen = $"LISTEN \"{Channel}\"";
        Probe = $"SELECT 1 FROM {s}.tokens LIMIT 1";
    }

    public string Schema { get; }

    /// <summary>The notification channel of the change feed.</summary>
    public string Channel { get; }

    public string MigrationLock { get; }

    public string CreateVersionTable { get; }

    public string VersionTableExists { get; }

    public string ReadVersion { get; }

    public string RecordVersion { get; }

    public string WriteLock { get; }

    public string LockRoles { get; }

    public string Add { get; }

    public string Delete { get; }

    public string SetExpiry { get; }

    public string Prune { get; }

    public string LastSequence { get; }

    public string LoadLive { get; }

    public string ChangesAfter { get; }

    public string RecordUsage { get; }

    public string ReadUsage { get; }

    public string AddRole { get; }

    public string UpdateRole { get; }

    public string DeleteRole { get; }

    public string CountRoleHolders { get; }

    public string FindRole { get; }

    public string FindRoleByName { get; }

    public string RoleChange { get; }

    public string LoadRoles { get; }

    public string Listen { get; }

    public string Probe { get; }

    private string V1 { get; }

    private string V2 { get; }

    private string V3 { get; }

    private string V4 { get; }

    /// <summary>The script that brings the schema from <paramref name="version"/> - 1 to <paramref name="version"/>.</summary>
    public string Migration(int version) => version switch
    {
        1 => V1,
        2 => V2,
        3 => V3,
        4 => V4,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "No such migration."),
    };
}
