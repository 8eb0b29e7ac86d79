using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

/// <summary>
/// A token manager wired by hand, as a host without DI would: in-memory store, role catalog, generator, verifier,
/// a fake clock, a recording audit sink beside the default logger sink, and every log captured by a FakeLogger.
/// </summary>
internal sealed class ManagementFixture : IDisposable
{
    /// <summary>When every fixture's clock starts.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public ManagementFixture(
        TokenSdkOptions? options = null,
        IEnumerable<Role>? customRoles = null,
        Func<InMemoryTokenStore, ITokenStore>? decorateStore = null,
        IEnumerable<ITokenAuditSink>? extraAuditSinks = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Options = options ?? new TokenSdkOptions();
        Time = new FakeTimeProvider(Start);
        MemoryStore = new InMemoryTokenStore();
        Store = decorateStore?.Invoke(MemoryStore) ?? MemoryStore;
        Roles = new RoleCatalog(customRoles, Options.CustomPermissions, roleStore: MemoryStore);
        Logs = new FakeLogCollector();
        LoggerFactory = new LoggerFactory([new FakeLoggerProvider(Logs)]);
        Audit = new RecordingAuditSink();
        Generator = new TokenGenerator(Options, Time, LoggerFactory.CreateLogger<TokenGenerator>(), meterFactory);
        Manager = new TokenManager(
            Store,
            Roles,
            Generator,
            Options,
            auditSinks: [Audit, new LoggerTokenAuditSink(LoggerFactory), .. extraAuditSinks ?? []],
            timeProvider: Time,
            loggerFactory: LoggerFactory,
            meterFactory: meterFactory);
        Verifier = new TokenVerifier(MemoryStore, Roles, Options, Time, LoggerFactory.CreateLogger<TokenVerifier>(), meterFactory: meterFactory);
        RoleManager = new RoleManager(
            MemoryStore,
            Roles,
            Options,
            auditSinks: [Audit, new LoggerTokenAuditSink(LoggerFactory), .. extraAuditSinks ?? []],
            timeProvider: Time,
            loggerFactory: LoggerFactory);
    }

    public TokenSdkOptions Options { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The store underneath any decorator: what is really there.</summary>
    public InMemoryTokenStore MemoryStore { get; }

    /// <summary>The store the manager uses (<see cref="MemoryStore"/>, or a decorator around it).</summary>
    public ITokenStore Store { get; }

    public RoleCatalog Roles { get; }

    public FakeLogCollector Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public RecordingAuditSink Audit { get; }

    public TokenGenerator Generator { get; }

    public TokenManager Manager { get; }

    public TokenVerifier Verifier { get; }

    /// <summary>The role manager over the same store and catalog.</summary>
    public RoleManager RoleManager { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// An Organization Administrator token of <paramref name="organizationId"/> calling through an API: the lock-out
    /// guard applies to it.
    /// </summary>
    public static TokenCaller Admin(string organizationId = "acme", string id = "alice") =>
        new(id, organizationId, [DefaultRoles.OrganizationAdministrator]) { ClientId = id + "-token" };

    /// <summary>A person (not a token) holding Organization Administrator in acme: the lock-out guard does not apply.</summary>
    public static TokenCaller Person(string id = "paula") => new(id, "acme", [DefaultRoles.OrganizationAdministrator]);

    /// <summary>A token holding only <paramref name="roles"/>.</summary>
    public static TokenCaller Caller(string id, params Role[] roles) => new(id, "acme", roles) { ClientId = id + "-token" };

    /// <summary>Generates a token that must succeed (by default as <see cref="Admin"/> of acme).</summary>
    public async Task<GeneratedToken> GenerateAsync(Role role, TokenCaller? caller = null, TokenGenerateOptions? options = null)
    {
        ManagementResult<GeneratedToken> result = await Manager.GenerateAsync(caller ?? Admin(), role.Id, options, Ct);
        Assert.True(result.Succeeded, result.ToString());
        return result.Value!;
    }

    /// <summary>Verifies a token string with the fixture's verifier.</summary>
    public async Task<TokenVerificationResult> VerifyAsync(string token) => await Verifier.VerifyAsync(token, Ct);

    /// <summary>Every live record of every organization, one line each: what "nothing changed" is checked against.</summary>
    public async Task<string> SnapshotAsync()
    {
        var lines = new StringBuilder();
        string? after = null;
        while (true)
        {
            IReadOnlyList<StoredToken> page = await MemoryStore.ListAsync(
                new TokenListQuery { AfterClientId = after, Limit = TokenListQuery.MaxLimit }, Ct);
            foreach (StoredToken token in page)
            {
                lines.Append(token.ClientId).Append('|').Append(token.OrganizationId).Append('|').Append(token.RoleId)
                    .Append('|').Append(token.ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }

            if (page.Count < TokenListQuery.MaxLimit)
            {
                return lines.ToString();
            }

            after = page[^1].ClientId;
        }
    }

    /// <summary>Lowercase hex of T = SHA-256(UTF-8(secret)): the hash part of every token format.</summary>
    public static string HexOfT(GeneratedToken token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Secret)));

    public void Dispose()
    {
        Manager.Dispose();
        LoggerFactory.Dispose();
    }
}

/// <summary>An audit sink that keeps every event, in order.</summary>
internal sealed class RecordingAuditSink : ITokenAuditSink
{
    private readonly ConcurrentQueue<TokenAuditEvent> _events = new();

    public IReadOnlyList<TokenAuditEvent> Events => [.. _events];

    public IReadOnlyList<TokenAuditEvent> OfKind(TokenAuditEventKind kind) => [.. _events.Where(e => e.Kind == kind)];

    public ValueTask WriteAsync(TokenAuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        _events.Enqueue(auditEvent);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A store decorator that fails chosen operations on chosen client ids, to show what the manager does when the
/// store fails half-way.
/// </summary>
internal sealed class FailingTokenStore(ITokenStore inner) : ITokenStore
{
    public string? FailDeleteOf { get; set; }

    public string? FailSetExpiryOf { get; set; }

    public Task<bool> TryAddAsync(StoredToken token, CancellationToken cancellationToken = default) =>
        inner.TryAddAsync(token, cancellationToken);

    public ValueTask<StoredToken?> FindAsync(string clientId, CancellationToken cancellationToken = default) =>
        inner.FindAsync(clientId, cancellationToken);

    public Task<IReadOnlyList<StoredToken>> ListAsync(TokenListQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(query, cancellationToken);

    public Task<bool> SetExpiryAsync(string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        clientId == FailSetExpiryOf
            ? throw new IOException("The store is unreachable (simulated).")
            : inner.SetExpiryAsync(clientId, expiresAt, cancellationToken);

    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken = default) =>
        clientId == FailDeleteOf
            ? throw new IOException("The store is unreachable (simulated).")
            : inner.DeleteAsync(clientId, cancellationToken);
}
