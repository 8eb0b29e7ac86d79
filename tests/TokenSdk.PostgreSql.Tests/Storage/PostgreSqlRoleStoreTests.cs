using Npgsql;
using TokenSdk.Credentials;
using TokenSdk.PostgreSql.Tests.TestSupport;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql.Tests.Storage;

/// <summary>
/// Run-time roles in PostgreSQL (<see cref="IRoleStore"/>, schema version 4): what is stored and read back, the checks the
/// database makes (ids for ever, names per organization, compare-and-set, no deletion of a role a token holds), the
/// change feed bringing role changes to other nodes in sequence with tokens, the exclusion of a role's deletion and an
/// add of a token holding it across nodes, the migration from version 3, and the runtime role's grants.
/// </summary>
public sealed class PostgreSqlRoleStoreTests(PostgreSqlDatabase database) : IClassFixture<PostgreSqlDatabase>, IAsyncDisposable
{
    // The bound a change on one node must reach another within: the multi-node tests' revocation bound (the store aims at
    // 100 ms with notifications; the nodes here poll every 200 ms should one be lost).
    private static readonly TimeSpan s_feedBound = TimeSpan.FromSeconds(2);
    private static readonly DateTimeOffset s_created = new(2026, 12, 2, 9, 30, 0, TimeSpan.FromHours(1));

