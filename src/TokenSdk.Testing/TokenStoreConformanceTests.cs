using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;
using Xunit;

namespace TokenSdk.Testing;

/// <summary>
/// The behaviour every <see cref="ITokenStore"/> must show. Inherit it in a test project, implement
/// <see cref="CreateStoreAsync"/>, and xunit runs every test against your store.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyStoreConformanceTests : TokenStoreConformanceTests
/// {
///     protected override ValueTask&lt;ITokenStore&gt; CreateStoreAsync() => new(new MyStore(...));
/// }
/// </code>
/// </example>
public abstract class TokenStoreConformanceTests : IAsyncDisposable
{
    private readonly List<ITokenStore> _stores = [];
    private readonly TokenGenerator _generator = new();

    /// <summary>Creates a new, empty store. Called once or more per test; stores are disposed after the test.</summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ITokenStore> CreateStoreAsync();

    /// <summary>
    /// Gets the precision to which the store keeps times (creation and expiry): a record's times are compared after
    /// truncation to it. PostgreSQL keeps microseconds, .NET 100-nanosecond ticks.
    /// </summary>
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

    /// <summary>Creates a record as the generator would, for <paramref name="role"/> in <paramref name="organizationId"/>.</summary>
    /// <param name="organizationId">The organization; <see langword="null"/> for the default.</param>
    /// <param name="role">The role; <see langword="null"/> for Read Only User.</param>
    /// <returns>The record and the details.</returns>
    protected IssuedToken NewToken(string? organizationId = null, Role? role = null) =>
        _generator.Generate(new TokenGenerationRequest(role ?? DefaultRoles.ReadOnlyUser)
        {
            OrganizationId = organizationId,
            Description = "conformance \"quoted\", ünïcode 🚀",
            CreatedBy = "conformance-suite",
        });

    // A record of several roles, as the generator makes it; the same description and creator as NewToken's.
    private IssuedToken NewTokenOfRoles(string organizationId, params Role[] roles) =>
        _generator.Generate(new TokenGenerationRequest(roles)
        {
            OrganizationId = organizationId,
            Description = "conformance \"quoted\", ünïcode 🚀",
            CreatedBy = "conformance-suite",
        });

