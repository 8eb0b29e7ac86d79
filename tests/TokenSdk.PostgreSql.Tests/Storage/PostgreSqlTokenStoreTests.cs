using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Management;
using TokenSdk.PostgreSql.Tests.TestSupport;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.PostgreSql.Tests.Storage;

/// <summary>
/// What the PostgreSQL store adds to the conformance suite: several nodes on one database, the schema and its
/// migrations, what is stored, options, and dependency injection. Fault tests (a server stopped) are in
/// <see cref="PostgreSqlTokenStoreFaultTests"/>.
/// </summary>
public sealed class PostgreSqlTokenStoreTests(PostgreSqlDatabase database) : IClassFixture<PostgreSqlDatabase>, IAsyncDisposable
{
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

    // ---- Several nodes ----

    [Fact]
    public async Task DeleteAsync_OnNodeA_NodeBRejectsTheTokenWithoutARefresh()
    {
        // Arrange: two nodes, a token both verify.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        IssuedToken token = NewToken();
        Assert.True(await a.TryAddAsync(token.Record, Ct));
        bool seenByB = await Nodes.EventuallyAsync(() => b.Has(token.Record.ClientId));
        var verifierOnB = new TokenVerifier(b, new RoleCatalog());
        bool validOnB = (await verifierOnB.VerifyAsync(token.Details.Token, Ct)).IsValid;

        // Act: deleted through A; B learns it from the change feed alone (notification, or the poll).
        Assert.True(await a.DeleteAsync(token.Record.ClientId, Ct));
        bool goneFromB = await Nodes.EventuallyAsync(() => !b.Has(token.Record.ClientId));

        // Assert
        Assert.True(seenByB);
        Assert.True(validOnB);
        Assert.True(goneFromB, "Node B still verifies a token deleted through node A.");
        Assert.Equal(VerificationStatus.UnknownClient, (await verifierOnB.VerifyAsync(token.Details.Token, Ct)).Status);

        // The writing node holds its own writes at once, but its feed position moves when the feed brings them.
        await a.RefreshAsync(Ct);
        await b.RefreshAsync(Ct);
        Assert.Equal(a.LastSequence, b.LastSequence);
    }

    [Fact]
    public async Task DeleteAsync_NotificationsLost_NodeBRejectsTheTokenAtItsNextPoll()
    {
        // Node B does not listen: only the poll every RefreshInterval (200 ms here) brings the deletion.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false, o => o.Listen = false);
        IssuedToken token = NewToken();
        Assert.True(await a.TryAddAsync(token.Record, Ct));
        Assert.True(await Nodes.EventuallyAsync(() => b.Has(token.Record.ClientId)));

        Assert.True(await a.DeleteAsync(token.Record.ClientId, Ct));

        Assert.True(await Nodes.EventuallyAsync(() => !b.Has(token.Record.ClientId)), "The poll never brought the deletion.");
    }

    [Fact]
    public async Task TryAddAsync_SameClientIdOnTwoNodesAtOnce_IsAddedOnce()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        IssuedToken first = NewToken();
        IssuedToken second = NewToken();
        var clash = new StoredToken(first.Record.ClientId, "globex", DefaultRoles.OrganizationAdministrator.Id, second.Record.Verifier, second.Record.CreatedAt);

        bool[] added = await RaceAsync(() => a.TryAddAsync(first.Record, Ct), () => b.TryAddAsync(clash, Ct));
        await a.RefreshAsync(Ct);
        await b.RefreshAsync(Ct);