    private readonly TokenGenerator _generator = new();
    private readonly List<PostgreSqlTokenStore> _nodes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (PostgreSqlTokenStore node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    // ---- One node ----

    [Fact]
    public async Task AddRoleAsync_ThenRoles_HoldsTheRoleAsStoredAndANodeJoiningLaterLoadsItEqual()
    {
        // Arrange: a role with every field set, its times finer than the database keeps and at different offsets.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        StoredRoleSnapshot before = store.Roles;
        var role = new StoredRole(
            "db-Auditor", "acme", "Database auditor", ["org-db-view", "org-audit-read", "ünïcode-permission"],
            ["drn:acme:db:orders", "drn:acme:db:billing"], "Reads databases\nand their audit log.",
            s_created.AddTicks(1_234_567), s_created.AddMinutes(5).ToOffset(TimeSpan.FromHours(-5)).AddTicks(7), "alice@example.com", 1);

        // Act
        RoleStoreResult added = await store.AddRoleAsync(role, Ct);
        PostgreSqlTokenStore joined = await OpenAsync(schema, createSchema: false);

        // Assert: the writer holds the stored record (times to the microsecond) when the call returns; a new node reads it back equal.
        Assert.Equal(RoleStoreStatus.Succeeded, added.Status);
        Assert.NotSame(before, store.Roles);
        Assert.True(store.Roles.TryGet("DB-AUDITOR", out StoredRole? held));
        Assert.Same(added.Role, held);
        Assert.Equal(s_created.AddTicks(1_234_560), held.CreatedAt);
        Assert.Equal(s_created.AddMinutes(5), held.UpdatedAt);
        Assert.Equal((role.Id, role.OrganizationId, role.Name, role.Description, role.UpdatedBy, role.Version), (held.Id, held.OrganizationId, held.Name, held.Description, held.UpdatedBy, held.Version));
        Assert.Equal(role.Permissions, held.Permissions);
        Assert.Equal(role.Resources, held.Resources);
        Assert.True(joined.Roles.TryGet("db-auditor", out StoredRole? loaded));
        AssertSameRole(held, loaded);
        Assert.Equal(TimeSpan.FromHours(1), loaded.CreatedAt.Offset);
        Assert.Equal(TimeSpan.FromHours(-5), loaded.UpdatedAt.Offset);
        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.changes WHERE kind = 4 AND role_id = 'db-Auditor'"));
    }

    [Fact]
    public async Task AddRoleAsync_IdTakenLiveOrDeletedInAnyCaseAndNameTakenInTheOrganization_AreRefused()
    {
        PostgreSqlTokenStore store = await OpenAsync(Nodes.NewSchema());
        Assert.True((await store.AddRoleAsync(Role("auditor", name: "Auditor"), Ct)).Succeeded);
        Assert.True((await store.AddRoleAsync(Role("gone", name: "Gone"), Ct)).Succeeded);
        Assert.True((await store.DeleteRoleAsync("acme", "gone", cancellationToken: Ct)).Succeeded);

        RoleStoreResult sameId = await store.AddRoleAsync(Role("AUDITOR", name: "Other name"), Ct);
        RoleStoreResult deletedId = await store.AddRoleAsync(Role("Gone", name: "Another name"), Ct);
        RoleStoreResult sameName = await store.AddRoleAsync(Role("auditor-2", name: "aUDITOR"), Ct);
        RoleStoreResult otherOrganization = await store.AddRoleAsync(Role("auditor-3", organization: "globex", name: "Auditor"), Ct);
        RoleStoreResult deletedName = await store.AddRoleAsync(Role("gone-2", name: "GONE"), Ct);
        ArgumentException notVersion1 = await Assert.ThrowsAsync<ArgumentException>(() => store.AddRoleAsync(Role("v2", version: 2), Ct));

        Assert.Equal(RoleStoreStatus.IdTaken, sameId.Status);
        Assert.Equal(RoleStoreStatus.IdTaken, deletedId.Status);
        Assert.Equal(RoleStoreStatus.NameTaken, sameName.Status);
        Assert.Equal("auditor", sameName.Role?.Id);
        Assert.True(otherOrganization.Succeeded, otherOrganization.ToString());
        Assert.True(deletedName.Succeeded, "The name of a deleted role is free again.");
        Assert.Equal("role", notVersion1.ParamName);
        Assert.Equal(["auditor", "auditor-3", "gone-2"], store.Roles.Select(r => r.Id));
    }

    [Fact]
    public async Task AddRoleAsync_NamesEqualAsDotNetComparesThemCaseInsensitively_AreOneName()
    {
        // The dotless i upper-cases to I, as OrdinalIgnoreCase compares: one name in .NET, though lower() in the database
        // keeps them apart.
        PostgreSqlTokenStore store = await OpenAsync(Nodes.NewSchema());
        Assert.True((await store.AddRoleAsync(Role("admin", name: "Admin"), Ct)).Succeeded);
        Assert.True((await store.AddRoleAsync(Role("cafe", name: "Café crème"), Ct)).Succeeded);

        RoleStoreResult dotless = await store.AddRoleAsync(Role("admin-2", name: "admın"), Ct);
        RoleStoreResult accented = await store.AddRoleAsync(Role("cafe-2", name: "CAFÉ CRÈME"), Ct);

        Assert.Equal(string.Equals("Admin", "admın", StringComparison.OrdinalIgnoreCase), dotless.Status == RoleStoreStatus.NameTaken);
        Assert.Equal(RoleStoreStatus.NameTaken, accented.Status);
        Assert.Equal("cafe", accented.Role?.Id);
    }

    [Fact]
    public async Task UpdateRoleAsync_CompareAndSetOnTheVersion_AppliesOnceAndRefusesEachWrongWriteAsTheInMemoryStoreDoes()
    {
        // Arrange
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        StoredRole auditor = (await store.AddRoleAsync(Role("auditor", name: "Auditor"), Ct)).Role!;
        Assert.True((await store.AddRoleAsync(Role("viewer", name: "Viewer"), Ct)).Succeeded);
        Assert.True((await store.AddRoleAsync(Role("gone", name: "Gone"), Ct)).Succeeded);
        Assert.True((await store.DeleteRoleAsync("acme", "gone", cancellationToken: Ct)).Succeeded);

        // Act
        RoleStoreResult v2 = await store.UpdateRoleAsync(Next(auditor, description: "second"), Ct);
        RoleStoreResult stale = await store.UpdateRoleAsync(Next(auditor, description: "lost update"), Ct);
        RoleStoreResult skipped = await store.UpdateRoleAsync(Next(Next(Next(auditor))), Ct);
        RoleStoreResult otherOrganization = await store.UpdateRoleAsync(Role("auditor", organization: "globex", version: 3), Ct);
        RoleStoreResult unknown = await store.UpdateRoleAsync(Role("nobody", version: 2), Ct);
        RoleStoreResult deleted = await store.UpdateRoleAsync(Role("gone", name: "Gone", version: 2), Ct);
        RoleStoreResult nameTaken = await store.UpdateRoleAsync(Next(v2.Role!, name: "VIEWER"), Ct);
        RoleStoreResult ownName = await store.UpdateRoleAsync(Next(v2.Role!, name: "AUDITOR"), Ct);
        RoleStoreResult recased = await store.UpdateRoleAsync(Next(ownName.Role!, id: "Auditor"), Ct);

        // Assert
        Assert.True(v2.Succeeded);
        Assert.Equal(RoleStoreStatus.VersionMismatch, stale.Status);
        Assert.Equal(2, stale.Role?.Version);
        Assert.Equal("second", stale.Role?.Description);
        Assert.Equal(RoleStoreStatus.VersionMismatch, skipped.Status);
        Assert.Equal(RoleStoreStatus.NotFound, otherOrganization.Status);
        Assert.Equal(RoleStoreStatus.NotFound, unknown.Status);
        Assert.Equal(RoleStoreStatus.NotFound, deleted.Status);
        Assert.Equal(RoleStoreStatus.NameTaken, nameTaken.Status);
        Assert.Equal("viewer", nameTaken.Role?.Id);
        Assert.True(ownName.Succeeded, "A role may change the case of its own name.");
        Assert.True(recased.Succeeded, recased.ToString());
        Assert.Equal("auditor", recased.Role?.Id);
        Assert.True(store.Roles.TryGet("Auditor", out StoredRole? held));
        Assert.Equal(("auditor", "AUDITOR", 4L), (held.Id, held.Name, held.Version));
        Assert.Equal(4L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.changes WHERE role_id = 'auditor'"));
        PostgreSqlTokenStore joined = await OpenAsync(schema, createSchema: false);
        Assert.True(joined.Roles.TryGet("AUDITOR", out StoredRole? loaded));
        Assert.Equal(("auditor", 4L), (loaded.Id, loaded.Version));
    }

    [Fact]
    public async Task DeleteRoleAsync_RoleHeldByLiveAndExpiredTokens_IsInUseUntilTheyAreDeletedThenGoesForGood()
    {
        // Arrange: the role held by an expired token (not purged) and, in another case, as the second role of another.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        StoredRole role = (await store.AddRoleAsync(Role("auditor"), Ct)).Role!;
        StoredToken expired = TokenWith("auditor", expiresAt: DateTimeOffset.UtcNow.AddDays(-1));
        StoredToken twoRoles = TokenWith("read-only-user,AUDITOR");
        StoredToken unrelated = TokenWith("read-only-user,auditor-2");
        foreach (StoredToken token in new[] { expired, twoRoles, unrelated })
        {
            Assert.True(await store.TryAddAsync(token, Ct));
        }

        // Act
        RoleStoreResult otherOrganization = await store.DeleteRoleAsync("globex", "auditor", cancellationToken: Ct);
        RoleStoreResult withNul = await store.DeleteRoleAsync("acme", "auditor\0", cancellationToken: Ct);
        RoleStoreResult wrongVersion = await store.DeleteRoleAsync("acme", "auditor", expectedVersion: 2, Ct);
        RoleStoreResult inUse = await store.DeleteRoleAsync("acme", "Auditor", expectedVersion: 1, Ct);
        Assert.True(await store.DeleteAsync(expired.ClientId, Ct));
        RoleStoreResult stillInUse = await store.DeleteRoleAsync("acme", "auditor", cancellationToken: Ct);
        Assert.True(await store.DeleteAsync(twoRoles.ClientId, Ct));
        StoredRoleSnapshot before = store.Roles;
        RoleStoreResult deleted = await store.DeleteRoleAsync("acme", "auditor", expectedVersion: 1, Ct);
        RoleStoreResult again = await store.DeleteRoleAsync("acme", "auditor", cancellationToken: Ct);

        // Assert
        Assert.Equal(RoleStoreStatus.NotFound, otherOrganization.Status);
        Assert.Equal(RoleStoreStatus.NotFound, withNul.Status);
        Assert.Equal(RoleStoreStatus.VersionMismatch, wrongVersion.Status);
        Assert.Equal(1, wrongVersion.Role?.Version);
        Assert.Equal((RoleStoreStatus.InUse, 2), (inUse.Status, inUse.TokenCount));
        Assert.Equal("auditor", inUse.Role?.Id);
        Assert.Equal((RoleStoreStatus.InUse, 1), (stillInUse.Status, stillInUse.TokenCount));
        Assert.True(deleted.Succeeded);
        Assert.Equal(role.Name, deleted.Role?.Name);
        Assert.NotSame(before, store.Roles);
        Assert.False(store.Roles.TryGet("auditor", out _));
        Assert.Equal(RoleStoreStatus.NotFound, again.Status);
        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.roles WHERE id = 'auditor' AND deleted_at IS NOT NULL"));
        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.changes WHERE kind = 5"));
    }

    [Fact]
    public async Task TryAddAsync_TokensAddedTogetherOneHoldingADeletedRole_RefusesOnlyThatOneAndInsertsNothingForIt()
    {
        // Arrange
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        Assert.True((await store.AddRoleAsync(Role("auditor"), Ct)).Succeeded);
        Assert.True((await store.AddRoleAsync(Role("gone"), Ct)).Succeeded);
        Assert.True((await store.DeleteRoleAsync("acme", "gone", cancellationToken: Ct)).Succeeded);
        StoredToken refused = TokenWith("auditor,read-only-user,GONE");
        StoredToken[] others = [TokenWith("auditor"), TokenWith("read-only-user"), TokenWith("Auditor,database-administrator")];
        long changesBefore = await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.changes");

        // Act: started together, so that they share a commit.
        Task<bool>[] adds = [.. new[] { refused }.Concat(others).Select(t => store.TryAddAsync(t, Ct))];
        RoleDeletedException exception = await Assert.ThrowsAsync<RoleDeletedException>(() => adds[0]);
        bool[] added = await Task.WhenAll(adds[1..]);

        // Assert: the role id as the token holds it; nothing of that token anywhere.
        Assert.Equal("GONE", exception.RoleId);
        Assert.All(added, Assert.True);
        Assert.False(store.Has(refused.ClientId));
        Assert.Equal(0L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.tokens WHERE client_id = '{refused.ClientId}'"));
        Assert.Equal(changesBefore + others.Length, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.changes"));
        await Assert.ThrowsAsync<RoleDeletedException>(() => store.TryAddAsync(refused, Ct));
    }

    [Fact]
    public async Task ApplyRole_AnOlderVersionOrAPutAfterTheDeletion_ChangesNothing()
    {
        // The feed and the writer may bring one role's versions in either order: the replica keeps the latest, and a
        // deletion for good, without replacing the snapshot for what changes nothing.
        PostgreSqlTokenStore store = await OpenAsync(Nodes.NewSchema());
        StoredRole v1 = (await store.AddRoleAsync(Role("auditor"), Ct)).Role!;
        StoredRole v2 = (await store.UpdateRoleAsync(Next(v1), Ct)).Role!;
        StoredRoleSnapshot current = store.Roles;

        store.ApplyRole(new RoleRow(v1.Id, v1.Version, false, v1));
        store.ApplyRole(new RoleRow(v2.Id, v2.Version, false, v2));
        StoredRoleSnapshot afterOldVersions = store.Roles;
        store.ApplyRole(new RoleRow("AUDITOR", v2.Version, Deleted: true, v2));
        store.ApplyRole(new RoleRow(v2.Id, v2.Version + 1, false, Next(v2)));

        Assert.Same(current, afterOldVersions);
        Assert.Empty(store.Roles);
    }

    // ---- Schema ----

    [Fact]
    public async Task MigrateAsync_SchemaAtVersion3WithTokensAndChanges_UpgradesTo4KeepingThemAndRolesWork()
    {
        // Arrange: a schema as the previous release left it (version 3), with a live and a deleted token and their changes.
        string schema = Nodes.NewSchema();
        await Nodes.CreateSchemaAtVersionAsync(database.ConnectionString, schema, 3);
        IssuedToken live = NewToken();
        IssuedToken deleted = NewToken();
        await Sql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO {schema}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes)
            VALUES ('{live.Record.ClientId}', 'acme', '{live.Record.RoleId}', '{live.Record.Verifier.Encode()}', now(), 0),
                   ('{deleted.Record.ClientId}', 'acme', '{deleted.Record.RoleId}', '{deleted.Record.Verifier.Encode()}', now(), 0);
            INSERT INTO {schema}.changes (client_id, kind) VALUES ('{live.Record.ClientId}', 1), ('{deleted.Record.ClientId}', 1);
            UPDATE {schema}.tokens SET deleted_at = now() WHERE client_id = '{deleted.Record.ClientId}';
            INSERT INTO {schema}.changes (client_id, kind) VALUES ('{deleted.Record.ClientId}', 2);
            """);
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);

        // Act
        TokenStoreException older = await Assert.ThrowsAsync<TokenStoreException>(() => OpenAsync(schema, createSchema: false));
        int before = await PostgreSqlSchema.MigrateAsync(source, schema, Ct);
        PostgreSqlTokenStore a = await OpenAsync(schema, createSchema: false);
        long position = a.LastSequence;
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        RoleStoreResult added = await a.AddRoleAsync(Role("auditor"), Ct);
        Assert.True(await a.TryAddAsync(TokenWith("auditor"), Ct));
        RoleStoreResult inUse = await a.DeleteRoleAsync("acme", "auditor", cancellationToken: Ct);

        // Assert
        Assert.Contains("is at version 3; this TokenSdk needs version 4", older.Message, StringComparison.Ordinal);
        Assert.Equal(3, before);
        Assert.Equal(4, await PostgreSqlSchema.GetVersionAsync(source, schema, Ct));
        Assert.True(a.Has(live.Record.ClientId));
        Assert.False(a.Has(deleted.Record.ClientId));
        Assert.Equal(3L, position);
        Assert.True(added.Succeeded);
        Assert.Equal(RoleStoreStatus.InUse, inUse.Status);
        Assert.True(await Nodes.EventuallyAsync(() => b.Roles.TryGet("auditor", out _), s_feedBound), "Node B never saw the role.");
        await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(
            database.ConnectionString, $"INSERT INTO {schema}.changes (client_id, role_id, kind) VALUES ('{live.Record.ClientId}', 'auditor', 4)"));
    }

    [Fact]
    public async Task RoleRow_NotAValidRole_ResolvesToNoRoleAndTheFeedAndLoadsGoOn()
    {
        // Arrange: a role row no TokenSdk writes (an empty permission), and its change, behind the back of a running node.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore running = await OpenAsync(schema);
        await Sql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO {schema}.roles (id, organization_id, name, name_key, description, permissions, resources, created_at,
                created_offset_minutes, updated_at, updated_offset_minutes, updated_by, version)
            VALUES ('broken', 'acme', 'Broken', 'BROKEN', '', ARRAY[''], ARRAY[]::text[], now(), 0, now(), 0, 'someone', 1);
            INSERT INTO {schema}.changes (role_id, kind) VALUES ('broken', 4);
            """);
        StoredToken after = TokenWith("read-only-user");

        // Act
        Assert.True(await running.TryAddAsync(after, Ct));
        await running.RefreshAsync(Ct);
        PostgreSqlTokenStore starting = await OpenAsync(schema, createSchema: false);

        // Assert
        foreach (PostgreSqlTokenStore node in new[] { running, starting })
        {
            Assert.Empty(node.Roles);
            Assert.True(node.Has(after.ClientId));
        }

        Assert.Equal(RoleStoreStatus.IdTaken, (await running.AddRoleAsync(Role("BROKEN"), Ct)).Status);
        Assert.Equal(RoleStoreStatus.NotFound, (await running.DeleteRoleAsync("acme", "broken", cancellationToken: Ct)).Status);
    }

    [Fact]
    public async Task PruneChangesAsync_NodeBehindThePrunedRoleChanges_ReloadsTheRoles()
    {
        // Arrange: node B stops following while roles change; the feed is then pruned past its position.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        StoredRole updated = (await a.AddRoleAsync(Role("updated"), Ct)).Role!;
        Assert.True((await a.AddRoleAsync(Role("deleted"), Ct)).Succeeded);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false, o =>
        {
            o.Listen = false;
            o.RefreshInterval = TimeSpan.FromMinutes(10);
        });
        Assert.Equal(2, b.Roles.Count);
        Assert.True((await a.UpdateRoleAsync(Next(updated, description: "v2"), Ct)).Succeeded);
        Assert.True((await a.DeleteRoleAsync("acme", "deleted", cancellationToken: Ct)).Succeeded);
        Assert.True((await a.AddRoleAsync(Role("added"), Ct)).Succeeded);
        await Sql.ExecuteAsync(database.ConnectionString, $"UPDATE {schema}.changes SET changed_at = now() - interval '2 days'");
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);
        Assert.Equal(5, await PostgreSqlSchema.PruneChangesAsync(source, schema, TimeSpan.FromDays(1), Ct));

        // Act
        await b.RefreshAsync(Ct);

        // Assert
        Assert.Equal(["added", "updated"], b.Roles.Select(r => r.Id));
        Assert.True(b.Roles.TryGet("updated", out StoredRole? reloaded));
        Assert.Equal((2L, "v2"), (reloaded.Version, reloaded.Description));
        Assert.Equal(RoleStoreStatus.IdTaken, (await b.AddRoleAsync(Role("deleted"), Ct)).Status);
    }

