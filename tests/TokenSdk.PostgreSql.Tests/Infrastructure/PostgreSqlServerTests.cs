using TokenSdk.PostgreSql.Tests.TestSupport;

namespace TokenSdk.PostgreSql.Tests.Infrastructure;

[Trait("Category", "Slow")]
public sealed class PostgreSqlServerTests(PostgreSqlServer server)
{
    [Fact]
    public async Task CreateDatabaseAsync_FreshDatabase_AnswersSelectVersion()
    {
        string connectionString = await server.CreateDatabaseAsync();

        string? version = await Sql.QueryAsync<string>(connectionString, "SELECT version()");

        Assert.StartsWith("PostgreSQL ", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDatabaseAsync_TwoDatabases_DoNotSeeEachOthersTables()
    {
        string first = await server.CreateDatabaseAsync();
        string second = await server.CreateDatabaseAsync();

        await Sql.ExecuteAsync(first, "CREATE TABLE only_in_first (id int)");

        Assert.NotEqual(await Sql.QueryAsync<string>(first, "SELECT current_database()"), await Sql.QueryAsync<string>(second, "SELECT current_database()"));
        Assert.Equal("only_in_first", await Sql.QueryAsync<string>(first, "SELECT to_regclass('only_in_first')::text"));
        Assert.Null(await Sql.QueryAsync<string>(second, "SELECT to_regclass('only_in_first')::text"));
    }

    [Fact]
    public async Task CreateDatabaseAsync_NameGiven_CreatesThatDatabase()
    {
        string name = "tokensdk_named_" + Guid.NewGuid().ToString("N")[..8];

        string connectionString = await server.CreateDatabaseAsync(name);

        Assert.Equal(name, await Sql.QueryAsync<string>(connectionString, "SELECT current_database()"));
    }

    [Fact]
    public async Task CreateDatabaseAsync_NameNeedingQuotes_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => server.CreateDatabaseAsync("tokens\"; DROP DATABASE postgres; --"));
    }
}
