namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>
/// A class fixture: a fresh database on the shared <see cref="PostgreSqlServer"/> for one test class, so that its
/// tables are its own. Tests of the class share it; they create what they need under names of their own.
/// </summary>
/// <param name="server">The shared server.</param>
public sealed class PostgreSqlDatabase(PostgreSqlServer server) : IAsyncLifetime
{
    private string? _connectionString;

    /// <summary>Gets the superuser's connection string to the class's database.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database has not been created.");

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // The server drops it when the run ends.
}
