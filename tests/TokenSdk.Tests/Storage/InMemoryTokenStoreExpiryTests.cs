using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Testing;

namespace TokenSdk.Tests.Storage;

public class InMemoryTokenStoreExpiryTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly InMemoryTokenStore _store = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StoredToken NewRecord(DateTimeOffset? expiresAt = null) =>
        new TokenGenerator(timeProvider: new FakeTimeProvider(s_now)).Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser)
        {
            OrganizationId = "acme",
            Description = "nightly export",
            CreatedBy = "alice@example.com",
            ExpiresAt = expiresAt,
        }).Record;

    private async Task<StoredToken> AddAsync(DateTimeOffset? expiresAt = null)
    {
        StoredToken record = NewRecord(expiresAt);
        Assert.True(await _store.TryAddAsync(record, Ct));
        return record;
    }

    private static void AssertSameExceptExpiry(StoredToken expected, StoredToken actual)
    {
        // Every public property, so a property added to StoredToken later is checked too.
        foreach (PropertyInfo property in typeof(StoredToken).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name != nameof(StoredToken.ExpiresAt))
            {
                Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)), $"{property.Name} changed.");
            }
        }
    }

    [Fact]
    public async Task SetExpiryAsync_LiveTokenWithoutExpiry_SetsTheExpiry()
    {
        StoredToken record = await AddAsync();
        DateTimeOffset expiresAt = s_now.AddDays(3);

        bool updated = await _store.SetExpiryAsync(record.ClientId, expiresAt, Ct);

        Assert.True(updated);
        StoredToken? found = await _store.FindAsync(record.ClientId, Ct);
        Assert.NotNull(found);
        Assert.Equal(expiresAt, found.ExpiresAt);
        Assert.True(_store.TryFind(record.ClientId.AsSpan(), out StoredToken? looked));
        Assert.Equal(expiresAt, looked.ExpiresAt);
        StoredToken listed = Assert.Single(await _store.ListAsync(new TokenListQuery(), Ct));
        Assert.Equal(expiresAt, listed.ExpiresAt);
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task SetExpiryAsync_LiveToken_LeavesEveryOtherValueUnchanged()
    {
        StoredToken record = await AddAsync();

        await _store.SetExpiryAsync(record.ClientId, s_now.AddHours(1), Ct);

        StoredToken? found = await _store.FindAsync(record.ClientId, Ct);
        Assert.NotNull(found);
        AssertSameExceptExpiry(record, found);
        Assert.Equal("nightly export", found.Description);
        Assert.Equal("alice@example.com", found.CreatedBy);
        Assert.Equal(record.Verifier, found.Verifier);
    }

    [Fact]
    public async Task SetExpiryAsync_LaterThanTheExistingExpiry_KeepsTheEarlierOne()
    {
        DateTimeOffset existing = s_now.AddDays(1);
        StoredToken record = await AddAsync(existing);

        bool updated = await _store.SetExpiryAsync(record.ClientId, existing.AddDays(5), Ct);

        Assert.True(updated);
        Assert.Equal(existing, (await _store.FindAsync(record.ClientId, Ct))?.ExpiresAt);
    }

    [Fact]
    public async Task SetExpiryAsync_SameAsTheExistingExpiry_KeepsIt()
    {
        DateTimeOffset existing = s_now.AddDays(1);
        StoredToken record = await AddAsync(existing);

        bool updated = await _store.SetExpiryAsync(record.ClientId, existing, Ct);

        Assert.True(updated);
        Assert.Same(record, await _store.FindAsync(record.ClientId, Ct));
    }

    [Fact]
    public async Task SetExpiryAsync_EarlierThanTheExistingExpiry_BringsItForward()
    {
        DateTimeOffset existing = s_now.AddDays(10);
        StoredToken record = await AddAsync(existing);
        DateTimeOffset earlier = s_now.AddHours(2);

        bool updated = await _store.SetExpiryAsync(record.ClientId, earlier, Ct);

        Assert.True(updated);
        StoredToken? found = await _store.FindAsync(record.ClientId, Ct);
        Assert.NotNull(found);
        Assert.Equal(earlier, found.ExpiresAt);
        AssertSameExceptExpiry(record, found);
    }

    [Fact]
    public async Task SetExpiryAsync_UnknownClientId_ReturnsFalseAndAddsNothing()
    {
        bool updated = await _store.SetExpiryAsync("ABCDEFGHIJKLMNOPQRSTUVWX", s_now.AddDays(1), Ct);

        Assert.False(updated);
        Assert.Null(await _store.FindAsync("ABCDEFGHIJKLMNOPQRSTUVWX", Ct));
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task SetExpiryAsync_DeletedClientId_ReturnsFalseAndStaysDeleted()
    {
        StoredToken record = await AddAsync();
        await _store.DeleteAsync(record.ClientId, Ct);

        bool updated = await _store.SetExpiryAsync(record.ClientId, s_now.AddDays(1), Ct);

        Assert.False(updated);
        Assert.Null(await _store.FindAsync(record.ClientId, Ct));
        Assert.False(await _store.TryAddAsync(record, Ct));
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task SetExpiryAsync_OtherTokens_AreUntouched()
    {
        StoredToken target = await AddAsync();
        StoredToken bystander = await AddAsync();
        StoredToken? before = await _store.FindAsync(bystander.ClientId, Ct);

        await _store.SetExpiryAsync(target.ClientId, s_now.AddDays(1), Ct);

        Assert.NotNull(before);
        Assert.Same(before, await _store.FindAsync(bystander.ClientId, Ct));
        Assert.Null(before.ExpiresAt);
    }

    [Fact]
    public async Task SetExpiryAsync_NullClientId_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("clientId", () => _store.SetExpiryAsync(null!, s_now, Ct));
    }

    [Fact]
    public async Task SetExpiryAsync_CanceledToken_Throws()
    {
        StoredToken record = await AddAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.SetExpiryAsync(record.ClientId, s_now, cancellation.Token));
        Assert.Null((await _store.FindAsync(record.ClientId, Ct))?.ExpiresAt);
    }

    [Fact]
    public async Task SetExpiryAsync_ConcurrentCallsWithDifferentDates_EndWithTheEarliest()
    {
        StoredToken record = await AddAsync();
        DateTimeOffset[] dates = [.. Enumerable.Range(1, 200).Select(i => s_now.AddMinutes(((i * 37) % 200) + 1))];

        bool[] results = await Racers.RunAsync(dates.Length, i => _store.SetExpiryAsync(record.ClientId, dates[i], Ct), Ct);

        Assert.All(results, Assert.True);
        StoredToken? found = await _store.FindAsync(record.ClientId, Ct);
        Assert.NotNull(found);
        Assert.Equal(dates.Min(), found.ExpiresAt);
        Assert.Equal(s_now.AddMinutes(1), found.ExpiresAt);
        AssertSameExceptExpiry(record, found);
    }

    // StoredToken.WithExpiresAt, which SetExpiryAsync relies on

    [Fact]
    public void WithExpiresAt_CopiesEveryOtherValue()
    {
        StoredToken record = NewRecord(s_now.AddDays(1));
        DateTimeOffset expiresAt = s_now.AddHours(5);

        StoredToken copy = record.WithExpiresAt(expiresAt);

        Assert.NotSame(record, copy);
        Assert.Equal(expiresAt, copy.ExpiresAt);
        Assert.Equal(s_now.AddDays(1), record.ExpiresAt);
        AssertSameExceptExpiry(record, copy);
    }

    [Fact]
    public void WithExpiresAt_Null_ClearsTheExpiry()
    {
        StoredToken record = NewRecord(s_now.AddDays(1));

        StoredToken copy = record.WithExpiresAt(null);

        Assert.Null(copy.ExpiresAt);
        AssertSameExceptExpiry(record, copy);
    }
}
