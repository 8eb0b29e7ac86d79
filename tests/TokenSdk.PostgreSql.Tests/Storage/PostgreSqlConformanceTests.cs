using TokenSdk.PostgreSql.Tests.TestSupport;
using TokenSdk.Storage;
using TokenSdk.Testing;

namespace TokenSdk.PostgreSql.Tests.Storage;

/// <summary>The conformance suite on one node of a real PostgreSQL.</summary>
public sealed class PostgreSqlConformanceTests(PostgreSqlDatabase database) : TokenStoreConformanceTests, IClassFixture<PostgreSqlDatabase>
{
    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    protected override async ValueTask<ITokenStore> CreateStoreAsync() => await Nodes.OpenAsync(database.ConnectionString, Nodes.NewSchema());
}

/// <summary>
/// The conformance suite across two nodes: every write goes through node A, every read through node B (refreshed
/// first), so what the suite asserts holds across nodes: a client id is added once, deletions are seen, one of several
/// concurrent deletions wins.
/// </summary>
public sealed class TwoNodePostgreSqlConformanceTests(PostgreSqlDatabase database) : TokenStoreConformanceTests, IClassFixture<PostgreSqlDatabase>
{
    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    protected override async ValueTask<ITokenStore> CreateStoreAsync()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await Nodes.OpenAsync(database.ConnectionString, schema);
        PostgreSqlTokenStore b = await Nodes.OpenAsync(database.ConnectionString, schema, createSchema: false);
        return new TwoNodes(a, b);
    }

    private sealed class TwoNodes(PostgreSqlTokenStore writer, PostgreSqlTokenStore reader) : ITokenStore, ITokenLookup, IAsyncDisposable
    {
        public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default) => writer.TryAddAsync(token, cancellationToken);

        public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default) => writer.DeleteAsync(clientId, cancellationToken);

        public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            writer.SetExpiryAsync(clientId, expiresAt, cancellationToken);

        public async ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(clientId);
            await reader.RefreshAsync(cancellationToken);
            return await reader.FindAsync(clientId, cancellationToken);
        }

        public async Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            await reader.RefreshAsync(cancellationToken);
            return await reader.ListAsync(query, cancellationToken);
        }

        public bool TryFind(ReadOnlySpan<char> clientId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StoredToken? token)
        {
            reader.RefreshAsync().GetAwaiter().GetResult();
            return reader.TryFind(clientId, out token);
        }

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync();
            await reader.DisposeAsync();
        }
    }
}

/// <summary>The last-used conformance suite on one node of a real PostgreSQL (times kept to the microsecond).</summary>
public sealed class PostgreSqlUsageConformanceTests(PostgreSqlDatabase database) : TokenUsageStoreConformanceTests, IClassFixture<PostgreSqlDatabase>
{
    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    protected override async ValueTask<ITokenStore> CreateStoreAsync() => await Nodes.OpenAsync(database.ConnectionString, Nodes.NewSchema());
}

/// <summary>The role store conformance suite on one node of a real PostgreSQL (times kept to the microsecond).</summary>
public sealed class PostgreSqlRoleConformanceTests(PostgreSqlDatabase database) : RoleStoreConformanceTests, IClassFixture<PostgreSqlDatabase>
{
    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    protected override async ValueTask<ITokenStore> CreateStoreAsync() => await Nodes.OpenAsync(database.ConnectionString, Nodes.NewSchema());
}

/// <summary>
/// The role store conformance suite across two nodes: roles are added and updated, and tokens added, through node A;
/// tokens and roles are deleted, and every read made, through node B, refreshed first. So the exclusion of a role's
/// deletion and the addition of a token holding it is proven across nodes, each deciding against the database.
/// </summary>
public sealed class TwoNodePostgreSqlRoleConformanceTests(PostgreSqlDatabase database) : RoleStoreConformanceTests, IClassFixture<PostgreSqlDatabase>
{
    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    protected override async ValueTask<ITokenStore> CreateStoreAsync()
    {
        string schema = Nodes.NewSchema();
        PostgreSqlTokenStore a = await Nodes.OpenAsync(database.ConnectionString, schema);
        PostgreSqlTokenStore b = await Nodes.OpenAsync(database.ConnectionString, schema, createSchema: false);
        return new TwoNodes(a, b);
    }

    private sealed class TwoNodes(PostgreSqlTokenStore writer, PostgreSqlTokenStore reader) : ITokenStore, IRoleStore, IAsyncDisposable
    {
        // A property cannot await: the refresh is waited for, as a test may.
        public StoredRoleSnapshot Roles
        {
            get
            {
                reader.RefreshAsync().GetAwaiter().GetResult();
                return reader.Roles;
            }
        }

        public Task<RoleStoreResult> AddRoleAsync(StoredRole role, CancellationToken cancellationToken = default) => writer.AddRoleAsync(role, cancellationToken);

        public Task<RoleStoreResult> UpdateRoleAsync(StoredRole role, CancellationToken cancellationToken = default) => writer.UpdateRoleAsync(role, cancellationToken);

        public Task<RoleStoreResult> DeleteRoleAsync(string organizationId, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
            reader.DeleteRoleAsync(organizationId, roleId, expectedVersion, cancellationToken);

        public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default) => writer.TryAddAsync(token, cancellationToken);

        public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default) => reader.DeleteAsync(clientId, cancellationToken);

        public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            writer.SetExpiryAsync(clientId, expiresAt, cancellationToken);

        public async ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(clientId);
            await reader.RefreshAsync(cancellationToken);
            return await reader.FindAsync(clientId, cancellationToken);
        }

        public async Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            await reader.RefreshAsync(cancellationToken);
            return await reader.ListAsync(query, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync();
            await reader.DisposeAsync();
        }
    }
}
