using System.Net.Sockets;

using Npgsql;

using TokenSdk.PostgreSql.Tests.TestSupport;

namespace TokenSdk.PostgreSql.Tests.Infrastructure;

/// <summary>Each test starts a private cluster: the shared server is never stopped.</summary>
[Trait("Category", "Slow")]
public sealed class PostgreSqlClusterTests
{
    [Fact]
    public async Task StopAsync_ImmediateThenStartAgain_RefusesConnectionsThenAcceptsThemOnTheSamePortWithDataKept()
    {
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string database = await cluster.CreateDatabaseAsync();
        int port = cluster.Port;
        await Sql.ExecuteAsync(database, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");

        await cluster.StopAsync(immediate: true);
        NpgsqlException refused = await Assert.ThrowsAsync<NpgsqlException>(() => Sql.ExecuteAsync(database, "SELECT 1"));
        await cluster.StartAgainAsync();

        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        Assert.Equal(port, cluster.Port);
        Assert.Equal(42, await Sql.QueryAsync<int>(database, "SELECT id FROM kept"));
    }

    [Fact]
    public async Task StartAsync_NewCluster_ListensOnLoopbackOnlyWithTrustForLoopbackOnly()
    {
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();

        string? listen = await Sql.QueryAsync<string>(cluster.ConnectionString, "SHOW listen_addresses");
        long? otherRules = await Sql.QueryAsync<long>(
            cluster.ConnectionString,
            "SELECT count(*) FROM pg_hba_file_rules WHERE type <> 'local' AND address IS DISTINCT FROM '127.0.0.1'");

        Assert.Equal("127.0.0.1", listen);
        Assert.Equal(0, otherRules);
    }

    [Fact]
    public async Task DisposeAsync_RunningCluster_StopsTheServerAndDeletesItsDirectory()
    {
        PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string connectionString = cluster.ConnectionString;

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(cluster.RootDirectory));
        await Assert.ThrowsAsync<NpgsqlException>(() => Sql.ExecuteAsync(connectionString, "SELECT 1"));
    }

    [Fact]
    public async Task RestartAsync_FastShutdown_KeepsCommittedDataOnTheSamePort()
    {
        await using PostgreSqlCluster cluster = await PostgreSqlCluster.StartAsync();
        string database = await cluster.CreateDatabaseAsync();
        int port = cluster.Port;
        await Sql.ExecuteAsync(database, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)");

        await cluster.RestartAsync(immediate: false);

        Assert.True(cluster.IsRunning);
        Assert.Equal(port, cluster.Port);
        Assert.Equal(7, await Sql.QueryAsync<int>(database, "SELECT id FROM kept"));
    }
}