    // ---- Several nodes ----

    [Fact]
    public async Task RoleAddedUpdatedAndDeletedOnNodeA_NodeBsRolesFollowWithinTheFeedBoundAndInSequenceWithTokens()
    {
        // Arrange
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        StoredRoleSnapshot initial = b.Roles;

        // Act and assert: an add, then a token holding the role: B never holds the token without the role (one sequence).
        StoredRole v1 = (await a.AddRoleAsync(Role("auditor", description: "v1"), Ct)).Role!;
        StoredToken token = TokenWith("auditor");
        Assert.True(await a.TryAddAsync(token, Ct));
        bool roleBeforeToken = true;
        Assert.True(await Nodes.EventuallyAsync(
            () =>
            {
                bool hasToken = b.Has(token.ClientId);
                StoredRoleSnapshot roles = b.Roles;
                roleBeforeToken &= !hasToken || roles.TryGet("auditor", out _);
                return hasToken;
            },
            s_feedBound), "Node B never saw the token.");
        Assert.True(roleBeforeToken, "Node B held a token before the role created before it.");
        Assert.NotSame(initial, b.Roles);
        Assert.True(b.Roles.TryGet("auditor", out StoredRole? seen));
        Assert.Equal(("v1", v1.CreatedAt, v1.UpdatedBy), (seen.Description, seen.CreatedAt, seen.UpdatedBy));

        StoredRole v2 = (await a.UpdateRoleAsync(Next(v1, description: "v2"), Ct)).Role!;
        Assert.True(await Nodes.EventuallyAsync(() => b.Roles.TryGet("auditor", out StoredRole? r) && r.Version == 2, s_feedBound), "Node B never saw the update.");
        Assert.Equal("v2", b.Roles.Single().Description);

        Assert.True(await a.DeleteAsync(token.ClientId, Ct));
        Assert.True((await a.DeleteRoleAsync("acme", "auditor", expectedVersion: v2.Version, Ct)).Succeeded);
        Assert.True(await Nodes.EventuallyAsync(() => b.Roles.Count == 0, s_feedBound), "Node B never saw the deletion.");
        await a.RefreshAsync(Ct);
        await b.RefreshAsync(Ct);
        Assert.Equal(a.LastSequence, b.LastSequence);
        Assert.Empty(a.Roles);
    }

