using Npgsql;

using TokenSdk.PostgreSql.Tests.TestSupport;

namespace TokenSdk.PostgreSql.Tests.Infrastructure;

[Trait("Category", "Slow")]
public sealed class PostgreSqlDatabaseTests(PostgreSqlDatabase database) : IClassFixture<PostgreSqlDatabase>
{
    [Fact]
    public async Task ConnectionString_ClassFixture_NamesAFreshDatabaseOfItsOwn()
    {
        string expected = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;

        string? current = await Sql.QueryAsync<string>(database.ConnectionString, "SELECT current_database()");
        long? tables = await Sql.QueryAsync<long>(
            database.ConnectionString, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");

        Assert.Equal(expected, current);
        Assert.NotEqual("postgres", current);
        Assert.Equal(0, tables);
    }
}
