using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Tests.Storage;

public class TokenTableTests
{
    private static StoredToken NewRecord() => new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Record;

    [Fact]
    public void TryAdd_ManyTokens_AllFoundThroughResizes()
    {
        var table = new TokenTable();
        StoredToken[] records = Enumerable.Range(0, 5_000).Select(_ => NewRecord()).ToArray();

        foreach (StoredToken record in records)
        {
            Assert.True(table.TryAdd(record));
        }

        Assert.Equal(records.Length, table.Count);
        Assert.All(records, record =>
        {
            Assert.True(table.TryGet(record.ClientId, out StoredToken? found));
            Assert.Same(record, found);
        });
        Assert.Equal(records.Select(r => r.ClientId).Order(StringComparer.Ordinal), table.EnumerateLive().Select(r => r.ClientId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddLiveCountsTo_AddsDeletesTombstonesAndUpdates_CountsLiveTokensPerOrganization()
    {
        var table = new TokenTable(reported: false);
        StoredToken[] acme = [Record("acme"), Record("acme"), Record("acme")];
        StoredToken globex = Record("globex");
        foreach (StoredToken record in acme.Append(globex))
        {
            table.TryAdd(record);
        }

        table.TryDelete(acme[0].ClientId);
        table.TryDelete(acme[0].ClientId);
        table.TryAdd(acme[0]);
        table.TryAddTombstone(Record("initech").ClientId);
        table.TryUpdate(acme[1].ClientId, 0, static (current, _) => current.WithExpiresAt(DateTimeOffset.UnixEpoch.AddYears(60)));
        table.TryDelete(globex.ClientId);
        var totals = new Dictionary<string, long>(StringComparer.Ordinal) { ["acme"] = 10 };
        table.AddLiveCountsTo(totals);

        Assert.Equal(new Dictionary<string, long> { ["acme"] = 12, ["globex"] = 0 }, totals);
        Assert.Equal(2, table.Count);

        static StoredToken Record(string organizationId) =>
            new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = organizationId }).Record;
    }

    [Fact]
    public void TryDelete_ThenTryAddSameId_IsRefusedAndOthersStayFindable()
    {
        var table = new TokenTable();
        StoredToken[] records = Enumerable.Range(0, 200).Select(_ => NewRecord()).ToArray();
        foreach (StoredToken record in records)
        {
            table.TryAdd(record);
        }

        // Delete every other token: the tombstones must not break the probe chains of the rest.
        for (int i = 0; i < records.Length; i += 2)
        {
            Assert.True(table.TryDelete(records[i].ClientId));
        }

        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal(i % 2 == 1, table.TryGet(records[i].ClientId, out _));
        }

        Assert.False(table.TryDelete(records[0].ClientId));
        Assert.False(table.TryAdd(records[0]));
        Assert.Equal(records.Length / 2, table.Count);
        Assert.DoesNotContain(table.EnumerateLive(), r => r.ClientId == records[0].ClientId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(22)]
    public void Hash_IdsDifferingInTwoLetters_SpreadOverSlotsLikeRandomValues(int position)
    {
        // Arrange: 52 x 52 ids alike but for two adjacent letters, at the start, the middle or the end.
        const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        char[] id = Enumerable.Repeat('q', 24).ToArray();
        var slots = new HashSet<int>();
        int count = 0;

        // Act: the slot each would take in a table of 4,096 slots.
        foreach (char first in Letters)
        {
            foreach (char second in Letters)
            {
                id[position] = first;
                id[position + 1] = second;
                slots.Add(TokenTable.Hash(id) & 4095);
                count++;
            }
        }

        // Assert: 2,704 random values over 4,096 slots take about 1,980 distinct slots (4,096 x (1 - e^(-2704/4096)),
        // give or take 20); a weak hash takes far fewer.
        Assert.Equal(2704, count);
        Assert.InRange(slots.Count, 1850, 2704);
    }

    [Fact]
    public void TryAdd_IdsAlikeButForOneLetter_AreAllFound()
    {
        // Arrange
        var table = new TokenTable();
        StoredToken template = NewRecord();
        StoredToken[] records = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .SelectMany(letter => Enumerable.Range(0, 24).Select(position =>
            {
                char[] id = Enumerable.Repeat('m', 24).ToArray();
                id[position] = letter;
                return new string(id);
            }))
            .Distinct(StringComparer.Ordinal)
            .Select(id => new StoredToken(id, template.OrganizationId, template.RoleId, template.Verifier, template.CreatedAt))
            .ToArray();

        // Act
        bool[] added = [.. records.Select(table.TryAdd)];

        // Assert
        Assert.All(added, Assert.True);
        Assert.All(records, record => Assert.True(table.TryGet(record.ClientId, out StoredToken? found) && ReferenceEquals(record, found)));
    }

    [Fact]
    public void TryGet_UnknownOrWrongLengthId_ReturnsFalse()
    {
        var table = new TokenTable();
        table.TryAdd(NewRecord());

        Assert.False(table.TryGet(NewRecord().ClientId, out StoredToken? unknown));
        Assert.Null(unknown);
        Assert.False(table.TryGet("short", out _));
        Assert.False(table.TryGet(string.Empty, out _));
    }

    [Fact]
    public void TryUpdate_LiveToken_ReplacesIt_DeletedOrUnknown_ReturnsFalse()
    {
        var table = new TokenTable();
        StoredToken record = NewRecord();
        table.TryAdd(record);
        DateTimeOffset expiry = DateTimeOffset.UnixEpoch.AddYears(60);

        bool updated = table.TryUpdate(record.ClientId, expiry, static (current, at) => current.WithExpiresAt(at));

        Assert.True(updated);
        Assert.True(table.TryGet(record.ClientId, out StoredToken? found));
        Assert.Equal(expiry, found.ExpiresAt);
        Assert.Equal(1, table.Count);

        table.TryDelete(record.ClientId);
        Assert.False(table.TryUpdate(record.ClientId, expiry, static (current, at) => current.WithExpiresAt(at)));
        Assert.False(table.TryUpdate(NewRecord().ClientId, expiry, static (current, at) => current.WithExpiresAt(at)));
    }

    [Fact]
    [Trait("Category", "Slow")] // Two readers spin on their own threads for the whole churn: both cores for ~2 s.
    public async Task ConcurrentReadersAndWriters_ReadersAlwaysFindStableTokensAndNeverSeeDeletedOnes()
    {
        var table = new TokenTable();
        StoredToken[] stable = Enumerable.Range(0, 100).Select(_ => NewRecord()).ToArray();
        foreach (StoredToken record in stable)
        {
            table.TryAdd(record);
        }

        StoredToken[] churn = Enumerable.Range(0, 20_000).Select(_ => NewRecord()).ToArray();
        using var done = new CancellationTokenSource();
        int misses = 0;
        int resurrections = 0;
        long lookups = 0;
        int deletedCount = 0; // churn[0], churn[3], ... churn[3 * (deletedCount - 1)] are deleted.

        // Writer: adds (forcing many resizes) and deletes while readers look up the stable tokens and the deleted ones.
        // Each on its own thread, the writer starting once both readers have: on a busy machine the thread pool could
        // otherwise start the readers only after the writer is done.
        using var readersStarted = new CountdownEvent(2);
        Task writer = Task.Factory.StartNew(() =>
        {
            readersStarted.Wait(TestContext.Current.CancellationToken);
            for (int i = 0; i < churn.Length; i++)
            {
                table.TryAdd(churn[i]);
                if (i % 3 == 0)
                {
                    table.TryDelete(churn[i].ClientId);
                    Volatile.Write(ref deletedCount, (i / 3) + 1);
                }
            }

            done.Cancel();
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Task[] readers = Enumerable.Range(0, 2).Select(reader => Task.Factory.StartNew(() =>
        {
            var random = new Random(reader);
            readersStarted.Signal();
            while (!done.IsCancellationRequested)
            {
                Interlocked.Increment(ref lookups);
                if (!table.TryGet(stable[random.Next(stable.Length)].ClientId, out _))
                {
                    Interlocked.Increment(ref misses);
                }

                // A token deleted before this lookup started must never be found again.
                int known = Volatile.Read(ref deletedCount);
                if (known > 0 && table.TryGet(churn[random.Next(known) * 3].ClientId, out _))
                {
                    Interlocked.Increment(ref resurrections);
                }
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        await writer;
        await Task.WhenAll(readers);

        Assert.True(Interlocked.Read(ref lookups) > 0, "The readers never ran while the writer did.");
        Assert.Equal(0, misses);
        Assert.Equal(0, resurrections);
        Assert.Equal(stable.Length + churn.Length - ((churn.Length + 2) / 3), table.Count);
    }
}