    [Fact]
    public async Task CustomRoleEditedThroughTheRoleManagerOnNodeA_AppliesToVerificationOnNodeBWithinTheFeedBound()
    {
        // Arrange: node A manages (role and token managers over its catalog); node B verifies, as dependency injection wires it.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        var catalogA = new RoleCatalog(customRoles: null, roleStore: a);
        var roles = new TokenSdk.Management.RoleManager(a, catalogA);
        using var tokens = new TokenSdk.Management.TokenManager(a, catalogA);
        var verifierB = new TokenSdk.Verification.TokenVerifier(b, new RoleCatalog(customRoles: null, roleStore: b));
        var admin = new TokenSdk.Management.TokenCaller("alice", "acme", [DefaultRoles.OrganizationAdministrator]);
        var definition = new TokenSdk.Management.RoleDefinition { Name = "Deployers" };
        definition.Permissions.Add(Permissions.OrgDbView);
        Role role = (await roles.CreateAsync(admin, definition, Ct)).GetValueOrThrow();
        GeneratedToken token = (await TokenSdk.Management.TokenManagerExtensions.GenerateAsync(tokens, admin, role.Id, cancellationToken: Ct)).GetValueOrThrow();
        Assert.True(await Nodes.EventuallyAsync(() => verifierB.VerifyAsync(token.Token).Result.IsValid, s_feedBound), "Node B never verified the token.");

        // Act: node A's administrator gives the role a permission
        definition.Permissions.Add(Permissions.OrgDbCreate);
        Assert.True((await roles.UpdateAsync(admin, role.Id, definition, cancellationToken: Ct)).Succeeded);

        // Assert: node B's verification has it within the bound
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await Nodes.EventuallyAsync(() => verifierB.VerifyAsync(token.Token).Result.HasPermission(Permissions.OrgDbCreate), s_feedBound), "Node B never saw the permission added.");
        TestContext.Current.TestOutputHelper?.WriteLine($"Node B saw the permission added after {clock.ElapsedMilliseconds} ms.");

