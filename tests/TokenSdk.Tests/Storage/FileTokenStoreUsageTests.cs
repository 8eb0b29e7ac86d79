using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;

namespace TokenSdk.Tests.Storage;

/// <summary>
/// The file store's last-used times (tokens.usage): kept apart from the log, durable across reopen, seen by other
/// instances at their refresh, repaired after a crash or damage without ever failing, compacted.
/// </summary>
public sealed class FileTokenStoreUsageTests : IDisposable
{
    // The documented layout (UsageFile): a 24-byte header, then 40-byte records.
    private const int HeaderLength = 24;
    private const int RecordLength = 40;

    private static readonly DateTimeOffset s_monday = new(2031, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _directory = new();
    private readonly TokenGenerator _generator = new();
    private readonly List<FileTokenStore> _stores = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (FileTokenStore store in _stores)
        {
            store.Dispose();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task RecordUsageAsync_ThenGetLastUsedAsync_ReadsTheTimesBackAndKeepsTheLatest()
    {
        // Arrange
        FileTokenStore store = Open(StoreDirectory());
        StoredToken[] tokens = await AddAsync(store, 2);

        // Act
        await store.RecordUsageAsync([new TokenUsage(tokens[0].ClientId, s_monday.AddMinutes(3)), new TokenUsage(tokens[1].ClientId, s_monday)], Ct);
        await store.RecordUsageAsync([new TokenUsage(tokens[0].ClientId, s_monday.AddMinutes(1)), new TokenUsage(tokens[1].ClientId, s_monday.AddMinutes(2))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> found = await store.GetLastUsedAsync([tokens[0].ClientId, tokens[1].ClientId], Ct);

        // Assert
        Assert.Equal(s_monday.AddMinutes(3), found[tokens[0].ClientId]);
        Assert.Equal(s_monday.AddMinutes(2), found[tokens[1].ClientId]);
    }

    [Fact]
    public async Task RecordUsageAsync_UnknownClientIds_AreIgnoredAndNotWritten()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken token = (await AddAsync(store, 1))[0];
        string unknown = CredentialGenerator.NewClientId();

        // Act
        await store.RecordUsageAsync([new TokenUsage(unknown, s_monday), new TokenUsage(token.ClientId, s_monday)], Ct);

        // Assert: one record only, for the known token.
        Assert.Equal(HeaderLength + RecordLength, new FileInfo(UsagePath(directory)).Length);
        IReadOnlyDictionary<string, DateTimeOffset> found = await store.GetLastUsedAsync([unknown, token.ClientId], Ct);
        Assert.Equal(token.ClientId, Assert.Single(found).Key);
    }

    [Fact]
    public async Task RecordUsageAsync_ManyBatches_NeverGrowsTheTokenLogAndWritesOwnerOnly()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken[] tokens = await AddAsync(store, 10);
        long logLength = new FileInfo(Path.Combine(directory, FileTokenStore.LogFileName)).Length;

        // Act
        for (int minute = 1; minute <= 20; minute++)
        {
            await store.RecordUsageAsync([.. tokens.Select(t => new TokenUsage(t.ClientId, s_monday.AddMinutes(minute)))], Ct);
        }

        // Assert
        Assert.Equal(logLength, new FileInfo(Path.Combine(directory, FileTokenStore.LogFileName)).Length);
        Assert.Equal(HeaderLength + (200 * RecordLength), new FileInfo(UsagePath(directory)).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(UsagePath(directory)));
        }
    }

    [Fact]
    public async Task Reopen_KeepsTheTimes()
    {
        // Arrange
        string directory = StoreDirectory();
        StoredToken[] tokens;
        using (FileTokenStore writer = new(new FileTokenStoreOptions { Directory = directory }))
        {
            tokens = await AddAsync(writer, 3);
            await writer.RecordUsageAsync([new TokenUsage(tokens[0].ClientId, s_monday), new TokenUsage(tokens[1].ClientId, s_monday.AddDays(1))], Ct);
        }

        // Act
        FileTokenStore reopened = Open(directory);
        IReadOnlyDictionary<string, DateTimeOffset> found = await reopened.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct);

        // Assert
        Assert.Equal(2, found.Count);
        Assert.Equal(s_monday, found[tokens[0].ClientId]);
        Assert.Equal(s_monday.AddDays(1), found[tokens[1].ClientId]);
    }

