using System.CommandLine;
using Npgsql;
using TokenSdk.Cli.Stores;
using TokenSdk.PostgreSql;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// <c>tokensdk db migrate</c> and <c>tokensdk db status</c>: the schema of the PostgreSQL store on the database of
/// <c>TOKENSDK_POSTGRES</c>.
/// </summary>
internal static class DbCommands
{
    /// <summary>Builds the <c>db</c> command group.</summary>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(CliEnvironment environment)
    {
        var schema = new Option<string?>("--schema")
        {
            Description = $"The schema. Default: the one TOKENSDK_STORE names (postgres:SCHEMA), else the {PostgreSqlTarget.SchemaVariable} " +
                          $"environment variable, else '{PostgreSqlTokenStoreOptions.DefaultSchema}'.",
            HelpName = "NAME",
            Recursive = true,
        };

        var migrate = new Command("migrate",
            $"Create the schema, or bring it to version {PostgreSqlSchema.CurrentVersion}; does nothing when it is current. Safe to run from several " +
            "places at once. Needs a role that may create and alter the schema.");
        CommandRunner.SetAction(migrate, environment, (parse, context, ct) => MigrateAsync(context, parse.GetValue(schema), ct));

        var status = new Command("status",
            $"Print the schema's version and whether this tokensdk can use it: exit code 0 when it is at version {PostgreSqlSchema.CurrentVersion}, " +
            "1 when it is missing, older (run 'tokensdk db migrate') or newer (upgrade tokensdk).");
        CommandRunner.SetAction(status, environment, (parse, context, ct) => StatusAsync(context, parse.GetValue(schema), ct));

        var olderThan = new Option<string>("--older-than")
        {
            Description = "How old a change must be to go: 30d, 12h, 1d12h (at least 1h).",
            HelpName = "DURATION",
            Required = true,
        };
        var prune = new Command("prune",
            "Remove change-feed rows older than --older-than. Nodes that were down for longer reload their replica instead of " +
            "following the feed. Needs a role that may delete from the feed.")
        {
            olderThan,
        };
        CommandRunner.SetAction(prune, environment, (parse, context, ct) => PruneAsync(context, parse.GetValue(schema), parse.GetRequiredValue(olderThan), ct));

        return new Command("db",
            $"The PostgreSQL store's schema, on the database of the {PostgreSqlTarget.ConnectionVariable} environment variable (a connection string, " +
            "never given on the command line).")
        {
            schema,
            migrate,
            status,
            prune,
        };
    }

    private static async Task<int> MigrateAsync(CliContext context, string? schema, CancellationToken cancellationToken)
    {
        PostgreSqlTarget target = Resolve(context, schema);
        await using NpgsqlDataSource dataSource = target.CreateDataSource();
        int before = await PostgreSqlSchema.MigrateAsync(dataSource, target.Schema, cancellationToken).ConfigureAwait(false);
        context.Out.WriteLine(before == PostgreSqlSchema.CurrentVersion
            ? $"Schema '{target.Schema}' is already at version {PostgreSqlSchema.CurrentVersion}."
            : $"Schema '{target.Schema}' migrated from version {before} to {PostgreSqlSchema.CurrentVersion}.");
        return ExitCodes.Success;
    }

    private static async Task<int> PruneAsync(CliContext context, string? schema, string olderThan, CancellationToken cancellationToken)
    {
        if (!DurationParser.TryParse(olderThan, out TimeSpan age) || age < TimeSpan.FromHours(1))
        {
            throw new CliException(ExitCodes.Usage, "--older-than must be a duration of at least 1h, such as 30d or 12h.");
        }

        PostgreSqlTarget target = Resolve(context, schema);
        await using NpgsqlDataSource dataSource = target.CreateDataSource();
        long removed = await PostgreSqlSchema.PruneChangesAsync(dataSource, target.Schema, age, cancellationToken).ConfigureAwait(false);
        context.Out.WriteLine($"Removed {removed} change-feed rows older than {olderThan} from schema '{target.Schema}'.");
        return ExitCodes.Success;
    }

    private static async Task<int> StatusAsync(CliContext context, string? schema, CancellationToken cancellationToken)
    {
        PostgreSqlTarget target = Resolve(context, schema);
        await using NpgsqlDataSource dataSource = target.CreateDataSource();
        int version = await PostgreSqlSchema.GetVersionAsync(dataSource, target.Schema, cancellationToken).ConfigureAwait(false);
        const int current = PostgreSqlSchema.CurrentVersion;
        string name = target.Schema;
        (string line, int exitCode) = version switch
        {
            0 => ($"Schema '{name}' does not exist (version 0); this tokensdk needs version {current}: run 'tokensdk db migrate'.", ExitCodes.Failure),
            < current => ($"Schema '{name}' is at version {version}, older than this tokensdk needs ({current}): run 'tokensdk db migrate'.", ExitCodes.Failure),
            current => ($"Schema '{name}' is at version {version}: current.", ExitCodes.Success),
            _ => ($"Schema '{name}' is at version {version}, newer than this tokensdk knows ({current}): upgrade tokensdk.", ExitCodes.Failure),
        };
        context.Out.WriteLine(line);
        return exitCode;
    }

    // --schema, else the schema of a PostgreSQL store in TOKENSDK_STORE (so 'db migrate' migrates the schema the
    // tokens commands use), else TOKENSDK_POSTGRES_SCHEMA or the default.
    private static PostgreSqlTarget Resolve(CliContext context, string? schema)
    {
        if (string.IsNullOrWhiteSpace(schema) && !string.IsNullOrWhiteSpace(context.Environment.GetVariable(StoreSelection.EnvironmentVariable)))
        {
            StoreSelection store = context.ResolveStore(null);
            if (store.Kind == PostgreSqlStoreKind.Instance)
            {
                schema = store.Location;
            }
        }

        PostgreSqlTarget target = PostgreSqlTarget.Resolve(schema, context.Environment);
        target.ThrowIfInvalid();
        return target;
    }
}
