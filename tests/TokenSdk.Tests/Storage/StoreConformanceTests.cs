using TokenSdk.Storage;
using TokenSdk.Testing;
using TokenSdk.Tests.TestSupport;

namespace TokenSdk.Tests.Storage;

public sealed class InMemoryTokenStoreConformanceTests : TokenStoreConformanceTests
{
    protected override ValueTask<ITokenStore> CreateStoreAsync() => new(new InMemoryTokenStore());
}

public sealed class InMemoryRoleStoreConformanceTests : RoleStoreConformanceTests
{
    protected override ValueTask<ITokenStore> CreateStoreAsync() => new(new InMemoryTokenStore());
}

public sealed class FileTokenStoreConformanceTests : TokenStoreConformanceTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override ValueTask<ITokenStore> CreateStoreAsync() =>
        new(new FileTokenStore(new FileTokenStoreOptions { Directory = _directory.Combine(Guid.NewGuid().ToString("N")) }));

    public void Dispose() => _directory.Dispose();
}

/// <summary>The file store reopened: what one instance wrote, a fresh instance over the same directory reads.</summary>
public sealed class ReopenedFileTokenStoreConformanceTests : TokenStoreConformanceTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override ValueTask<ITokenStore> CreateStoreAsync() =>
        new(new ReopeningStore(_directory.Combine(Guid.NewGuid().ToString("N"))));

    public void Dispose() => _directory.Dispose();

    /// <summary>Writes through one instance and reads through a second one, refreshed before every read.</summary>
    private sealed class ReopeningStore(string directory) : ITokenStore, IDisposable
    {
        private readonly FileTokenStore _writer = new(new FileTokenStoreOptions { Directory = directory });
        private readonly FileTokenStore _reader = new(new FileTokenStoreOptions { Directory = directory });

        public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default) => _writer.TryAddAsync(token, cancellationToken);

        public async ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(clientId);
            await _reader.RefreshAsync(cancellationToken);
            return await _reader.FindAsync(clientId, cancellationToken);
        }

        public async Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            await _reader.RefreshAsync(cancellationToken);
            return await _reader.ListAsync(query, cancellationToken);
        }

        public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            _reader.SetExpiryAsync(clientId, expiresAt, cancellationToken);

        public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default) =>
            _reader.DeleteAsync(clientId, cancellationToken);

        public void Dispose()
        {
            _writer.Dispose();
            _reader.Dispose();
        }
    }
}

public sealed class InMemoryTokenUsageStoreConformanceTests : TokenUsageStoreConformanceTests
{
    protected override ValueTask<ITokenStore> CreateStoreAsync() => new(new InMemoryTokenStore());
}

public sealed class FileTokenUsageStoreConformanceTests : TokenUsageStoreConformanceTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override ValueTask<ITokenStore> CreateStoreAsync() =>
        new(new FileTokenStore(new FileTokenStoreOptions { Directory = _directory.Combine(Guid.NewGuid().ToString("N")) }));

    public void Dispose() => _directory.Dispose();
}

public sealed class FileRoleStoreConformanceTests : RoleStoreConformanceTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override ValueTask<ITokenStore> CreateStoreAsync() =>
        new(new FileTokenStore(new FileTokenStoreOptions { Directory = _directory.Combine(Guid.NewGuid().ToString("N")) }));

    public void Dispose() => _directory.Dispose();
}

/// <summary>
/// Two file store instances over one directory, as two processes would have: roles are added and updated, and tokens
/// added, through one; tokens and roles are deleted, and every read made, through the other, refreshed before each read.
/// </summary>
public sealed class TwoInstanceFileRoleStoreConformanceTests : RoleStoreConformanceTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override ValueTask<ITokenStore> CreateStoreAsync() =>
        new(new TwoInstances(_directory.Combine(Guid.NewGuid().ToString("N"))));

    public void Dispose() => _directory.Dispose();

    private sealed class TwoInstances(string directory) : ITokenStore, IRoleStore, IDisposable
    {
        private readonly FileTokenStore _writer = new(new FileTokenStoreOptions { Directory = directory });
        private readonly FileTokenStore _reader = new(new FileTokenStoreOptions { Directory = directory });

        // A property cannot await: the refresh is waited for, as a test may.
        public StoredRoleSnapshot Roles
        {
            get
            {
                _reader.RefreshAsync().GetAwaiter().GetResult();
                return _reader.Roles;
            }
        }

        public Task<RoleStoreResult> AddRoleAsync(StoredRole role, CancellationToken cancellationToken = default) => _writer.AddRoleAsync(role, cancellationToken);

        public Task<RoleStoreResult> UpdateRoleAsync(StoredRole role, CancellationToken cancellationToken = default) => _writer.UpdateRoleAsync(role, cancellationToken);

        public Task<RoleStoreResult> DeleteRoleAsync(string organizationId, string roleId, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
            _reader.DeleteRoleAsync(organizationId, roleId, expectedVersion, cancellationToken);

        public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default) => _writer.TryAddAsync(token, cancellationToken);

        public async ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(clientId);
            await _reader.RefreshAsync(cancellationToken);
            return await _reader.FindAsync(clientId, cancellationToken);
        }

        public async Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            await _reader.RefreshAsync(cancellationToken);
            return await _reader.ListAsync(query, cancellationToken);
        }

        public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            _reader.SetExpiryAsync(clientId, expiresAt, cancellationToken);

        public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default) => _reader.DeleteAsync(clientId, cancellationToken);

        public void Dispose()
        {
            _writer.Dispose();
            _reader.Dispose();
        }
    }
}
