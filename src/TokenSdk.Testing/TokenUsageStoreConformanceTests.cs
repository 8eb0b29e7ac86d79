using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using Xunit;

namespace TokenSdk.Testing;

/// <summary>
/// The behaviour every <see cref="ITokenUsageStore"/> must show. Inherit it in a test project, implement
/// <see cref="CreateStoreAsync"/> with a store that is both an <see cref="ITokenStore"/> and an
/// <see cref="ITokenUsageStore"/>, and xunit runs every test against your store.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyUsageStoreConformanceTests : TokenUsageStoreConformanceTests
/// {
///     protected override ValueTask&lt;ITokenStore&gt; CreateStoreAsync() => new(new MyStore(...));
/// }
/// </code>
/// </example>
public abstract class TokenUsageStoreConformanceTests : IAsyncDisposable
{
    private static readonly DateTimeOffset s_monday = new(2031, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly List<ITokenStore> _stores = [];
    private readonly TokenGenerator _generator = new();

    /// <summary>
    /// Creates a new, empty store that implements <see cref="ITokenUsageStore"/>. Called once or more per test; stores
    /// are disposed after the test.
    /// </summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ITokenStore> CreateStoreAsync();

    /// <summary>Gets the precision to which the store keeps last-used times: times are compared after truncation to it.</summary>
    /// <value>The default value is one tick: times are kept exactly.</value>
    protected virtual TimeSpan TimePrecision => TimeSpan.FromTicks(1);

    /// <summary>Gets the cancellation token of the running test.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Disposes the stores created for the test.</summary>
    /// <returns>A task that completes when they are disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (ITokenStore store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A token never used has no last-used time; nor has an unknown client id.</summary>
    [Fact]
    public async Task GetLastUsedAsync_NeverUsed_IsAbsent()
    {
        (ITokenStore store, ITokenUsageStore usage) = await StoreAsync();
        StoredToken token = await AddAsync(store);

        IReadOnlyDictionary<string, DateTimeOffset> found = await usage.GetLastUsedAsync([token.ClientId, "ABCDEFGHIJKLMNOPQRSTUVWX", "not a client id"], Ct);

        Assert.Empty(found);
    }

    /// <summary>A recorded time is read back, for the tokens asked for only.</summary>
    [Fact]
    public async Task RecordUsageAsync_ThenGetLastUsedAsync_ReadsTheTimeBack()
    {
        (ITokenStore store, ITokenUsageStore usage) = await StoreAsync();
        StoredToken used = await AddAsync(store);
        StoredToken other = await AddAsync(store);
        StoredToken unused = await AddAsync(store);
        DateTimeOffset at = s_monday.AddTicks(1234567);

        await usage.RecordUsageAsync([new TokenUsage(used.ClientId, at), new TokenUsage(other.ClientId, at.AddMinutes(1))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> found = await usage.GetLastUsedAsync([used.ClientId, unused.ClientId], Ct);

        Assert.Equal(Truncate(at), Assert.Single(found, entry => entry.Key == used.ClientId).Value);
        Assert.DoesNotContain(unused.ClientId, found.Keys);
        Assert.DoesNotContain(other.ClientId, found.Keys);
        Assert.Equal(TimeSpan.Zero, found[used.ClientId].Offset);
    }

    /// <summary>The latest time wins: an earlier time recorded later leaves the stored one unchanged.</summary>
    [Fact]
    public async Task RecordUsageAsync_EarlierTimeAfterALaterOne_KeepsTheLatest()
    {
        (ITokenStore store, ITokenUsageStore usage) = await StoreAsync();
        StoredToken token = await AddAsync(store);

        await usage.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday)], Ct);
        await usage.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday.AddMinutes(5))], Ct);
        await usage.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday.AddMinutes(2))], Ct);

        IReadOnlyDictionary<string, DateTimeOffset> found = await usage.GetLastUsedAsync([token.ClientId], Ct);
        Assert.Equal(Truncate(s_monday.AddMinutes(5)), found[token.ClientId]);
    }

    /// <summary>A time for a client id the store does not hold is ignored, and the rest of the batch is kept.</summary>
    [Fact]
    public async Task RecordUsageAsync_UnknownClientIds_AreIgnored()
    {
        (ITokenStore store, ITokenUsageStore usage) = await StoreAsync();
        StoredToken token = await AddAsync(store);
        const string Unknown = "ABCDEFGHIJKLMNOPQRSTUVWX";

        await usage.RecordUsageAsync(
            [new TokenUsage(Unknown, s_monday), new TokenUsage("not a client id", s_monday), new TokenUsage(token.ClientId, s_monday)],
            Ct);
        IReadOnlyDictionary<string, DateTimeOffset> found = await usage.GetLastUsedAsync([Unknown, "not a client id", token.ClientId], Ct);

        Assert.Equal(token.ClientId, Assert.Single(found).Key);
    }

    /// <summary>A deleted token's time is gone, and a time recorded for it after the deletion is ignored.</summary>
    [Fact]
    public async Task DeleteAsync_UsedToken_ItsTimeIsGoneAndLaterTimesAreIgnored()
    {
        (ITokenStore store, ITokenUsageStore usage) = await StoreAsync();
        StoredToken deleted = await AddAsync(store);
        StoredToken kept = await AddAsync(store);
        await usage.RecordUsageAsync([new TokenUsage(deleted.ClientId, s_monday), new TokenUsage(kept.ClientId, s_monday)], Ct);

        Assert.True(await store.DeleteAsync(deleted.ClientId, Ct));
        IReadOnlyDictionary<string, DateTimeOffset> afterDelete = await usage.GetLastUsedAsync([deleted.ClientId, kept.ClientId], Ct);
        await usage.RecordUsageAsync([new TokenUsage(deleted.ClientId, s_monday.AddHours(1))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> afterLateRecord = await usage.GetLastUsedAsync([deleted.ClientId, kept.ClientId], Ct);

        Assert.Equal(kept.ClientId, Assert.Single(afterDelete).Key);
        Assert.Equal(kept.ClientId, Assert.Single(afterLateRecord).Key);
    }

    /// <summary>A batch of 1,000 tokens is recorded in one call and every time is read back.</summary>
    [Fact]
    public async Task RecordUsageAsync_ThousandTokensInOneBatch_EveryTimeIsReadBack()
    {
        (ITokenStore store, ITokenUsageStore usage) = await StoreAsync();
        StoredToken[] tokens = [.. Enumerable.Range(0, 1000).Select(_ => _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Record)];
        bool[] added = await Task.WhenAll(tokens.Select(t => store.TryAddAsync(t, Ct)));
        Assert.All(added, Assert.True);
        TokenUsage[] usages = [.. tokens.Select((t, i) => new TokenUsage(t.ClientId, s_monday.AddSeconds(i)))];

        await usage.RecordUsageAsync(usages, Ct);
        IReadOnlyDictionary<string, DateTimeOffset> found = await usage.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct);

        Assert.Equal(1000, found.Count);
        Assert.All(usages, u => Assert.Equal(Truncate(u.LastUsedAt), found[u.ClientId]));
    }

    /// <summary>The store rejects null arguments.</summary>
    [Fact]
    public async Task Methods_NullArguments_Throw()
    {
        (_, ITokenUsageStore usage) = await StoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => usage.RecordUsageAsync(null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => usage.GetLastUsedAsync(null!, Ct));
    }

    private async Task<(ITokenStore Store, ITokenUsageStore Usage)> StoreAsync()
    {
        ITokenStore store = await CreateStoreAsync().ConfigureAwait(false);
        _stores.Add(store);
        ITokenUsageStore usage = Assert.IsAssignableFrom<ITokenUsageStore>(store);
        return (store, usage);
    }

    private async Task<StoredToken> AddAsync(ITokenStore store)
    {
        StoredToken record = _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "acme" }).Record;
        Assert.True(await store.TryAddAsync(record, Ct).ConfigureAwait(false));
        return record;
    }

    private DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimePrecision.Ticks), TimeSpan.Zero);
}
