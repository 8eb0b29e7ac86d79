using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using TokenSdk.PostgreSql;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// The PostgreSQL database and schema a command works on: the connection string from the environment variable
/// <c>TOKENSDK_POSTGRES</c> (never from the command line, where the process list and the shell history would show
/// its password), and a schema from the command line, else <c>TOKENSDK_POSTGRES_SCHEMA</c>, else <c>tokensdk</c>.
/// </summary>
internal sealed class PostgreSqlTarget
{
    /// <summary>The environment variable holding the Npgsql connection string.</summary>
    public const string ConnectionVariable = "TOKENSDK_POSTGRES";

    /// <summary>The environment variable naming the schema when the command line does not.</summary>
    public const string SchemaVariable = "TOKENSDK_POSTGRES_SCHEMA";

    private PostgreSqlTarget(string connectionString, string schema)
    {
        ConnectionString = connectionString;
        Schema = schema;
    }

    /// <summary>Gets the connection string. Never print it: it may hold a password.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the schema name.</summary>
    public string Schema { get; }

    /// <summary>
    /// Reads the target from the environment, and tells <see cref="CliEnvironment.Errors"/> that the database's host,
    /// name and user and the schema are not secrets (they name the store in its messages).
    /// </summary>
    /// <param name="schema">The schema the command line names (<c>postgres:SCHEMA</c>, <c>--schema</c>); empty or <see langword="null"/> for the default.</param>
    /// <param name="environment">The environment.</param>
    /// <exception cref="CliException"><c>TOKENSDK_POSTGRES</c> is not set, or the schema looks like a connection string (exit code 2).</exception>
    public static PostgreSqlTarget Resolve(string? schema, CliEnvironment environment)
    {
        string? connectionString = environment.GetVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CliException(ExitCodes.Usage,
                $"The PostgreSQL store needs a connection string in the environment variable {ConnectionVariable}, which is not set " +
                "(it is never read from the command line, where other users could see its password).");
        }

        string name = !string.IsNullOrWhiteSpace(schema) ? schema
            : environment.GetVariable(SchemaVariable) is { Length: > 0 } variable ? variable
            : PostgreSqlTokenStoreOptions.DefaultSchema;
        if (name.Contains('=', StringComparison.Ordinal) || name.Contains(';', StringComparison.Ordinal))
        {
            // Not repeated: it may hold a password, which is now in the shell history.
            throw new CliException(ExitCodes.Usage,
                $"The schema given looks like a connection string. Put the connection string in {ConnectionVariable}, never on the command line " +
                "(other users see arguments in the process list; change the password if it was in one). 'postgres:SCHEMA' and --schema take a schema name only.");
        }

        var target = new PostgreSqlTarget(connectionString, name);
        target.RevealNames(environment);
        return target;
    }

    /// <summary>Sets the store's options.</summary>
    /// <param name="options">The options.</param>
    public void Configure(PostgreSqlTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConnectionString = ConnectionString;
        options.Schema = Schema;
    }

    /// <summary>Checks the connection string and schema by the library's own rules, before anything connects.</summary>
    /// <exception cref="CliException">They are invalid (exit code 2); the message names what to fix, never the password.</exception>
    public void ThrowIfInvalid()
    {
        var services = new ServiceCollection();
        services.AddTokenSdk().AddPostgreSqlStore(Configure);
        using ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<PostgreSqlTokenStoreOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new CliException(ExitCodes.Usage, $"The PostgreSQL store given by {ConnectionVariable} and the schema '{Schema}' cannot be used: {ex.Message}");
        }
    }

    /// <summary>Creates a data source on the database (the caller disposes it).</summary>
    /// <remarks>Call <see cref="ThrowIfInvalid"/> first.</remarks>
    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    private void RevealNames(CliEnvironment environment)
    {
        environment.Errors.Reveal(Schema);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            environment.Errors.Reveal(builder.Host);
            environment.Errors.Reveal(builder.Database);
            environment.Errors.Reveal(builder.Username);
        }
        catch (ArgumentException)
        {
            // Malformed: ThrowIfInvalid says so.
        }
    }
}
