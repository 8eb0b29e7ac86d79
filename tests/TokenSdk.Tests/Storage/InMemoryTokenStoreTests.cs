using System.Security.Cryptography;
using System.Text;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Testing;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Storage;

public class InMemoryTokenStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StoredToken NewRecord(string? organizationId = null) =>
        new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = organizationId }).Record;

    [Fact]
    public async Task TryAddAsync_ThenFind_ReturnsTheRecord()
    {
        var store = new InMemoryTokenStore();
        StoredToken record = NewRecord();

        bool added = await store.TryAddAsync(record, Ct);

        Assert.True(added);
        Assert.Same(record, await store.FindAsync(record.ClientId, Ct));
        Assert.True(store.TryFind(record.ClientId.AsSpan(), out StoredToken? found));
        Assert.Same(record, found);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task TryAddAsync_DuplicateClientId_ReturnsFalseAndKeepsTheFirst()
    {
        var store = new InMemoryTokenStore();
        StoredToken first = NewRecord();
        var duplicate = new StoredToken(first.ClientId, "other", DefaultRoles.OrganizationAdministrator.Id, NewRecord().Verifier, DateTimeOffset.UnixEpoch);

        await store.TryAddAsync(first, Ct);
        bool added = await store.TryAddAsync(duplicate, Ct);

        Assert.False(added);
        Assert.Same(first, await store.FindAsync(first.ClientId, Ct));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task DeleteAsync_RemovesAndNeverResurrects()
    {
        var store = new InMemoryTokenStore();
        StoredToken record = NewRecord();
        await store.TryAddAsync(record, Ct);

        bool deleted = await store.DeleteAsync(record.ClientId, Ct);
        bool deletedAgain = await store.DeleteAsync(record.ClientId, Ct);
        bool readded = await store.TryAddAsync(record, Ct);

        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.False(readded);
        Assert.Null(await store.FindAsync(record.ClientId, Ct));
        Assert.False(store.TryFind(record.ClientId.AsSpan(), out _));
        Assert.Equal(0, store.Count);
        Assert.Empty(await store.ListAsync(new TokenListQuery(), Ct));
    }

    [Fact]
    public async Task DeleteAsync_UnknownClientId_ReturnsFalse()
    {
        var store = new InMemoryTokenStore();

        Assert.False(await store.DeleteAsync("ABCDEFGHIJKLMNOPQRSTUVWX", Ct));
    }

    [Fact]
    public async Task ListAsync_PagesInClientIdOrder()
    {
        var store = new InMemoryTokenStore();
        List<StoredToken> records = Enumerable.Range(0, 25).Select(_ => NewRecord()).ToList();
        foreach (StoredToken record in records)
        {
            await store.TryAddAsync(record, Ct);
        }

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            IReadOnlyList<StoredToken> page = await store.ListAsync(new TokenListQuery { Limit = 10, AfterClientId = after }, Ct);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 10);
            seen.AddRange(page.Select(t => t.ClientId));
            after = page[^1].ClientId;
        }

        Assert.Equal(records.Select(r => r.ClientId).Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ListAsync_FiltersByOrganization()
    {
        var store = new InMemoryTokenStore();
        StoredToken acme = NewRecord("acme");
        StoredToken other = NewRecord("other");
        await store.TryAddAsync(acme, Ct);
        await store.TryAddAsync(other, Ct);

        IReadOnlyList<StoredToken> page = await store.ListAsync(new TokenListQuery { OrganizationId = "acme" }, Ct);

        Assert.Equal([acme.ClientId], page.Select(t => t.ClientId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(TokenListQuery.MaxLimit + 1)]
    public void TokenListQuery_LimitOutOfRange_Throws(int limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenListQuery { Limit = limit });
    }

    [Fact]
    public async Task Operations_Cancelled_Throw()
    {
        var store = new InMemoryTokenStore();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryAddAsync(NewRecord(), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.DeleteAsync("ABCDEFGHIJKLMNOPQRSTUVWX", cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListAsync(new TokenListQuery(), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.FindAsync("ABCDEFGHIJKLMNOPQRSTUVWX", cts.Token));
    }

    [Fact]
    public async Task DeleteAsync_Concurrent_ExactlyOneSucceeds()
    {
        var store = new InMemoryTokenStore();
        for (int round = 0; round < 50; round++)
        {
            StoredToken record = NewRecord();
            await store.TryAddAsync(record, Ct);

            bool[] outcomes = await Racers.RunAsync(8, _ => store.DeleteAsync(record.ClientId, Ct), Ct);

            Assert.Equal(1, outcomes.Count(deleted => deleted));
        }

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task ParallelGenerateVerifyDelete_KeepsTheStoreConsistent()
    {
        var fixture = new TokenFixture();
        var store = (InMemoryTokenStore)fixture.Store;
        var issued = new System.Collections.Concurrent.ConcurrentBag<GeneratedToken>();
        var deleted = new System.Collections.Concurrent.ConcurrentBag<GeneratedToken>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 8), Ct, async (worker, ct) =>
        {
            for (int i = 0; i < 200; i++)
            {
                GeneratedToken token = await fixture.IssueAsync();
                issued.Add(token);
                Assert.True((await fixture.Verifier.VerifyAsync(token.Token, ct)).IsValid);
                if (i % 3 == 0)
                {
                    Assert.True(await fixture.Store.DeleteAsync(token.ClientId, ct));
                    deleted.Add(token);
                    Assert.Equal(VerificationStatus.UnknownClient, (await fixture.Verifier.VerifyAsync(token.Token, ct)).Status);
                }
            }
        });

        var deletedIds = deleted.Select(t => t.ClientId).ToHashSet();
        Assert.Equal(issued.Count - deleted.Count, store.Count);
        foreach (GeneratedToken token in issued)
        {
            TokenVerificationResult result = await fixture.Verifier.VerifyAsync(token.Token, Ct);
            Assert.Equal(!deletedIds.Contains(token.ClientId), result.IsValid);
        }

        int listed = 0;
        string? after = null;
        IReadOnlyList<StoredToken> page;
        while ((page = await store.ListAsync(new TokenListQuery { Limit = 1000, AfterClientId = after }, Ct)).Count > 0)
        {
            listed += page.Count;
            Assert.DoesNotContain(page, t => deletedIds.Contains(t.ClientId));
            after = page[^1].ClientId;
        }

        Assert.Equal(store.Count, listed);
    }

    [Fact]
    public async Task StoredRecord_HoldsNeitherSecretNorTokenHash()
    {
        ITokenStore store = Substitute.For<ITokenStore>();
        StoredToken? captured = null;
        store.TryAddAsync(Arg.Do<StoredToken>(t => captured = t), Arg.Any<CancellationToken>()).Returns(true);
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.DatabaseAdministrator) { Description = "ci" });

        await store.TryAddAsync(issued.Record, Ct);

        Assert.NotNull(captured);
        byte[] tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(issued.Details.Secret));
        string[] forbidden =
        [
            issued.Details.Secret,
            issued.Details.Token,
            Convert.ToHexStringLower(tokenHash),
            Convert.ToBase64String(tokenHash),
            System.Buffers.Text.Base64Url.EncodeToString(tokenHash),
        ];
        var texts = new List<string>
        {
            captured.ToString(),
            captured.Verifier.Encode(),
            captured.Verifier.ToString(),
        };
        texts.AddRange(typeof(StoredToken).GetProperties()
            .Select(p => p.GetValue(captured))
            .OfType<string>());
        foreach (string text in texts)
        {
            foreach (string secret in forbidden)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        byte[] value = new byte[32];
        captured.Verifier.CopyValueTo(value);
        Assert.NotEqual(tokenHash, value);
        Assert.Equal(SHA256.HashData(tokenHash), value);
        Assert.Equal(VerifierAlgorithm.Sha256, captured.Verifier.Algorithm);
    }
}