        // Act and assert: taken away again, node B's verification loses it within the bound
        definition.Permissions.Remove(Permissions.OrgDbCreate);
        Assert.True((await roles.UpdateAsync(admin, role.Id, definition, expectedVersion: 2, Ct)).Succeeded);
        clock.Restart();
        Assert.True(await Nodes.EventuallyAsync(() => !verifierB.VerifyAsync(token.Token).Result.HasPermission(Permissions.OrgDbCreate), s_feedBound), "Node B never saw the permission removed.");
        TestContext.Current.TestOutputHelper?.WriteLine($"Node B saw the permission removed after {clock.ElapsedMilliseconds} ms.");
        TokenSdk.Verification.TokenVerificationResult final = await verifierB.VerifyAsync(token.Token, Ct);
        Assert.True(final.IsValid && final.HasPermission(Permissions.OrgDbView));
        Assert.Equal(3, Assert.Single(final.Roles).Version);
    }

    [Fact]
    public async Task UpdateRoleAsync_OneVersionOnTwoNodesAtOnce_ExactlyOneAppliesAndTheOtherGetsIt()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        for (int round = 0; round < 10; round++)
        {
            StoredRole v1 = (await a.AddRoleAsync(Role("role-" + round), Ct)).Role!;

            RoleStoreResult[] results = await RaceAsync(
                () => a.UpdateRoleAsync(Next(v1, description: "from A"), Ct),
                () => b.UpdateRoleAsync(Next(v1, description: "from B"), Ct));

            RoleStoreResult winner = Assert.Single(results, r => r.Succeeded);
            RoleStoreResult loser = Assert.Single(results, r => !r.Succeeded);
            Assert.Equal(RoleStoreStatus.VersionMismatch, loser.Status);
            Assert.Equal((2L, winner.Role!.Description), (loser.Role!.Version, loser.Role.Description));
            foreach (PostgreSqlTokenStore node in new[] { a, b })
            {
                Assert.True(await Nodes.EventuallyAsync(
                    () => node.Roles.TryGet(v1.Id, out StoredRole? r) && r.Description == winner.Role.Description, s_feedBound));
            }
        }
    }

    [Fact]
    public async Task DeleteRoleAsync_OnNodeAWhoseReplicaHasNotSeenTheTokenAddedOnB_IsInUse()
    {
        // Node A follows no feed (no notification, a poll every 10 minutes): its replica never holds B's token.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema, configure: o =>
        {
            o.Listen = false;
            o.RefreshInterval = TimeSpan.FromMinutes(10);
        });
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        Assert.True((await a.AddRoleAsync(Role("auditor"), Ct)).Succeeded);
        StoredToken token = TokenWith("auditor");
        Assert.True(await b.TryAddAsync(token, Ct));

        RoleStoreResult result = await a.DeleteRoleAsync("acme", "auditor", cancellationToken: Ct);

        Assert.False(a.Has(token.ClientId));
        Assert.Equal((RoleStoreStatus.InUse, 1), (result.Status, result.TokenCount));
        Assert.True(a.Roles.TryGet("auditor", out _));
    }

    [Fact]
    public async Task DeleteRoleOnNodeAAndAddOfATokenHoldingItOnNodeB_RacedManyTimes_NeverLeaveATokenHoldingADeletedRole()
    {
        // Arrange
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        const int Rounds = 60;
        int deletions = 0;
        int adds = 0;

        for (int round = 0; round < Rounds; round++)
        {
            string roleId = "raced-" + round;
            Assert.True((await a.AddRoleAsync(Role(roleId), Ct)).Succeeded);

            // The token holding the role is added with others (one commit), half of the rounds in another case.
            StoredToken holder = TokenWith(round % 2 == 0 ? "read-only-user," + roleId : roleId.ToUpperInvariant());
            StoredToken[] others = [TokenWith("read-only-user"), TokenWith("database-administrator")];

            // Act: the deletion on A and the adds on B, started together.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<RoleStoreResult> delete = Task.Run(async () =>
            {
                await gate.Task;
                return await a.DeleteRoleAsync("acme", roleId, cancellationToken: Ct);
            }, Ct);
            Task<bool>[] add = [.. new[] { holder }.Concat(others).Select(t => Task.Run(async () =>
            {
                await gate.Task;
                return await b.TryAddAsync(t, Ct);
            }, Ct))];
            gate.SetResult();
            RoleStoreResult deleted = await delete;
            bool holderAdded;
            try
            {
                holderAdded = await add[0];
            }
            catch (RoleDeletedException ex)
            {
                Assert.Equal(holder.RoleIds.Single(id => id.Equals(roleId, StringComparison.OrdinalIgnoreCase)), ex.RoleId);
                holderAdded = false;
            }

            // Assert: exactly one of the two happened, and the others were added whatever happened.
            Assert.True(deleted.Succeeded != holderAdded, $"Round {round}: deletion {deleted}, token added: {holderAdded}.");
            Assert.Equal(deleted.Succeeded ? RoleStoreStatus.Succeeded : RoleStoreStatus.InUse, deleted.Status);
            Assert.All(await Task.WhenAll(add[1..]), Assert.True);
            deletions += deleted.Succeeded ? 1 : 0;
            adds += holderAdded ? 1 : 0;
        }

        long holdingDeleted = await Sql.QueryAsync<long>(database.ConnectionString, $"""
            SELECT count(*) FROM {schema}.tokens t JOIN {schema}.roles r
                ON lower(r.id) = ANY(string_to_array(lower(t.role_id), ','))
            WHERE t.deleted_at IS NULL AND r.deleted_at IS NOT NULL
            """);
        Assert.Equal(0L, holdingDeleted);
        Assert.Equal(Rounds, deletions + adds);
        TestContext.Current.SendDiagnosticMessage($"{Rounds} rounds: the deletion won {deletions}, the add {adds}.");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TryAddAsync_WhileADeletionOfItsRoleHoldsTheRowUncommitted_WaitsThenFollowsItsOutcome(bool deletionCommits)
    {
        // Arrange: a deletion on another connection (as another node's) has marked the row and not ended yet.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        Assert.True((await store.AddRoleAsync(Role("auditor"), Ct)).Succeeded);
        await using NpgsqlConnection other = await OpenConnectionAsync();
        await using NpgsqlTransaction deletion = await other.BeginTransactionAsync(Ct);
        await using (var mark = new NpgsqlCommand($"UPDATE {schema}.roles SET deleted_at = now() WHERE id = 'auditor'", other, deletion))
        {
            Assert.Equal(1, await mark.ExecuteNonQueryAsync(Ct));
        }

        StoredToken token = TokenWith("Auditor");

        // Act
        Task<bool> add = store.TryAddAsync(token, Ct);
        Task first = await Task.WhenAny(add, Task.Delay(TimeSpan.FromMilliseconds(500), Ct));
        if (deletionCommits)
        {
            await deletion.CommitAsync(Ct);
        }
        else
        {
            await deletion.RollbackAsync(Ct);
        }

        // Assert: the add waited for the row, then read it as the deletion left it.
        Assert.NotSame(add, first);
        if (deletionCommits)
        {
            Assert.Equal("Auditor", (await Assert.ThrowsAsync<RoleDeletedException>(() => add)).RoleId);
            Assert.Equal(0L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.tokens"));
        }
        else
        {
            Assert.True(await add);
            Assert.True(store.Has(token.ClientId));
        }
    }

    [Fact]
    public async Task DeleteRoleAsync_WhileAnAddOfATokenHoldingItIsUncommitted_WaitsThenCountsTheToken()
    {
        // Arrange: an add on another connection (as another node's) has share-locked the role and inserted its token,
        // and not committed yet.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        Assert.True((await store.AddRoleAsync(Role("auditor"), Ct)).Succeeded);
        StoredToken token = TokenWith("read-only-user,auditor");
        await using NpgsqlConnection other = await OpenConnectionAsync();
        await using NpgsqlTransaction add = await other.BeginTransactionAsync(Ct);
        await using (var insert = new NpgsqlCommand($"""
            SELECT 1 FROM {schema}.roles WHERE lower(id) = 'auditor' FOR SHARE;
            INSERT INTO {schema}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes)
            VALUES ('{token.ClientId}', 'acme', '{token.RoleId}', '{token.Verifier.Encode()}', now(), 0);
            """, other, add))
        {
            await insert.ExecuteNonQueryAsync(Ct);
        }

        // Act
        Task<RoleStoreResult> delete = store.DeleteRoleAsync("acme", "auditor", cancellationToken: Ct);
        Task first = await Task.WhenAny(delete, Task.Delay(TimeSpan.FromMilliseconds(500), Ct));
        await add.CommitAsync(Ct);
        RoleStoreResult result = await delete;

        // Assert: the deletion waited for the add, then counted its token, committed after the deletion began.
        Assert.NotSame(delete, first);
        Assert.Equal((RoleStoreStatus.InUse, 1), (result.Status, result.TokenCount));
        Assert.True(store.Roles.TryGet("auditor", out _));
    }

    // ---- Grants ----

    [Fact]
    public async Task RoleOperations_AsARoleWithOnlyTheDocumentedPrivileges_AllWork()
    {
        // Arrange: the schema migrated by the superuser; the service runs as a role with exactly the grants docs/storage.md lists.
        string schema = Nodes.NewSchema();
        string asApp = await Nodes.LeastPrivilegeLoginAsync(database.ConnectionString, schema);
        PostgreSqlTokenStore a = await Nodes.OpenAsync(asApp, schema, createSchema: false);
        PostgreSqlTokenStore b = await Nodes.OpenAsync(asApp, schema, createSchema: false);
        _nodes.Add(a);
        _nodes.Add(b);
        StoredToken token = TokenWith("auditor");

        // Act
        StoredRole v1 = (await a.AddRoleAsync(Role("auditor", name: "Auditor"), Ct)).Role!;
        Assert.True((await a.AddRoleAsync(Role("viewer", name: "Viewer"), Ct)).Succeeded);
        RoleStoreResult idTaken = await b.AddRoleAsync(Role("AUDITOR"), Ct);
        RoleStoreResult nameTaken = await b.UpdateRoleAsync(Next(v1, name: "viewer"), Ct);
        RoleStoreResult updated = await b.UpdateRoleAsync(Next(v1, id: "Auditor"), Ct);
        RoleStoreResult stale = await a.UpdateRoleAsync(Next(v1), Ct);
        bool added = await b.TryAddAsync(token, Ct);
        RoleStoreResult inUse = await a.DeleteRoleAsync("acme", "auditor", cancellationToken: Ct);
        bool tokenDeleted = await b.DeleteAsync(token.ClientId, Ct);
        RoleStoreResult deleted = await a.DeleteRoleAsync("acme", "auditor", expectedVersion: 2, Ct);
        RoleDeletedException refused = await Assert.ThrowsAsync<RoleDeletedException>(() => b.TryAddAsync(TokenWith("auditor"), Ct));

        // Assert
        Assert.Equal(RoleStoreStatus.IdTaken, idTaken.Status);
        Assert.Equal(RoleStoreStatus.NameTaken, nameTaken.Status);
        Assert.True(updated.Succeeded, updated.ToString());
        Assert.Equal(RoleStoreStatus.VersionMismatch, stale.Status);
        Assert.True(added && tokenDeleted);
        Assert.Equal(RoleStoreStatus.InUse, inUse.Status);
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.Equal("auditor", refused.RoleId);
        Assert.True(await Nodes.EventuallyAsync(() => b.Roles.Select(r => r.Id).SequenceEqual(["viewer"]), s_feedBound));
        Assert.True((await b.CheckHealthAsync(Ct)).CanWrite);
    }

    // ---- Helpers ----

    private static StoredRole Role(string id, string organization = "acme", string? name = null, long version = 1, string? description = null) =>
        new(id, organization, name ?? "Role " + id, ["org-db-view", "org-token-read"], [], description, s_created, s_created, "alice", version);

    private static StoredRole Next(StoredRole role, string? id = null, string? name = null, string? description = null) =>
        new(id ?? role.Id, role.OrganizationId, name ?? role.Name, role.Permissions, role.Resources, description ?? role.Description,
            role.CreatedAt, role.UpdatedAt.AddMinutes(1), "bob", role.Version + 1);

    private static void AssertSameRole(StoredRole expected, StoredRole actual)
    {
        Assert.Equal(
            (expected.Id, expected.OrganizationId, expected.Name, expected.Description, expected.CreatedAt, expected.UpdatedAt, expected.UpdatedBy, expected.Version),
            (actual.Id, actual.OrganizationId, actual.Name, actual.Description, actual.CreatedAt, actual.UpdatedAt, actual.UpdatedBy, actual.Version));
        Assert.Equal(expected.Permissions, actual.Permissions);
        Assert.Equal(expected.Resources, actual.Resources);
    }

    private IssuedToken NewToken() =>
        _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "acme", CreatedBy = "test" });

    /// <summary>A new token record of the organization holding <paramref name="roleIds"/> (joined with ',').</summary>
    private StoredToken TokenWith(string roleIds, DateTimeOffset? expiresAt = null)
    {
        StoredToken issued = NewToken().Record;
        return new StoredToken(issued.ClientId, "acme", roleIds, issued.Verifier, issued.CreatedAt).WithExpiresAt(expiresAt);
    }

    private async Task<PostgreSqlTokenStore> OpenAsync(string schema, bool createSchema = true, Action<PostgreSqlTokenStoreOptions>? configure = null)
    {
        PostgreSqlTokenStore node = await Nodes.OpenAsync(database.ConnectionString, schema, createSchema, configure);
        _nodes.Add(node);
        return node;
    }

    private async Task<NpgsqlConnection> OpenConnectionAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    /// <summary>Starts every racer at once (an async gate, no blocked threads) and returns their results.</summary>
    private static async Task<T[]> RaceAsync<T>(params Func<Task<T>>[] racers)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<T>[] running = [.. racers.Select(racer => Task.Run(async () =>
        {
            await gate.Task;
            return await racer();
        }))];
        gate.SetResult();
        return await Task.WhenAll(running);
    }
}
