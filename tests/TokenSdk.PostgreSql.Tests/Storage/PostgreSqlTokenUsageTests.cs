using Npgsql;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.PostgreSql.Tests.TestSupport;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Usage;
using TokenSdk.Verification;

namespace TokenSdk.PostgreSql.Tests.Storage;

/// <summary>
/// Last-used times in PostgreSQL (<see cref="ITokenUsageStore"/>, schema version 3): kept per token with the later
/// time winning, shared by every node, written apart from the token rows and the change feed, gone with the token.
/// </summary>
public sealed class PostgreSqlTokenUsageTests(PostgreSqlDatabase database) : IClassFixture<PostgreSqlDatabase>, IAsyncDisposable
{
    private static readonly DateTimeOffset s_noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

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

    [Fact]
    public async Task RecordUsageAsync_ThenGetLastUsedAsync_ReturnsEachTimeToTheMicrosecondAndNothingForANeverUsedToken()
    {
        PostgreSqlTokenStore store = await OpenAsync(Nodes.NewSchema());
        string used = await AddAsync(store);
        string neverUsed = await AddAsync(store);
        DateTimeOffset precise = s_noon + TimeSpan.FromTicks(1_234_567);   // 123,456.7 µs: the last tick is not kept

        await store.RecordUsageAsync([new TokenUsage(used, precise.ToOffset(TimeSpan.FromHours(2)))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> lastUsed = await store.GetLastUsedAsync([used, neverUsed], Ct);

        Assert.Equal(new[] { used }, lastUsed.Keys);
        Assert.Equal(s_noon + TimeSpan.FromTicks(1_234_560), lastUsed[used]);
        Assert.Equal(TimeSpan.Zero, lastUsed[used].Offset);
    }

    [Fact]
    public async Task RecordUsageAsync_EarlierTimeLaterOrInTheSameBatch_KeepsTheLatest()
    {
        PostgreSqlTokenStore store = await OpenAsync(Nodes.NewSchema());
        string first = await AddAsync(store);
        string second = await AddAsync(store);

        await store.RecordUsageAsync([new TokenUsage(first, s_noon.AddMinutes(5)), new TokenUsage(second, s_noon)], Ct);
        await store.RecordUsageAsync([new TokenUsage(first, s_noon.AddMinutes(1)), new TokenUsage(second, s_noon.AddMinutes(2))], Ct);
        await store.RecordUsageAsync([new TokenUsage(second, s_noon.AddMinutes(9)), new TokenUsage(second, s_noon.AddMinutes(3))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> lastUsed = await store.GetLastUsedAsync([first, second], Ct);

        Assert.Equal(s_noon.AddMinutes(5), lastUsed[first]);
        Assert.Equal(s_noon.AddMinutes(9), lastUsed[second]);
    }

    [Fact]
    public async Task RecordUsageAsync_UnknownDeletedAndMalformedClientIds_AreIgnoredAndTheRestIsWritten()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        string live = await AddAsync(store);
        string deleted = await AddAsync(store);
        Assert.True(await store.DeleteAsync(deleted, Ct));
        string unknown = NewToken().Record.ClientId;

        await store.RecordUsageAsync(
        [
            new TokenUsage(unknown, s_noon), new TokenUsage(deleted, s_noon), new TokenUsage("not a client id\0", s_noon), new TokenUsage(live, s_noon),
        ], Ct);
        await store.RecordUsageAsync([new TokenUsage(unknown, s_noon)], Ct);
        await store.RecordUsageAsync([], Ct);

        Assert.Equal(new[] { live }, (await store.GetLastUsedAsync([unknown, deleted, "not a client id", live], Ct)).Keys);
        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.token_usage"));
        Assert.Empty(await store.GetLastUsedAsync([], Ct));
    }

    [Fact]
    public async Task DeleteAsync_TokenWithALastUsedTime_RemovesTheTimeFromTheDatabase()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore store = await OpenAsync(schema);
        string token = await AddAsync(store);
        string other = await AddAsync(store);
        await store.RecordUsageAsync([new TokenUsage(token, s_noon), new TokenUsage(other, s_noon)], Ct);

        Assert.True(await store.DeleteAsync(token, Ct));

        Assert.Equal(new[] { other }, (await store.GetLastUsedAsync([token, other], Ct)).Keys);
        Assert.Equal(0L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.token_usage WHERE client_id = '{token}'"));
        Assert.Equal(1L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.token_usage"));
    }

    [Fact]
    public async Task RecordUsageAsync_OnNodeA_NodeBReadsItAndNeitherTheFeedNorTheTokenRowMoves()
    {
        // Arrange: two nodes, current with each other's feed.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        string token = await AddAsync(a);
        await a.RefreshAsync(Ct);
        await b.RefreshAsync(Ct);
        (long Position, long Rows) feedBefore = await FeedPositionAsync(schema);
        string? rowVersionBefore = await TokenRowVersionAsync(schema, token);
        await using NpgsqlConnection listener = await ListenAsync(schema);

        // Act
        await a.RecordUsageAsync([new TokenUsage(token, s_noon)], Ct);
        await a.RecordUsageAsync([new TokenUsage(token, s_noon.AddMinutes(1))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> readByB = await b.GetLastUsedAsync([token], Ct);
        bool notified = await listener.WaitAsync(TimeSpan.FromMilliseconds(500), Ct);
        await b.RefreshAsync(Ct);

        // Assert: B reads A's time; no change row, no notification, and the token row was not rewritten.
        Assert.Equal(s_noon.AddMinutes(1), readByB[token]);
        Assert.Equal(feedBefore, await FeedPositionAsync(schema));
        Assert.Equal(feedBefore.Position, b.LastSequence);
        Assert.Equal(a.LastSequence, b.LastSequence);
        Assert.False(notified, "A usage write notified the change-feed channel.");
        Assert.Equal(rowVersionBefore, await TokenRowVersionAsync(schema, token));
    }

    [Fact]
    public async Task RecordUsageAsync_BatchesFromTwoNodesAtOnceForTheSameTokens_KeepsTheLatestOfAll()
    {
        // Arrange: 40 tokens; each node writes 25 batches over all of them, in different orders, with scattered times.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        string[] tokens = new string[40];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = await AddAsync(a);
        }

        TokenUsage[][] batches(int seed) => [.. Enumerable.Range(0, 25).Select(round =>
        {
            var random = new Random(seed * 1000 + round);
            return tokens.Select(t => new TokenUsage(t, s_noon.AddSeconds(random.Next(0, 100_000)))).OrderBy(_ => random.Next()).ToArray();
        })];
        TokenUsage[][] fromA = batches(1);
        TokenUsage[][] fromB = batches(2);
        Dictionary<string, DateTimeOffset> expected = fromA.Concat(fromB).SelectMany(x => x)
            .GroupBy(u => u.ClientId).ToDictionary(g => g.Key, g => g.Max(u => u.LastUsedAt));

        // Act
        await Task.WhenAll(
            Task.Run(async () => { foreach (TokenUsage[] batch in fromA) { await a.RecordUsageAsync(batch, Ct); } }, Ct),
            Task.Run(async () => { foreach (TokenUsage[] batch in fromB) { await b.RecordUsageAsync(batch, Ct); } }, Ct));

        // Assert
        IReadOnlyDictionary<string, DateTimeOffset> stored = await b.GetLastUsedAsync(tokens, Ct);
        Assert.Equal(expected.OrderBy(x => x.Key), stored.OrderBy(x => x.Key));
    }

    [Fact]
    public async Task MigrateAsync_SchemaAtVersion2WithTokens_UpgradesKeepingTheTokensAndUsageWorks()
    {
        // Arrange: a schema as the previous release left it (version 2), with a live and a deleted token.
        string schema = Nodes.NewSchema();
        await Nodes.CreateSchemaAtVersionAsync(database.ConnectionString, schema, 2);
        IssuedToken live = NewToken();
        IssuedToken deleted = NewToken();
        await Sql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO {schema}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes)
            VALUES ('{live.Record.ClientId}', 'acme', '{live.Record.RoleId}', '{live.Record.Verifier.Encode()}', now(), 0),
                   ('{deleted.Record.ClientId}', 'acme', '{deleted.Record.RoleId}', '{deleted.Record.Verifier.Encode()}', now(), 0);
            UPDATE {schema}.tokens SET deleted_at = now() WHERE client_id = '{deleted.Record.ClientId}';
            """);
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(database.ConnectionString);

        // Act
        TokenStoreException older = await Assert.ThrowsAsync<TokenStoreException>(() => OpenAsync(schema, createSchema: false));
        int before = await PostgreSqlSchema.MigrateAsync(source, schema, Ct);
        int after = await PostgreSqlSchema.GetVersionAsync(source, schema, Ct);
        PostgreSqlTokenStore upgraded = await OpenAsync(schema, createSchema: false);
        await upgraded.RecordUsageAsync([new TokenUsage(live.Record.ClientId, s_noon), new TokenUsage(deleted.Record.ClientId, s_noon)], Ct);

        // Assert
        Assert.Contains($"is at version 2; this TokenSdk needs version {PostgreSqlSchema.CurrentVersion}", older.Message, StringComparison.Ordinal);
        Assert.Contains("tokensdk db migrate", older.Message, StringComparison.Ordinal);
        Assert.Equal(2, before);
        Assert.Equal(PostgreSqlSchema.CurrentVersion, after);
        Assert.True(upgraded.Has(live.Record.ClientId));
        Assert.False(upgraded.Has(deleted.Record.ClientId));
        Assert.Equal(2L, await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.tokens"));
        Assert.Equal(new[] { live.Record.ClientId }, (await upgraded.GetLastUsedAsync([live.Record.ClientId, deleted.Record.ClientId], Ct)).Keys);
    }

    [Fact]
    public async Task TokenManager_TokenVerifiedOnNodeA_IsListedWithItsLastUsedTimeOnNodeB()
    {
        // Arrange: node A verifies with a usage tracker; node B's manager lists.
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await OpenAsync(schema);
        PostgreSqlTokenStore b = await OpenAsync(schema, createSchema: false);
        var roles = new RoleCatalog();
        var admin = new TokenCaller("alice", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);
        using var managerA = new TokenManager(a, roles);
        using var managerB = new TokenManager(b, roles);
        await using var tracker = new TokenUsageTracker(a);
        var verifierA = new TokenVerifier(a, roles, usage: tracker);
        GeneratedToken used = (await managerA.GenerateAsync(admin, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();
        GeneratedToken unused = (await managerA.GenerateAsync(admin, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct)).GetValueOrThrow();
        DateTimeOffset started = DateTimeOffset.UtcNow - tracker.Resolution;

        // Act
        Assert.True((await verifierA.VerifyAsync(used.Token, Ct)).IsValid);
        await tracker.FlushAsync(Ct);
        await b.RefreshAsync(Ct);
        TokenInfo usedOnB = (await managerB.GetAsync(admin, used.ClientId, Ct)).GetValueOrThrow();
        TokenInfo unusedOnB = (await managerB.GetAsync(admin, unused.ClientId, Ct)).GetValueOrThrow();

        // Assert
        Assert.NotNull(usedOnB.LastUsedAt);
        Assert.InRange(usedOnB.LastUsedAt.Value, started, DateTimeOffset.UtcNow);
        Assert.Null(unusedOnB.LastUsedAt);
    }

    private IssuedToken NewToken() =>
        _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "acme", CreatedBy = "test" });

    private async Task<string> AddAsync(PostgreSqlTokenStore store)
    {
        IssuedToken token = NewToken();
        Assert.True(await store.TryAddAsync(token.Record, Ct));
        return token.Record.ClientId;
    }

    private async Task<PostgreSqlTokenStore> OpenAsync(string schema, bool createSchema = true)
    {
        PostgreSqlTokenStore node = await Nodes.OpenAsync(database.ConnectionString, schema, createSchema);
        _nodes.Add(node);
        return node;
    }

    /// <summary>The change feed's position as a node loading now would take it, and the number of change rows.</summary>
    private async Task<(long Position, long Rows)> FeedPositionAsync(string schema) => (
        await Sql.QueryAsync<long>(database.ConnectionString, new StoreSql(schema).LastSequence),
        await Sql.QueryAsync<long>(database.ConnectionString, $"SELECT count(*) FROM {schema}.changes"));

    /// <summary>The token row's version (xmin and ctid change whenever the row is rewritten, or locked by an update).</summary>
    private Task<string?> TokenRowVersionAsync(string schema, string clientId) =>
        Sql.QueryAsync<string>(database.ConnectionString, $"SELECT xmin::text || ctid::text FROM {schema}.tokens WHERE client_id = '{clientId}'");

    private async Task<NpgsqlConnection> ListenAsync(string schema)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var listen = new NpgsqlCommand(new StoreSql(schema).Listen, connection);
        await listen.ExecuteNonQueryAsync(Ct);
        return connection;
    }
}