    [Fact]
    public async Task RefreshAsync_SecondInstance_SeesTheFirstInstancesTimes()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory, refreshInterval: TimeSpan.FromMinutes(10));
        StoredToken token = (await AddAsync(first, 1))[0];
        await second.RefreshAsync(Ct);

        // Act
        await first.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday)], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> beforeRefresh = await second.GetLastUsedAsync([token.ClientId], Ct);
        await second.RefreshAsync(Ct);
        IReadOnlyDictionary<string, DateTimeOffset> afterRefresh = await second.GetLastUsedAsync([token.ClientId], Ct);

        // Assert: nothing until the refresh; then the time.
        Assert.Empty(beforeRefresh);
        Assert.Equal(s_monday, afterRefresh[token.ClientId]);
    }

    [Fact]
    public async Task RefreshTimer_SecondInstance_SeesTimesWithinTheIntervalAndAfterTheFirstCompacts()
    {
        // Arrange
        string directory = StoreDirectory();
        TimeSpan interval = TimeSpan.FromMilliseconds(100);
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory, refreshInterval: interval);
        StoredToken token = (await AddAsync(first, 1))[0];

        // Act
        await first.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday)], Ct);
        bool firstSeen = await PollAsync(second, token.ClientId, s_monday);
        await first.CompactUsageAsync(Ct);
        await first.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday.AddMinutes(1))], Ct);
        bool laterSeen = await PollAsync(second, token.ClientId, s_monday.AddMinutes(1));

        // Assert
        Assert.True(firstSeen, "The second instance never saw the time the first one recorded.");
        Assert.True(laterSeen, "The second instance never saw the time recorded after the first one rewrote the file.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(39)]
    [InlineData(4096)]
    public async Task TornTail_IsIgnoredWhenReadAndCutOffByTheNextWrite(int tornLength)
    {
        // Arrange: two records, then what a crash mid-append leaves (a partial record, or zeros).
        string directory = StoreDirectory();
        StoredToken[] tokens;
        using (FileTokenStore writer = new(new FileTokenStoreOptions { Directory = directory }))
        {
            tokens = await AddAsync(writer, 3);
            await writer.RecordUsageAsync([new TokenUsage(tokens[0].ClientId, s_monday), new TokenUsage(tokens[1].ClientId, s_monday)], Ct);
        }

        long complete = new FileInfo(UsagePath(directory)).Length;
        byte[] torn = tornLength < RecordLength ? [.. File.ReadAllBytes(UsagePath(directory)).AsSpan(HeaderLength, tornLength)] : new byte[tornLength];
        using (FileStream file = new(UsagePath(directory), FileMode.Append))
        {
            file.Write(torn);
        }

        var logger = new FakeLogger<FileTokenStore>();

        // Act
        FileTokenStore reopened = Track(new FileTokenStore(new FileTokenStoreOptions { Directory = directory }, logger: logger));
        IReadOnlyDictionary<string, DateTimeOffset> found = await reopened.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct);
        await reopened.RecordUsageAsync([new TokenUsage(tokens[2].ClientId, s_monday.AddHours(1))], Ct);

        // Assert: the times before the tail are read; the tail is cut and the new record follows the last valid one.
        Assert.Equal(2, found.Count);
        Assert.Equal(complete + RecordLength, new FileInfo(UsagePath(directory)).Length);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Name == "FileStoreUsageTornTailCut");
        Assert.Equal(3, reopened.Count);
        FileTokenStore again = Open(directory);
        Assert.Equal(3, (await again.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct)).Count);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("bad record")]
    public async Task DamagedUsageFile_IsMovedAsideWithOneWarningAndTheStoreOpensWithItsTokens(string kind)
    {
        // Arrange
        string directory = StoreDirectory();
        StoredToken[] tokens;
        using (FileTokenStore writer = new(new FileTokenStoreOptions { Directory = directory }))
        {
            tokens = await AddAsync(writer, 3);
            await writer.RecordUsageAsync([.. tokens.Select(t => new TokenUsage(t.ClientId, s_monday))], Ct);
        }

        byte[] damaged = File.ReadAllBytes(UsagePath(directory));
        if (kind == "text")
        {
            damaged = "this is not a usage file, but something else entirely"u8.ToArray();
        }
        else
        {
            // A flipped byte in the first record: an invalid record followed by valid ones is damage, not a torn write.
            damaged[HeaderLength + 10] ^= 0x20;
        }

        File.WriteAllBytes(UsagePath(directory), damaged);
        var logger = new FakeLogger<FileTokenStore>();

        // Act
        FileTokenStore reopened = Track(new FileTokenStore(new FileTokenStoreOptions { Directory = directory }, logger: logger));
        await reopened.RecordUsageAsync([new TokenUsage(tokens[0].ClientId, s_monday.AddHours(1))], Ct);
        IReadOnlyDictionary<string, DateTimeOffset> found = await reopened.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct);

        // Assert
        Assert.Equal(3, reopened.Count);
        Assert.All(tokens, t => Assert.True(reopened.TryFind(t.ClientId, out _)));
        FakeLogRecord warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "FileStoreUsageMovedAside");
        Assert.Equal(LogLevel.Warning, warning.Level);
        string aside = Assert.Single(Directory.GetFiles(directory, FileTokenStore.UsageFileName + ".damaged-*"));
        Assert.Equal(damaged, File.ReadAllBytes(aside));
        Assert.Equal(s_monday.AddHours(1), found[tokens[0].ClientId]);
        FileTokenStore again = Open(directory);
        Assert.Equal(s_monday.AddHours(1), (await again.GetLastUsedAsync([tokens[0].ClientId], Ct))[tokens[0].ClientId]);
    }

    [Fact]
    public async Task RecordUsageAsync_FileGrowsPastTwiceTheTokens_IsRewrittenWithTheLatestTimesWithoutDeletedTokens()
    {
        // Arrange: 600 tokens; three batches make 1,800 records, more than max(1,024, 2 x 600).
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken[] tokens = await AddAsync(store, 600);
        await store.RecordUsageAsync([.. tokens.Select(t => new TokenUsage(t.ClientId, s_monday))], Ct);
        await store.RecordUsageAsync([.. tokens.Select(t => new TokenUsage(t.ClientId, s_monday.AddMinutes(1)))], Ct);
        long beforeThreshold = store.UsageRecords;
        foreach (StoredToken deleted in tokens[..100])
        {
            Assert.True(await store.DeleteAsync(deleted.ClientId, Ct));
        }

        // Act
        await store.RecordUsageAsync([.. tokens[100..].Select(t => new TokenUsage(t.ClientId, s_monday.AddMinutes(2)))], Ct);

        // Assert: one record per live token, with its latest time; the deleted ones are gone, here and after reopening.
        Assert.Equal(1200, beforeThreshold);
        Assert.Equal(500, store.UsageRecords);
        Assert.Equal(HeaderLength + (500 * RecordLength), new FileInfo(UsagePath(directory)).Length);
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        IReadOnlyDictionary<string, DateTimeOffset> found = await reopened.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct);
        Assert.Equal(500, found.Count);
        Assert.All(tokens[100..], t => Assert.Equal(s_monday.AddMinutes(2), found[t.ClientId]));
        Assert.Equal(500, reopened.UsageRecords);
    }

    [Fact]
    public async Task CompactUsageAsync_KeepsTheLatestTimeOfEachLiveToken()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken[] tokens = await AddAsync(store, 3);
        for (int minute = 0; minute < 5; minute++)
        {
            await store.RecordUsageAsync([.. tokens.Select(t => new TokenUsage(t.ClientId, s_monday.AddMinutes(minute)))], Ct);
        }

        Assert.True(await store.DeleteAsync(tokens[2].ClientId, Ct));

        // Act
        await store.CompactUsageAsync(Ct);

        // Assert
        Assert.Equal(HeaderLength + (2 * RecordLength), new FileInfo(UsagePath(directory)).Length);
        Assert.False(File.Exists(UsagePath(directory) + ".compact"));
        FileTokenStore reopened = Open(directory);
        IReadOnlyDictionary<string, DateTimeOffset> found = await reopened.GetLastUsedAsync([.. tokens.Select(t => t.ClientId)], Ct);
        Assert.Equal(2, found.Count);
        Assert.All(tokens[..2], t => Assert.Equal(s_monday.AddMinutes(4), found[t.ClientId]));
    }

    [Fact]
    public async Task UsageFileRemovedUnderneath_NextBatchStartsANewOneWithTheKnownTimes()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken[] tokens = await AddAsync(store, 2);
        await store.RecordUsageAsync([new TokenUsage(tokens[0].ClientId, s_monday)], Ct);
        File.Delete(UsagePath(directory));

        // Act
        await store.RecordUsageAsync([new TokenUsage(tokens[1].ClientId, s_monday.AddMinutes(1))], Ct);

        // Assert
        FileTokenStore reopened = Open(directory);
        IReadOnlyDictionary<string, DateTimeOffset> found = await reopened.GetLastUsedAsync([tokens[0].ClientId, tokens[1].ClientId], Ct);
        Assert.Equal(s_monday, found[tokens[0].ClientId]);
        Assert.Equal(s_monday.AddMinutes(1), found[tokens[1].ClientId]);
    }

    [Fact]
    public async Task RecordUsageAsync_AfterDispose_ThrowsObjectDisposedException()
    {
        FileTokenStore store = Open(StoreDirectory());
        StoredToken token = (await AddAsync(store, 1))[0];
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.RecordUsageAsync([new TokenUsage(token.ClientId, s_monday)], Ct));
    }

    private static string UsagePath(string directory) => Path.Combine(directory, FileTokenStore.UsageFileName);

    private static async Task<bool> PollAsync(FileTokenStore store, string clientId, DateTimeOffset expected)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            IReadOnlyDictionary<string, DateTimeOffset> found = await store.GetLastUsedAsync([clientId], Ct);
            if (found.TryGetValue(clientId, out DateTimeOffset at) && at == expected)
            {
                return true;
            }

            await Task.Delay(10, Ct);
        }

        return false;
    }

    private string StoreDirectory() => _directory.Combine(Guid.NewGuid().ToString("N"));

    private FileTokenStore Open(string directory, TimeSpan? refreshInterval = null)
    {
        var options = new FileTokenStoreOptions { Directory = directory };
        if (refreshInterval is { } interval)
        {
            options.RefreshInterval = interval;
        }

        return Track(new FileTokenStore(options));
    }

    private FileTokenStore Track(FileTokenStore store)
    {
        _stores.Add(store);
        return store;
    }

    private async Task<StoredToken[]> AddAsync(FileTokenStore store, int count)
    {
        StoredToken[] tokens = [.. Enumerable.Range(0, count).Select(_ => _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Record)];
        bool[] added = await Task.WhenAll(tokens.Select(t => store.TryAddAsync(t, Ct)));
        Assert.All(added, Assert.True);
        return tokens;
    }
}
