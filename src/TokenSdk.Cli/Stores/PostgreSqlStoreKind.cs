using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// The PostgreSQL store (<c>PostgreSqlTokenStore</c>), shared by every node of a service: <c>postgres</c> or
/// <c>postgres:SCHEMA</c>, with the connection string in <c>TOKENSDK_POSTGRES</c> (see <see cref="PostgreSqlTarget"/>).
/// A deletion made here is rejected by every connected node within about 100 ms.
/// </summary>
internal sealed class PostgreSqlStoreKind : IStoreKind
{
    /// <summary>Gets the single instance.</summary>
    public static PostgreSqlStoreKind Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "postgres";

    /// <inheritdoc/>
    public bool SelectedByNameAlone => true;

    /// <inheritdoc/>
    /// <remarks>Never creates the schema, even for <c>tokens create</c>: <c>tokensdk db migrate</c> does, with a role allowed to.</remarks>
    public void Check(string location, CliEnvironment environment, bool create) =>
        PostgreSqlTarget.Resolve(location, environment).ThrowIfInvalid();

    /// <inheritdoc/>
    public void Register(ITokenSdkBuilder builder, string location, CliEnvironment environment) =>
        builder.AddPostgreSqlStore(PostgreSqlTarget.Resolve(location, environment).Configure);
}