        Assert.Single(added, x => x);
        Assert.True(a.TryFind(first.Record.ClientId, out StoredToken? onA));
        Assert.True(b.TryFind(first.Record.ClientId, out StoredToken? onB));
        Assert.Equal(onA.Verifier, onB.Verifier);
        Assert.Equal(onA.OrganizationId, onB.OrganizationId);
    }

    [Fact]
    public async Task DeleteAsync_OneTokenOnThreeNodesAtOnce_ExactlyOneSucceeds()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore[] nodes = [await OpenAsync(schema), await OpenAsync(schema, createSchema: false), await OpenAsync(schema, createSchema: false)];
        IssuedToken token = NewToken();
        Assert.True(await nodes[0].TryAddAsync(token.Record, Ct));

        bool[] deleted = await RaceAsync([.. nodes.Select(n => (Func<Task<bool>>)(() => n.DeleteAsync(token.Record.ClientId, Ct)))]);

        Assert.Single(deleted, x => x);
        foreach (PostgreSqlTokenStore node in nodes)
        {
            Assert.True(await Nodes.EventuallyAsync(() => !node.Has(token.Record.ClientId)));
        }
    }

    [Fact]
    public async Task OpenAsync_NodeJoiningLater_LoadsLiveTokensExpiriesAndNeverADeletedOne()
    {
        // Arrange: tokens written, one deleted, one with an expiry, before the new node starts.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        IssuedToken kept = NewToken();
        IssuedToken expiring = NewToken();
        IssuedToken deleted = NewToken();
        foreach (IssuedToken token in new[] { kept, expiring, deleted })
        {
            Assert.True(await a.TryAddAsync(token.Record, Ct));
        }

        var expiry = new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
        Assert.True(await a.SetExpiryAsync(expiring.Record.ClientId, expiry, Ct));
        Assert.True(await a.DeleteAsync(deleted.Record.ClientId, Ct));

        // Act
        PostgreSqlTokenStore joined = await OpenAsync(schema, createSchema: false);

        // Assert
        Assert.Equal(2, joined.Count);
        Assert.True(joined.TryFind(kept.Record.ClientId, out StoredToken? found));
        Assert.Equal(kept.Record.Description, found.Description);
        Assert.Equal(kept.Record.CreatedBy, found.CreatedBy);
        Assert.Equal(kept.Record.Verifier, found.Verifier);
        Assert.Equal(kept.Record.CreatedAt.Offset, found.CreatedAt.Offset);
        Assert.True(joined.TryFind(expiring.Record.ClientId, out StoredToken? withExpiry));
        Assert.Equal(expiry, withExpiry.ExpiresAt);
        Assert.False(joined.Has(deleted.Record.ClientId));
        Assert.False(await joined.TryAddAsync(deleted.Record, Ct), "A deleted client id came back.");
        await a.RefreshAsync(Ct);
        Assert.Equal(a.LastSequence, joined.LastSequence);
    }

    // ---- What is stored ----

    [Theory]
    [InlineData(TokenFormatKind.Checksummed, VerifierAlgorithm.Sha256)]
    [InlineData(TokenFormatKind.Astra, VerifierAlgorithm.HmacSha256)]
    public async Task TryAddAsync_Database_HoldsNeitherSecretNorTokenNorT(TokenFormatKind format, VerifierAlgorithm algorithm)
    {
        // Arrange: a token of each format and verifier; T = SHA-256(secret) in every encoding a careless store might use.
        var options = new TokenSdkOptions { GenerationFormat = format };
        if (algorithm == VerifierAlgorithm.HmacSha256)
        {
            options.Hashing.Algorithm = VerifierAlgorithm.HmacSha256;
            options.Hashing.CurrentKeyId = "k1";
            options.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        }

        IssuedToken token = new TokenGenerator(options).Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Description = "stored" });
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        Assert.True(await store.TryAddAsync(token.Record, Ct));
        Assert.True(await store.DeleteAsync(token.Record.ClientId, Ct));

        // Act: every row of every table of the schema, as text.
        string everything = await DumpSchemaAsync(schema);

        // Assert
        byte[] t = SHA256.HashData(Encoding.UTF8.GetBytes(token.Details.Secret));
        Assert.Contains(token.Record.ClientId, everything, StringComparison.Ordinal);
        foreach (string forbidden in new[]
        {
            token.Details.Secret, token.Details.Token, Convert.ToHexStringLower(t), Convert.ToHexString(t), Convert.ToBase64String(t),
            System.Buffers.Text.Base64Url.EncodeToString(t),
        })
        {
            Assert.DoesNotContain(forbidden, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TryAddAsync_TokenOfTwoRolesOnNodeA_NodeBAndAJoiningNodeVerifyItWithBothRoles()
    {
        // Arrange: the roles stored as one role_id, joined in their order; B follows the feed, C loads it at start.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        Role[] roles = [DefaultRoles.DatabaseAdministrator, DefaultRoles.BillingAdministrator];
        IssuedToken token = _generator.Generate(new TokenGenerationRequest(roles) { OrganizationId = "acme" });

        // Act
        Assert.True(await a.TryAddAsync(token.Record, Ct));
        bool seenByB = await Nodes.EventuallyAsync(() => b.Has(token.Record.ClientId));
        PostgreSqlTokenStore c = await OpenAsync(schema, createSchema: false);

        // Assert
        Assert.True(seenByB, "Node B never saw the token added through node A.");
        Assert.Equal(
            "database-administrator,billing-administrator",
            await Sql.QueryAsync<string>(database.ConnectionString, $"SELECT role_id FROM {schema}.tokens WHERE client_id = '{token.Record.ClientId}'"));
        foreach (PostgreSqlTokenStore node in new[] { b, c })
        {
            TokenVerificationResult result = await new TokenVerifier(node, new RoleCatalog()).VerifyAsync(token.Details.Token, Ct);
            Assert.True(result.IsValid, result.ToString());
            Assert.Equal(roles, result.Roles);
            Assert.True(result.HasPermission(Permissions.OrgDbCreate) && result.HasPermission(Permissions.OrgBillingWrite));
            Assert.Equal(roles.Select(r => r.Id), (await node.FindAsync(token.Record.ClientId, Ct))?.RoleIds);
            Assert.Equal([token.Record.ClientId], (await node.ListAsync(new TokenListQuery { OrganizationId = "acme" }, Ct)).Select(t => t.ClientId));
        }
    }

    [Fact]
    public async Task Row_WrittenAsThePreviousReleaseDid_IsReadWithItsOneRoleByARunningAndAStartingNode()
    {
        // Arrange: a row and its change as the release before tokens of several roles wrote them (the same statement:
        // role_id holds one role id), written behind the back of a running node.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore running = await OpenAsync(schema);
        IssuedToken token = NewToken();
        StoredToken record = token.Record;
        await Sql.ExecuteAsync(database.ConnectionString, $"""
            WITH added AS (
                INSERT INTO {schema}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes, created_by, description, expires_at)
                VALUES ('{record.ClientId}', 'acme', 'read-only-user', '{record.Verifier.Encode()}', now(), 60, 'previous-release', NULL, NULL)
                RETURNING client_id)
            INSERT INTO {schema}.changes (client_id, kind) SELECT client_id, 1 FROM added
            """);

        // Act
        bool seenByRunning = await Nodes.EventuallyAsync(() => running.Has(record.ClientId));
        PostgreSqlTokenStore starting = await OpenAsync(schema, createSchema: false);

        // Assert
        Assert.True(seenByRunning, "The running node never read the row.");
        foreach (PostgreSqlTokenStore node in new[] { running, starting })
        {
            StoredToken? found = await node.FindAsync(record.ClientId, Ct);
            Assert.NotNull(found);
            Assert.Equal("read-only-user", found.RoleId);
            Assert.Equal(["read-only-user"], found.RoleIds);
            Assert.Equal("previous-release", found.CreatedBy);
            Assert.Equal(TimeSpan.FromHours(1), found.CreatedAt.Offset);
            TokenVerificationResult result = await new TokenVerifier(node, new RoleCatalog()).VerifyAsync(token.Details.Token, Ct);
            Assert.True(result.IsValid, result.ToString());
            Assert.Same(DefaultRoles.ReadOnlyUser, Assert.Single(result.Roles));
        }
    }

    // ---- Schema and migrations ----

    [Fact]
    public async Task OpenAsync_NoSchema_ThrowsNamingTheMigrationToRun()
    {
        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => OpenAsync(Nodes.NewSchema(), createSchema: false));

        Assert.Contains("tokensdk db migrate", exception.Message, StringComparison.Ordinal);
        Assert.Contains("has no TokenSdk schema", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SchemaNewerThanTheCode_ThrowsAskingForAnUpgrade()
    {
        string schema = Nodes.NewSchema();
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);
        await PostgreSqlSchema.MigrateAsync(source, schema, Ct);
        await Sql.ExecuteAsync(database.ConnectionString, $"INSERT INTO {schema}.schema_version (version) VALUES ({PostgreSqlSchema.CurrentVersion + 1})");

        TokenStoreException opening = await Assert.ThrowsAsync<TokenStoreException>(() => OpenAsync(schema, createSchema: false));
        TokenStoreException migrating = await Assert.ThrowsAsync<TokenStoreException>(() => PostgreSqlSchema.MigrateAsync(source, schema, Ct));

        Assert.Contains($"version {PostgreSqlSchema.CurrentVersion + 1}, newer than this TokenSdk knows", opening.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade TokenSdk.PostgreSql", migrating.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SchemaAtAnOlderVersion_ThrowsAskingForTheMigrationThenOpensAfterIt()
    {
        // Arrange: a schema left at version 1 by an earlier TokenSdk, with a token in it.
        string schema = Nodes.NewSchema();
        var sql = new StoreSql(schema);
        await Sql.ExecuteAsync(database.ConnectionString, sql.CreateVersionTable + ";" + sql.Migration(1) + $";INSERT INTO {schema}.schema_version (version) VALUES (1)");
        IssuedToken token = NewToken();
        await Sql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO {schema}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes)
            VALUES ('{token.Record.ClientId}', 'acme', '{token.Record.RoleId}', '{token.Record.Verifier.Encode()}', now(), 0)
            """);
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);

        // Act
        TokenStoreException older = await Assert.ThrowsAsync<TokenStoreException>(() => OpenAsync(schema, createSchema: false));
        int before = await PostgreSqlSchema.MigrateAsync(source, schema, Ct);
        PostgreSqlTokenStore upgraded = await OpenAsync(schema, createSchema: false);

        // Assert
        Assert.Contains($"is at version 1; this TokenSdk needs version {PostgreSqlSchema.CurrentVersion}", older.Message, StringComparison.Ordinal);
        Assert.Contains("tokensdk db migrate", older.Message, StringComparison.Ordinal);
        Assert.Equal(1, before);
        Assert.True(upgraded.Has(token.Record.ClientId));
    }

    [Fact]
    public async Task PruneChangesAsync_NodeBehindThePrunedChanges_ReloadsAndRejectsTheDeletedToken()
    {
        // Arrange: node B stops following (disposed) while tokens are deleted; the feed is then pruned past its position.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        IssuedToken kept = NewToken();
        IssuedToken deleted = NewToken();
        Assert.True(await a.TryAddAsync(kept.Record, Ct));
        Assert.True(await a.TryAddAsync(deleted.Record, Ct));
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false, o =>
        {
            o.Listen = false;
            o.RefreshInterval = TimeSpan.FromMinutes(10);
        });
        Assert.True(b.Has(deleted.Record.ClientId));
        long positionOfB = b.LastSequence;
        InMemoryTokenStore replicaBefore = b.Replica;
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);

        Assert.True(await a.DeleteAsync(deleted.Record.ClientId, Ct));
        await Sql.ExecuteAsync(database.ConnectionString, $"UPDATE {schema}.changes SET changed_at = now() - interval '2 days'");
        long removed = await PostgreSqlSchema.PruneChangesAsync(source, schema, TimeSpan.FromDays(1), Ct);

        // Act: B reads the feed again; the deletion it never read is gone from the feed.
        await b.RefreshAsync(Ct);

        // Assert
        Assert.Equal(3, removed);
        Assert.NotSame(replicaBefore, b.Replica);
        Assert.True(b.LastSequence > positionOfB);
        Assert.False(b.Has(deleted.Record.ClientId), "A node behind the pruned feed kept a deleted token.");
        Assert.True(b.Has(kept.Record.ClientId));
        PostgreSqlTokenStore joined = await OpenAsync(schema, createSchema: false);
        await joined.RefreshAsync(Ct);
        Assert.Equal(1, joined.Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => PostgreSqlSchema.PruneChangesAsync(source, schema, TimeSpan.FromMinutes(5), Ct));
    }

    [Fact]
    public async Task MigrateAsync_RunTwiceAndConcurrently_IsIdempotentAndRecordsTheVersion()
    {
        string schema = Nodes.NewSchema();
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);

        int[] before = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgreSqlSchema.MigrateAsync(source, schema, Ct), Ct)));
        int again = await PostgreSqlSchema.MigrateAsync(source, schema, Ct);

        Assert.Single(before, v => v == 0);
        Assert.All(before.Where(v => v != 0), v => Assert.Equal(PostgreSqlSchema.CurrentVersion, v));
        Assert.Equal(PostgreSqlSchema.CurrentVersion, again);
        Assert.Equal(PostgreSqlSchema.CurrentVersion, await PostgreSqlSchema.GetVersionAsync(source, schema, Ct));
        Assert.Equal(0, await PostgreSqlSchema.GetVersionAsync(source, Nodes.NewSchema(), Ct));
    }

    // ---- Options and errors ----

    [Theory]
    [InlineData(null, "tokensdk", 1000, "ConnectionString is required")]
    [InlineData("Host=127.0.0.1;Nonsense=1", "tokensdk", 1000, "ConnectionString is malformed")]
    [InlineData("Host=127.0.0.1", "Bad-Schema", 1000, "PostgreSqlTokenStoreOptions.Schema")]
    [InlineData("Host=127.0.0.1", "tokensdk", 10, "PostgreSqlTokenStoreOptions.RefreshInterval")]
    public async Task OpenAsync_InvalidOptions_ThrowsArgumentExceptionNamingTheSetting(string? connectionString, string schema, int refreshMs, string expected)
    {
        var options = new PostgreSqlTokenStoreOptions { ConnectionString = connectionString, Schema = schema, RefreshInterval = TimeSpan.FromMilliseconds(refreshMs) };

        ArgumentException exception = await Assert.ThrowsAsync<ArgumentException>(() => PostgreSqlTokenStore.OpenAsync(options, cancellationToken: Ct));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_UnknownDatabase_ThrowsNamingItWithoutThePassword()
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "no_such_database_here", Password = "s3cr3t-Pa55word" };

        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => PostgreSqlTokenStore.OpenAsync(
            new PostgreSqlTokenStoreOptions { ConnectionString = builder.ConnectionString }, cancellationToken: Ct));

        Assert.Contains("no_such_database_here", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Check the Database of the connection string", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55word", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_NothingListensOnThePort_ThrowsClearlyWithoutThePassword()
    {
        var options = new PostgreSqlTokenStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={FreePort()};Username=app;Password=s3cr3t-Pa55word;Timeout=3" };

        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => PostgreSqlTokenStore.OpenAsync(options, cancellationToken: Ct));

        Assert.StartsWith("Cannot open the PostgreSQL token store (host=127.0.0.1", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55word", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55word", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAddAsync_TextWithNul_ThrowsArgumentExceptionAndWritesNothing()
    {
        PostgreSqlTokenStore store = await OpenAsync(Nodes.NewSchema());
        IssuedToken token = _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        var withNul = new StoredToken(token.Record.ClientId, "acme", DefaultRoles.ReadOnlyUser.Id, token.Record.Verifier, token.Record.CreatedAt) { Description = "a\0b" };

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryAddAsync(withNul, Ct));

        Assert.Equal(0, store.LastSequence);
        Assert.True(await store.TryAddAsync(token.Record, Ct));
    }

    [Fact]
    public async Task OpenAsync_RoleWithOnlyTheDocumentedPrivileges_AddsDeletesRecordsUsageAndFollowsTheFeed()
    {
        // Arrange: the schema migrated by the superuser; the service runs as a role with exactly the grants docs/storage.md lists.
        string schema = Nodes.NewSchema();
        string asApp = await Nodes.LeastPrivilegeLoginAsync(database.ConnectionString, schema);
        PostgreSqlTokenStore a = await Nodes.OpenAsync(asApp, schema, createSchema: false);
        PostgreSqlTokenStore b = await Nodes.OpenAsync(asApp, schema, createSchema: false);
        _nodes.Add(a);
        _nodes.Add(b);
        IssuedToken token = NewToken();

        // Act
        bool added = await a.TryAddAsync(token.Record, Ct);
        bool expiry = await a.SetExpiryAsync(token.Record.ClientId, DateTimeOffset.UtcNow.AddDays(1), Ct);
        var usedAt = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        await a.RecordUsageAsync([new TokenUsage(token.Record.ClientId, usedAt)], Ct);
        await b.RecordUsageAsync([new TokenUsage(token.Record.ClientId, usedAt.AddMinutes(1))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> lastUsed = await b.GetLastUsedAsync([token.Record.ClientId], Ct);
        bool deleted = await a.DeleteAsync(token.Record.ClientId, Ct);

        // Assert
        Assert.True(added && expiry && deleted);
        Assert.Equal(usedAt.AddMinutes(1), lastUsed[token.Record.ClientId]);
        Assert.Empty(await a.GetLastUsedAsync([token.Record.ClientId], Ct));
        await a.RefreshAsync(Ct);
        Assert.True(await Nodes.EventuallyAsync(() => b.LastSequence == a.LastSequence));
        Assert.True((await b.CheckHealthAsync(Ct)).CanWrite);
    }

    [Fact]
    public async Task OpenAsync_RoleWithoutPrivileges_ThrowsNamingWhatToGrant()
    {
        string schema = Nodes.NewSchema();
        string role = "none_" + schema;
        await using NpgsqlDataSource admin = NpgsqlDataSource.Create(database.ConnectionString);
        await PostgreSqlSchema.MigrateAsync(admin, schema, Ct);
        await Sql.ExecuteAsync(database.ConnectionString, $"CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA {schema} TO {role}; GRANT SELECT ON {schema}.schema_version TO {role};");
        string asRole = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role }.ConnectionString;

        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => Nodes.OpenAsync(asRole, schema, createSchema: false));

        Assert.Contains("permission denied", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Grant the service's role the privileges listed in docs/storage.md", exception.Message, StringComparison.Ordinal);
    }

    // ---- Dependency injection ----

    [Fact]
    public async Task AddPostgreSqlStore_ConnectionString_ResolvesAStoreThatVerifies()
    {
        string schema = Nodes.NewSchema();
        var services = new ServiceCollection();
        services.AddTokenSdk().AddPostgreSqlStore(o =>
        {
            o.ConnectionString = database.ConnectionString;
            o.Schema = schema;
            o.CreateSchemaAtStart = true;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<Management.ITokenManager>();
        var admin = new Management.TokenCaller("alice", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);

        GeneratedToken details = (await manager.GenerateAsync(admin, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();
        TokenVerificationResult result = await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(details.Token, Ct);

        Assert.IsType<PostgreSqlTokenStore>(provider.GetRequiredService<ITokenStore>());
        Assert.True(result.IsValid);
        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.tokens"));
    }

    [Fact]
    public async Task AddPostgreSqlStore_HostDataSource_UsesItAndLeavesItOpen()
    {
        string schema = Nodes.NewSchema();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await PostgreSqlSchema.MigrateAsync(dataSource, schema, Ct);
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddTokenSdk().AddPostgreSqlStore(sp => sp.GetRequiredService<NpgsqlDataSource>(), o => o.Schema = schema);
        ServiceProvider provider = services.BuildServiceProvider();

        PostgreSqlTokenStore store = provider.GetRequiredService<PostgreSqlTokenStore>();
        Assert.True(await store.TryAddAsync(NewToken().Record, Ct));
        await provider.DisposeAsync();

        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.tokens"));
        await using NpgsqlConnection stillOpen = await dataSource.OpenConnectionAsync(Ct);
    }

    [Fact]
    public void AddPostgreSqlStore_NoConnectionString_FailsValidationNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddPostgreSqlStore(o => o.Schema = "tokensdk");
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgreSqlTokenStoreOptions>>().Value);

        Assert.Contains("PostgreSqlTokenStoreOptions.ConnectionString is required", exception.Message, StringComparison.Ordinal);
    }

    private IssuedToken NewToken() =>
        _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "acme", Description = "a \"description\", ünïcode", CreatedBy = "test" });

    private async Task<PostgreSqlTokenStore> OpenAsync(string schema, bool createSchema = true, Action<PostgreSqlTokenStoreOptions>? configure = null)
    {
        PostgreSqlTokenStore node = await Nodes.OpenAsync(database.ConnectionString, schema, createSchema, configure);
        _nodes.Add(node);
        return node;
    }

    private async Task<string> DumpSchemaAsync(string schema)
    {
        var text = new StringBuilder();
        foreach (string table in new[] { "tokens", "changes", "schema_version", "roles" })
        {
            await using NpgsqlConnection connection = new(database.ConnectionString);
            await connection.OpenAsync(Ct);
            await using NpgsqlCommand command = new($"SELECT row_to_json(x)::text FROM {schema}.{table} x", connection);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }

    /// <summary>Starts every racer at once (an async gate, no blocked threads) and returns their results.</summary>
    private static async Task<bool[]> RaceAsync(params Func<Task<bool>>[] racers)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool>[] running = [.. racers.Select(racer => Task.Run(async () =>
        {
            await gate.Task;
            return await racer();
        }))];
        gate.SetResult();
        return await Task.WhenAll(running);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
