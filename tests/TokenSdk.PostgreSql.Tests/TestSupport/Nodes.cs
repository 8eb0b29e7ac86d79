using Npgsql;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>Opens stores ("nodes") on a schema of their own in a test database, and waits for what a node will see.</summary>
internal static class Nodes
{
    /// <summary>A new schema name, unique to the caller.</summary>
    public static string NewSchema() => "t" + Guid.NewGuid().ToString("N")[..20];

    public static Task<PostgreSqlTokenStore> OpenAsync(string connectionString, string schema, bool createSchema = true, Action<PostgreSqlTokenStoreOptions>? configure = null)
    {
        var options = new PostgreSqlTokenStoreOptions
        {
            ConnectionString = connectionString,
            Schema = schema,
            CreateSchemaAtStart = createSchema,
            RefreshInterval = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return PostgreSqlTokenStore.OpenAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Migrates <paramref name="schema"/> as the superuser, then creates a login holding exactly the grants docs/storage.md
    /// lists for the service's role, and returns a connection string for it.
    /// </summary>
    public static async Task<string> LeastPrivilegeLoginAsync(string connectionString, string schema)
    {
        string login = "app_" + schema;
        await using (NpgsqlDataSource admin = NpgsqlDataSource.Create(connectionString))
        {
            await PostgreSqlSchema.MigrateAsync(admin, schema, TestContext.Current.CancellationToken);
        }

        await Sql.ExecuteAsync(connectionString, $"""
            CREATE ROLE {login} LOGIN;
            GRANT USAGE ON SCHEMA {schema} TO {login};
            GRANT SELECT, INSERT, UPDATE ON {schema}.tokens TO {login};
            GRANT SELECT, INSERT ON {schema}.changes TO {login};
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {login};
            GRANT SELECT ON {schema}.schema_version, {schema}.feed_state TO {login};
            GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.token_usage TO {login};
            GRANT SELECT, INSERT, UPDATE ON {schema}.roles TO {login};
            """);
        return new NpgsqlConnectionStringBuilder(connectionString) { Username = login }.ConnectionString;
    }

    /// <summary>Creates <paramref name="schema"/> as a release of schema <paramref name="version"/> left it: migrations 1 to that version.</summary>
    public static Task CreateSchemaAtVersionAsync(string connectionString, string schema, int version)
    {
        var sql = new StoreSql(schema);
        var script = new System.Text.StringBuilder(sql.CreateVersionTable).Append(";\n");
        for (int v = 1; v <= version; v++)
        {
            script.Append(sql.Migration(v)).Append(";\n").Append($"INSERT INTO {schema}.schema_version (version) VALUES ({v});\n");
        }

        return Sql.ExecuteAsync(connectionString, script.ToString());
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking every few milliseconds, for at most
    /// <paramref name="patience"/>: a bound for a test to fail on, not a timing that is measured (the benchmarks measure).
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? patience = null)
    {
        DateTime deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        return true;
    }

    public static bool Has(this ITokenLookup node, string clientId) => node.TryFind(clientId, out _);
}
