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
