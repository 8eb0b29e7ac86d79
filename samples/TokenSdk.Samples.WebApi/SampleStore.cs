using TokenSdk.PostgreSql;
using TokenSdk.Storage;

namespace TokenSdk.Samples.WebApi;

/// <summary>
/// The store the sample runs on, chosen by environment variables: the PostgreSQL store when
/// <c>TOKENSDK_POSTGRES</c> holds a connection string (several nodes share it), else the file store in
/// <c>TOKENSDK_STORE</c> or a default directory.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>TOKENSDK_POSTGRES</c>: the Npgsql connection string (an environment variable, so its password is in no
/// command line).</item>
/// <item><c>TOKENSDK_POSTGRES_SCHEMA</c>: the schema (default <c>tokensdk</c>). <c>TOKENSDK_STORE=postgres:SCHEMA</c>,
/// the tool's syntax, names it too; <c>TOKENSDK_STORE=postgres</c> just asks for PostgreSQL.</item>
/// <item><c>TOKENSDK_POSTGRES_CREATE_SCHEMA=1</c>: create or upgrade the schema at start (development); otherwise
/// run <c>tokensdk db migrate</c> first.</item>
/// </list>
/// </remarks>
internal sealed class SampleStore
{
    private const string AppName = "TokenSdk.Samples.WebApi";

    private SampleStore(string? directory, PostgreSqlTokenStoreOptions? postgreSql)
    {
        Directory = directory;
        PostgreSql = postgreSql;
    }

    /// <summary>Gets the file store's directory; <see langword="null"/> for PostgreSQL.</summary>
    public string? Directory { get; }

    /// <summary>Gets the PostgreSQL store's options; <see langword="null"/> for the file store.</summary>
    public PostgreSqlTokenStoreOptions? PostgreSql { get; }

    /// <summary>
    /// Gets where the bootstrap token's details go by default: in the file store's directory, or (PostgreSQL) in
    /// <c>&lt;local app data&gt;/TokenSdk.Samples.WebApi/bootstrap</c> on the node that bootstraps.
    /// </summary>
    public string DefaultBootstrapFile => Path.Combine(Directory ?? Path.Combine(DataDirectory(), AppName, "bootstrap"), "bootstrap-token.json");

    /// <summary>Reads the choice from the environment.</summary>
    /// <param name="getVariable">Reads an environment variable.</param>
    /// <exception cref="InvalidOperationException">The variables contradict each other; the message says how.</exception>
    public static SampleStore FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        string? store = NonEmpty(getVariable("TOKENSDK_STORE"));
        string? connectionString = NonEmpty(getVariable("TOKENSDK_POSTGRES"));
        string? storeSchema = null;
        bool storeIsPostgreSql = store is not null && IsPostgreSql(store, out storeSchema);
        if (connectionString is null)
        {
            return storeIsPostgreSql
                ? throw new InvalidOperationException($"TOKENSDK_STORE is '{store}' but TOKENSDK_POSTGRES, the PostgreSQL connection string, is not set.")
                : new SampleStore(Path.GetFullPath(store ?? Path.Combine(DataDirectory(), AppName, "store")), postgreSql: null);
        }

        if (store is not null && !storeIsPostgreSql)
        {
            throw new InvalidOperationException(
                "TOKENSDK_POSTGRES and TOKENSDK_STORE (a file store directory) are both set: unset one of them to choose the store.");
        }

        var options = new PostgreSqlTokenStoreOptions
        {
            ConnectionString = connectionString,
            CreateSchemaAtStart = getVariable("TOKENSDK_POSTGRES_CREATE_SCHEMA") == "1",
        };
        if ((storeSchema ?? NonEmpty(getVariable("TOKENSDK_POSTGRES_SCHEMA"))) is { } schema)
        {
            options.Schema = schema;
        }

        return new SampleStore(directory: null, options);
    }

    /// <summary>Adds the store to TokenSdk.</summary>
    /// <param name="tokenSdk">The TokenSdk builder.</param>
    public void AddTo(ITokenSdkBuilder tokenSdk)
    {
        ArgumentNullException.ThrowIfNull(tokenSdk);
        if (PostgreSql is { } postgreSql)
        {
            tokenSdk.AddPostgreSqlStore(options =>
            {
                options.ConnectionString = postgreSql.ConnectionString;
                options.Schema = postgreSql.Schema;
                options.CreateSchemaAtStart = postgreSql.CreateSchemaAtStart;
            });
        }
        else
        {
            tokenSdk.AddFileStore(Directory!);
        }
    }

    /// <summary>
    /// Keeps other nodes from bootstrapping while this one does (PostgreSQL), and brings this node's replica up to
    /// date first, so that "the store is empty" means empty on every node. Nothing to do for the file store, which
    /// belongs to one host.
    /// </summary>
    /// <param name="store">The opened store.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock.</param>
    /// <returns>What releases the lock.</returns>
    /// <exception cref="TokenStoreException">The database cannot be reached.</exception>
    public async Task<IAsyncDisposable> LockBootstrapAsync(ITokenStore store, CancellationToken cancellationToken = default)
    {
        if (PostgreSql is null)
        {
            return NoLock.Instance;
        }

        return await PostgreSqlBootstrapLock.AcquireAsync(PostgreSql, (PostgreSqlTokenStore)store, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsPostgreSql(string store, out string? schema)
    {
        schema = null;
        if (store.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (store.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            schema = NonEmpty(store["postgres:".Length..]);
            return true;
        }

        return false;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string DataDirectory()
    {
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return string.IsNullOrEmpty(local) ? Path.Combine(AppContext.BaseDirectory, "data") : local;
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static NoLock Instance { get; } = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
