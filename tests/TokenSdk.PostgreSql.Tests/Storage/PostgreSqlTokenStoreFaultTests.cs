using TokenSdk.Credentials;
using TokenSdk.PostgreSql.Tests.TestSupport;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql.Tests.Storage;

/// <summary>
/// The store with a real server stopped (<c>pg_ctl stop -m immediate</c>) and started again: each test on a private
/// cluster, never the shared one.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PostgreSqlTokenStoreFaultTests
{
    private readonly TokenGenerator _generator = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DatabaseLostWhileRunning_VerifiesFromTheReplicaWritesFailCleanlyThenReconnectsAndCatchesUp()
    {
        // Arrange: two nodes on a private server, two tokens both verify.
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string connectionString = await cluster.CreateDatabaseAsync();
        string schema = Nodes.NewSchema();
        await using PostgreSqlTokenStore a = await Nodes.OpenAsync(connectionString, schema);
        await using PostgreSqlTokenStore b = await Nodes.OpenAsync(connectionString, schema, createSchema: false);
        IssuedToken kept = NewToken();
        IssuedToken revoked = NewToken();
        Assert.True(await a.TryAddAsync(kept.Record, Ct));
        Assert.True(await a.TryAddAsync(revoked.Record, Ct));
        Assert.True(await Nodes.EventuallyAsync(() => b.Has(revoked.Record.ClientId)));
        long sequenceBefore = a.LastSequence;

        // Act 1: the server dies.
        await cluster.StopAsync(immediate: true);
        TokenStoreException write = await Assert.ThrowsAsync<TokenStoreException>(() => a.TryAddAsync(NewToken().Record, Ct));
        TokenStoreHealth whileDown = await b.CheckHealthAsync(Ct);
        bool verifiesWhileDown = b.Has(kept.Record.ClientId);

        // Act 2: it comes back; a deletion through A reaches B, which caught up by itself.
        await cluster.StartAgainAsync();
        bool deleted = await RetryAsync(() => a.DeleteAsync(revoked.Record.ClientId, Ct));
        bool bRejects = await Nodes.EventuallyAsync(() => !b.Has(revoked.Record.ClientId), TimeSpan.FromSeconds(30));
        bool bHealthy = await Nodes.EventuallyAsync(() => b.CheckHealthAsync(Ct).AsTask().GetAwaiter().GetResult().CanWrite, TimeSpan.FromSeconds(30));

        // Assert
        Assert.Contains("could not add a token", write.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", write.Message, StringComparison.Ordinal);
        Assert.Equal(TokenStoreHealthStatus.Degraded, whileDown.Status);
        Assert.NotNull(whileDown.ReplicaAge);
        Assert.True(verifiesWhileDown, "Verification stopped while the database was down (no MaxReplicaAge was set).");
        Assert.True(deleted);
        Assert.True(bRejects, "Node B did not catch up after the server came back.");
        Assert.True(bHealthy);
        Assert.True(b.Has(kept.Record.ClientId));
        // Sequence numbers may jump after a crash (PostgreSQL logs sequences ahead); they only ever grow.
        await a.RefreshAsync(Ct);
        await b.RefreshAsync(Ct);
        Assert.True(a.LastSequence > sequenceBefore);
        Assert.Equal(a.LastSequence, b.LastSequence);
    }

    [Fact]
    public async Task MaxReplicaAgePassed_FailsClosedThenOpensAgainAfterCatchingUp()
    {
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string connectionString = await cluster.CreateDatabaseAsync();
        string schema = Nodes.NewSchema();
        await using PostgreSqlTokenStore node = await Nodes.OpenAsync(connectionString, schema, configure: o =>
        {
            o.RefreshInterval = TimeSpan.FromMilliseconds(100);
            o.MaxReplicaAge = TimeSpan.FromMilliseconds(1500);
        });
        IssuedToken token = NewToken();
        Assert.True(await node.TryAddAsync(token.Record, Ct));

        await cluster.StopAsync(immediate: true);
        bool failedClosed = await Nodes.EventuallyAsync(() => !node.Has(token.Record.ClientId), TimeSpan.FromSeconds(30));
        TokenStoreHealth closed = await node.CheckHealthAsync(Ct);
        await cluster.StartAgainAsync();
        bool reopened = await Nodes.EventuallyAsync(() => node.Has(token.Record.ClientId), TimeSpan.FromSeconds(30));

        Assert.True(failedClosed, "The node kept verifying from a replica older than MaxReplicaAge.");
        Assert.Equal(TokenStoreHealthStatus.Unhealthy, closed.Status);
        Assert.True(closed.ReplicaAge > TimeSpan.FromMilliseconds(1500));
        Assert.True(reopened, "The node did not verify again after catching up.");
    }

    [Fact]
    public async Task OpenAsync_DatabaseUnreachableWithRetry_OpensOnceItComesUp()
    {
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string connectionString = await cluster.CreateDatabaseAsync();
        string schema = Nodes.NewSchema();
        await cluster.StopAsync(immediate: true);

        Task<PostgreSqlTokenStore> opening = Nodes.OpenAsync(connectionString, schema, configure: o => o.StartupRetryTimeout = TimeSpan.FromMinutes(1));
        await Task.Delay(500, Ct);
        bool waited = !opening.IsCompleted;
        await cluster.StartAgainAsync();
        await using PostgreSqlTokenStore store = await opening;

        Assert.True(waited, "The store did not wait for the database.");
        Assert.True(await store.TryAddAsync(NewToken().Record, Ct));
    }

    [Fact]
    public async Task OpenAsync_DatabaseUnreachableWithoutRetry_FailsAtOnceWithAClearMessage()
    {
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string connectionString = await cluster.CreateDatabaseAsync();
        await cluster.StopAsync(immediate: true);

        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => Nodes.OpenAsync(connectionString, Nodes.NewSchema()));

        Assert.StartsWith("Cannot open the PostgreSQL token store (host=127.0.0.1", exception.Message, StringComparison.Ordinal);
    }

    private IssuedToken NewToken() => _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "acme" });

    /// <summary>A write right after the server came back may meet a pooled connection the restart broke: try again a few times.</summary>
    private static async Task<bool> RetryAsync(Func<Task<bool>> write)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (TokenStoreException) when (attempt < 20)
            {
                await Task.Delay(250, Ct);
            }
        }
    }
}