    private DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.Ticks - (time.UtcTicks % TimePrecision.Ticks), time.Offset);

    private async ValueTask<ITokenStore> StoreAsync()
    {
        ITokenStore store = await CreateStoreAsync().ConfigureAwait(false);
        _stores.Add(store);
        return store;
    }

    /// <summary>An added record is found with every field intact.</summary>
    [Fact]
    public async Task TryAddAsync_NewToken_IsFoundWithEveryField()
    {
        ITokenStore store = await StoreAsync();
        StoredToken record = NewToken("acme").Record.WithExpiresAt(new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.True(await store.TryAddAsync(record, Ct));
        StoredToken? found = await store.FindAsync(record.ClientId, Ct);

        Assert.NotNull(found);
        Assert.Equal(record.ClientId, found.ClientId);
        Assert.Equal(record.OrganizationId, found.OrganizationId);
        Assert.Equal(record.RoleId, found.RoleId);
        Assert.Equal(record.Verifier, found.Verifier);
        Assert.Equal(record.Verifier.KeyId, found.Verifier.KeyId);
        Assert.Equal(Truncate(record.CreatedAt), found.CreatedAt);
        Assert.Equal(record.CreatedAt.Offset, found.CreatedAt.Offset);
        Assert.Equal(record.CreatedBy, found.CreatedBy);
        Assert.Equal(record.Description, found.Description);
        Assert.Equal(record.ExpiresAt, found.ExpiresAt);
    }

    /// <summary>A second record with the same client id is refused and the first is kept.</summary>
    [Fact]
    public async Task TryAddAsync_DuplicateClientId_ReturnsFalseAndKeepsTheFirst()
    {
        ITokenStore store = await StoreAsync();
        StoredToken first = NewToken("acme").Record;
        StoredToken other = NewToken("other", DefaultRoles.OrganizationAdministrator).Record;
        var duplicate = new StoredToken(first.ClientId, other.OrganizationId, other.RoleId, other.Verifier, other.CreatedAt);

        Assert.True(await store.TryAddAsync(first, Ct));
        Assert.False(await store.TryAddAsync(duplicate, Ct));

        StoredToken? found = await store.FindAsync(first.ClientId, Ct);
        Assert.Equal("acme", found?.OrganizationId);
        Assert.Equal(first.Verifier, found?.Verifier);
    }

    /// <summary>An unknown client id is not found.</summary>
    [Fact]
    public async Task FindAsync_UnknownClientId_ReturnsNull()
    {
        ITokenStore store = await StoreAsync();

        Assert.Null(await store.FindAsync("ABCDEFGHIJKLMNOPQRSTUVWX", Ct));
        Assert.Null(await store.FindAsync("not a client id", Ct));
    }

    /// <summary>Deleting removes the record; a second delete and an unknown id return false.</summary>
    [Fact]
    public async Task DeleteAsync_LiveToken_RemovesItOnce()
    {
        ITokenStore store = await StoreAsync();
        StoredToken record = NewToken().Record;
        await store.TryAddAsync(record, Ct);

        Assert.True(await store.DeleteAsync(record.ClientId, Ct));
        Assert.False(await store.DeleteAsync(record.ClientId, Ct));
        Assert.False(await store.DeleteAsync("ABCDEFGHIJKLMNOPQRSTUVWX", Ct));
        Assert.Null(await store.FindAsync(record.ClientId, Ct));
    }

    /// <summary>A deleted client id is never accepted again.</summary>
    [Fact]
    public async Task TryAddAsync_DeletedClientId_IsNeverResurrected()
    {
        ITokenStore store = await StoreAsync();
        StoredToken record = NewToken().Record;
        await store.TryAddAsync(record, Ct);
        await store.DeleteAsync(record.ClientId, Ct);

        Assert.False(await store.TryAddAsync(record, Ct));
        Assert.Null(await store.FindAsync(record.ClientId, Ct));
        Assert.Empty(await store.ListAsync(new TokenListQuery(), Ct));
    }

    /// <summary>Listing pages through every live record once, in ordinal client id order, skipping deleted ones.</summary>
    [Fact]
    public async Task ListAsync_PagesInClientIdOrderWithoutDeletedTokens()
    {
        ITokenStore store = await StoreAsync();
        List<StoredToken> records = Enumerable.Range(0, 57).Select(_ => NewToken().Record).ToList();
        foreach (StoredToken record in records)
        {
            await store.TryAddAsync(record, Ct);
        }

        var deleted = records.Where((_, i) => i % 5 == 0).Select(r => r.ClientId).ToHashSet();
        foreach (string clientId in deleted)
        {
            await store.DeleteAsync(clientId, Ct);
        }

        var seen = new List<string>();
        string? after = null;
        IReadOnlyList<StoredToken> page;
        while ((page = await store.ListAsync(new TokenListQuery { Limit = 10, AfterClientId = after }, Ct)).Count > 0)
        {
            Assert.True(page.Count <= 10);
            seen.AddRange(page.Select(t => t.ClientId));
            after = page[^1].ClientId;
        }

        Assert.Equal(records.Select(r => r.ClientId).Where(id => !deleted.Contains(id)).Order(StringComparer.Ordinal), seen);
    }

    /// <summary>Listing by organization returns only that organization's records.</summary>
    [Fact]
    public async Task ListAsync_ByOrganization_ReturnsOnlyThatOrganization()
    {
        ITokenStore store = await StoreAsync();
        StoredToken acme = NewToken("acme").Record;
        StoredToken other = NewToken("other").Record;
        await store.TryAddAsync(acme, Ct);
        await store.TryAddAsync(other, Ct);

        IReadOnlyList<StoredToken> page = await store.ListAsync(new TokenListQuery { OrganizationId = "acme" }, Ct);

        Assert.Equal([acme.ClientId], page.Select(t => t.ClientId));
    }

    /// <summary>
    /// A record of several roles keeps them, in order, through add, find, list and an expiry change: the store persists
    /// the joined form (<see cref="StoredToken.RoleId"/>) and gives back the same list (<see cref="StoredToken.RoleIds"/>).
    /// </summary>
    [Fact]
    public async Task TryAddAsync_TokenOfSeveralRoles_KeepsItsRolesInOrderThroughFindListAndSetExpiry()
    {
        ITokenStore store = await StoreAsync();

        // Not in alphabetical order: a store that sorted or re-split the roles would change it.
        IssuedToken issued = NewTokenOfRoles("acme", DefaultRoles.ReadWriteUser, DefaultRoles.BillingAdministrator, DefaultRoles.ApiReadOnlyUser);
        StoredToken record = issued.Record;
        string[] expectedRoles = [DefaultRoles.ReadWriteUser.Id, DefaultRoles.BillingAdministrator.Id, DefaultRoles.ApiReadOnlyUser.Id];
        string expectedJoined = string.Join(',', expectedRoles);
        Assert.Equal(expectedJoined, record.RoleId);

        Assert.True(await store.TryAddAsync(record, Ct));
        StoredToken? found = await store.FindAsync(record.ClientId, Ct);
        StoredToken listed = Assert.Single(await store.ListAsync(new TokenListQuery { OrganizationId = "acme" }, Ct));

        foreach (StoredToken? read in new[] { found, listed })
        {
            Assert.NotNull(read);
            Assert.Equal(record.ClientId, read.ClientId);
            Assert.Equal(expectedRoles, read.RoleIds);
            Assert.Equal(expectedJoined, read.RoleId);
            Assert.Equal(record.Verifier, read.Verifier);
            Assert.Null(read.ExpiresAt);
        }

        if (store is ITokenLookup lookup)
        {
            Assert.True(lookup.TryFind(record.ClientId.AsSpan(), out StoredToken? looked));
            Assert.Equal(expectedRoles, looked.RoleIds);
        }

        var expiry = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.SetExpiryAsync(record.ClientId, expiry, Ct));
        StoredToken? afterExpiry = await store.FindAsync(record.ClientId, Ct);
        StoredToken listedAfterExpiry = Assert.Single(await store.ListAsync(new TokenListQuery { OrganizationId = "acme" }, Ct));

        foreach (StoredToken? read in new[] { afterExpiry, listedAfterExpiry })
        {
            Assert.NotNull(read);
            Assert.Equal(expiry, read.ExpiresAt);
            Assert.Equal(expectedRoles, read.RoleIds);
            Assert.Equal(expectedJoined, read.RoleId);
            Assert.Equal(record.Verifier, read.Verifier);
        }

        TokenVerificationResult verified = await new TokenVerifier(store, new RoleCatalog()).VerifyAsync(issued.Details.Token, Ct);
        Assert.True(verified.IsValid, verified.ToString());
        Assert.Equal(expectedRoles, verified.Roles.Select(r => r.Id));
    }

    /// <summary>
    /// Records of one organization holding different combinations of roles (one role, the same two in either order,
    /// three) list as themselves, each with its own roles; listing filters by organization only.
    /// </summary>
    [Fact]
    public async Task ListAsync_ByOrganization_TokensOfDifferentRoleCombinations_EachListedWithItsRoles()
    {
        ITokenStore store = await StoreAsync();
        StoredToken[] acme =
        [
            NewTokenOfRoles("acme", DefaultRoles.DatabaseAdministrator).Record,
            NewTokenOfRoles("acme", DefaultRoles.DatabaseAdministrator, DefaultRoles.BillingAdministrator).Record,
            NewTokenOfRoles("acme", DefaultRoles.BillingAdministrator, DefaultRoles.DatabaseAdministrator).Record,
            NewTokenOfRoles("acme", DefaultRoles.BillingAdministrator, DefaultRoles.DatabaseAdministrator).Record,
            NewTokenOfRoles("acme", DefaultRoles.ReadOnlyUser, DefaultRoles.BillingAdministrator, DefaultRoles.UIViewOnly).Record,
        ];
        StoredToken other = NewTokenOfRoles("other", DefaultRoles.DatabaseAdministrator, DefaultRoles.BillingAdministrator).Record;
        foreach (StoredToken record in acme.Append(other))
        {
            Assert.True(await store.TryAddAsync(record, Ct));
        }

        IReadOnlyList<StoredToken> page = await store.ListAsync(new TokenListQuery { OrganizationId = "acme" }, Ct);
        IReadOnlyList<StoredToken> all = await store.ListAsync(new TokenListQuery(), Ct);

        Assert.Equal(acme.Select(r => r.ClientId).Order(StringComparer.Ordinal), page.Select(t => t.ClientId));
        foreach (StoredToken listed in page)
        {
            StoredToken added = acme.Single(r => r.ClientId == listed.ClientId);
            Assert.Equal(added.RoleIds, listed.RoleIds);
            Assert.Equal(added.RoleId, listed.RoleId);
            Assert.Equal("acme", listed.OrganizationId);
        }

        Assert.Equal(6, all.Count);
        Assert.Equal(other.RoleIds, all.Single(t => t.ClientId == other.ClientId).RoleIds);
    }

    /// <summary>An expiry date can be brought forward, never pushed back; unknown and deleted ids return false.</summary>
    [Fact]
    public async Task SetExpiryAsync_BringsExpiryForwardOnly()
    {
        ITokenStore store = await StoreAsync();
        StoredToken record = NewToken().Record;
        await store.TryAddAsync(record, Ct);
        var early = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(await store.SetExpiryAsync(record.ClientId, early, Ct));
        Assert.True(await store.SetExpiryAsync(record.ClientId, early.AddDays(10), Ct));
        Assert.False(await store.SetExpiryAsync("ABCDEFGHIJKLMNOPQRSTUVWX", early, Ct));

        StoredToken? found = await store.FindAsync(record.ClientId, Ct);
        Assert.Equal(early, found?.ExpiresAt);
        Assert.Equal(record.Verifier, found?.Verifier);

        await store.DeleteAsync(record.ClientId, Ct);
        Assert.False(await store.SetExpiryAsync(record.ClientId, early, Ct));
    }

    /// <summary>Concurrent adds all land.</summary>
    [Fact]
    public async Task TryAddAsync_Concurrent_AllLand()
    {
        ITokenStore store = await StoreAsync();
        List<StoredToken> records = Enumerable.Range(0, 200).Select(_ => NewToken().Record).ToList();

        bool[] added = await Task.WhenAll(records.Select(r => Task.Run(() => store.TryAddAsync(r, Ct), Ct)));

        Assert.All(added, Assert.True);
        foreach (StoredToken record in records)
        {
            Assert.NotNull(await store.FindAsync(record.ClientId, Ct));
        }
    }

    /// <summary>Of concurrent deletions of one token exactly one succeeds.</summary>
    [Fact]
    public async Task DeleteAsync_Concurrent_ExactlyOneSucceeds()
    {
        ITokenStore store = await StoreAsync();
        for (int round = 0; round < 20; round++)
        {
            StoredToken record = NewToken().Record;
            await store.TryAddAsync(record, Ct);

            bool[] outcomes = await Racers.RunAsync(6, _ => store.DeleteAsync(record.ClientId, Ct), Ct);

            Assert.Equal(1, outcomes.Count(deleted => deleted));
        }
    }

    /// <summary>A token in the store verifies; once deleted it fails verification at once.</summary>
    [Fact]
    public async Task Deletion_IsVisibleToVerificationAtOnce()
    {
        ITokenStore store = await StoreAsync();
        var verifier = new TokenVerifier(store, new RoleCatalog());
        IssuedToken issued = NewToken();
        await store.TryAddAsync(issued.Record, Ct);

        TokenVerificationResult before = await verifier.VerifyAsync(issued.Details.Token, Ct);
        await store.DeleteAsync(issued.Record.ClientId, Ct);
        TokenVerificationResult after = await verifier.VerifyAsync(issued.Details.Token, Ct);

        Assert.True(before.IsValid);
        Assert.Equal(VerificationStatus.UnknownClient, after.Status);
    }

    /// <summary>A store that implements <see cref="ITokenLookup"/> answers exactly as <see cref="ITokenStore.FindAsync"/>.</summary>
    [Fact]
    public async Task TryFind_WhenImplemented_AgreesWithFindAsync()
    {
        ITokenStore store = await StoreAsync();
        if (store is not ITokenLookup lookup)
        {
            Assert.Null(store as ITokenLookup);
            return;
        }

        StoredToken live = NewToken().Record;
        StoredToken deleted = NewToken().Record;
        await store.TryAddAsync(live, Ct);
        await store.TryAddAsync(deleted, Ct);
        await store.DeleteAsync(deleted.ClientId, Ct);

        Assert.True(lookup.TryFind(live.ClientId.AsSpan(), out StoredToken? found));
        Assert.Equal(live.ClientId, found.ClientId);
        Assert.False(lookup.TryFind(deleted.ClientId.AsSpan(), out _));
        Assert.False(lookup.TryFind("ABCDEFGHIJKLMNOPQRSTUVWX".AsSpan(), out _));
    }

    /// <summary>The store rejects null arguments.</summary>
    [Fact]
    public async Task Methods_NullArguments_Throw()
    {
        ITokenStore store = await StoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TryAddAsync(null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.DeleteAsync(null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ListAsync(null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.FindAsync(null!, Ct));
    }
}
