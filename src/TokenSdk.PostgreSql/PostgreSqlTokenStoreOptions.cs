using System.Text.RegularExpressions;
using Npgsql;

namespace TokenSdk.PostgreSql;

/// <summary>Options of the <see cref="PostgreSqlTokenStore"/>.</summary>
/// <remarks>
/// <see cref="ToString"/> and every message TokenSdk writes name the host, port, database and user of the connection,
/// never its password.
/// </remarks>
public sealed partial class PostgreSqlTokenStoreOptions
{
    /// <summary>The default schema name.</summary>
    public const string DefaultSchema = "tokensdk";

    /// <summary>
    /// Gets or sets the Npgsql connection string. Not needed when the store is given an <see cref="NpgsqlDataSource"/>
    /// (see <c>AddPostgreSqlStore(Func&lt;IServiceProvider, NpgsqlDataSource&gt;, ...)</c>).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the schema holding the store's tables: lowercase letters, digits and <c>_</c>, starting with a letter.</summary>
    /// <value>The default value is <c>tokensdk</c>.</value>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// Gets or sets how often the node reads the change feed even without a notification: the backstop for
    /// notifications lost while a connection was down. A deletion made on another node is rejected here within about
    /// 100 ms while notifications flow, and within this interval plus one second when they do not.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets whether the store creates or upgrades its schema when it starts. For development: production runs
    /// <c>tokensdk db migrate</c> or <see cref="PostgreSqlSchema.MigrateAsync"/> with a role allowed to change the
    /// schema, and runs the service with a role that is not.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: a missing or older schema stops the host with a message.</value>
    public bool CreateSchemaAtStart { get; set; }

    /// <summary>
    /// Gets or sets how long the store keeps trying, with back-off, to reach the database when it starts. Zero fails at
    /// once with a clear message.
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan StartupRetryTimeout { get; set; }

    /// <summary>
    /// Gets or sets how old the replica may grow while the database is unreachable before the node fails closed: it then
    /// rejects every token until it has caught up again, and its health is Unhealthy. <see langword="null"/> never fails
    /// closed: verification keeps answering from the replica (health Degraded, with the replica's age).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? MaxReplicaAge { get; set; }

    /// <summary>Gets or sets how long one database command may run.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets whether the node listens for notifications. Off only in measurements of the backstop (a node whose
    /// notifications are lost).
    /// </summary>
    internal bool Listen { get; set; } = true;

    /// <summary>Describes the options without the connection's password.</summary>
    /// <returns>The connection's host, port, database and user, the schema and the intervals.</returns>
    public override string ToString() =>
        $"PostgreSqlTokenStoreOptions {{ Connection = {Describe(ConnectionString)}, Schema = {Schema}, RefreshInterval = {RefreshInterval}, " +
        $"CreateSchemaAtStart = {CreateSchemaAtStart}, StartupRetryTimeout = {StartupRetryTimeout}, MaxReplicaAge = {MaxReplicaAge?.ToString() ?? "none"} }}";

    /// <summary>Describes a connection string by host, port, database and user: never its password.</summary>
    internal static string Describe(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "(none)";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"host={builder.Host ?? "(default)"} port={builder.Port} database={builder.Database ?? "(default)"} user={builder.Username ?? "(default)"}";
        }
        catch (ArgumentException)
        {
            return "(malformed connection string)";
        }
    }

    /// <summary>The problems of these options, each naming its setting; empty when they are valid.</summary>
    /// <param name="hasDataSource">Whether the store is given a data source (then no connection string is needed).</param>
    internal IEnumerable<string> Validate(bool hasDataSource)
    {
        if (!hasDataSource)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                yield return "PostgreSqlTokenStoreOptions.ConnectionString is required (or register an NpgsqlDataSource and use the AddPostgreSqlStore overload that takes it).";
            }
            else
            {
                string? error = null;
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    // Npgsql names the keyword it does not know; the value (a password, maybe) is not repeated.
                    error = $"PostgreSqlTokenStoreOptions.ConnectionString is malformed: {ex.Message}";
                }

                if (error is not null)
                {
                    yield return error;
                }
            }
        }

        if (Schema is null || !SchemaName().IsMatch(Schema))
        {
            yield return $"PostgreSqlTokenStoreOptions.Schema must be 1 to 40 lowercase letters, digits or '_', starting with a letter (it is '{Schema}').";
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(50) || RefreshInterval > TimeSpan.FromMinutes(10))
        {
            yield return $"PostgreSqlTokenStoreOptions.RefreshInterval must lie between 50 milliseconds and 10 minutes (it is {RefreshInterval}).";
        }

        if (StartupRetryTimeout < TimeSpan.Zero || StartupRetryTimeout > TimeSpan.FromHours(1))
        {
            yield return $"PostgreSqlTokenStoreOptions.StartupRetryTimeout must lie between zero and 1 hour (it is {StartupRetryTimeout}).";
        }

        if (MaxReplicaAge is { } age && (age < RefreshInterval + TimeSpan.FromSeconds(1) || age > TimeSpan.FromDays(7)))
        {
            yield return $"PostgreSqlTokenStoreOptions.MaxReplicaAge must lie between RefreshInterval + 1 second and 7 days, or be null (it is {age}).";
        }

        if (CommandTimeout < TimeSpan.FromSeconds(1) || CommandTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"PostgreSqlTokenStoreOptions.CommandTimeout must lie between 1 second and 10 minutes (it is {CommandTimeout}).";
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
