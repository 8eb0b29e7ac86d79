using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Storage;

/// <summary>
/// What the file store adds to the conformance suite: durability across reopen, compaction, damaged files,
/// permissions, bad input, dependency injection and group commit.
/// </summary>
public sealed class FileTokenStoreTests : IDisposable
{
    // The documented layout (LogFormat): a 32-byte header, then records of u32 length | u32 crc | payload.
    private const int HeaderLength = 32;
    private const int RecordPrefixLength = 8;
    private const string CompactFileName = "tokens.log.compact";

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

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

    // ---- Durability across reopen ----

    [Fact]
    public async Task Dispose_ThenReopen_KeepsEveryFieldOfEveryToken()
    {
        // Arrange
        TokenSdkOptions options = HmacOptions();
        var generator = new TokenGenerator(options);
        IssuedToken full = generator.Generate(new TokenGenerationRequest(DefaultRoles.OrganizationAdministrator) { OrganizationId = "acme" });
        IssuedToken bare = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        StoredToken fullRecord = new(full.Record.ClientId, full.Record.OrganizationId, full.Record.RoleId, full.Record.Verifier, new DateTimeOffset(2031, 2, 3, 4, 5, 6, 789, TimeSpan.FromMinutes(330)))
        {
            CreatedBy = "ops@acme.example",
            Description = "deploys \"prod\", ünïcode 🚀",
            ExpiresAt = new DateTimeOffset(2099, 12, 31, 23, 59, 58, TimeSpan.Zero),
        };
        string directory = StoreDirectory();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True(await writer.TryAddAsync(fullRecord, Ct));
            Assert.True(await writer.TryAddAsync(bare.Record, Ct));
        }

        // Act
        FileTokenStore reopened = Open(directory);

        // Assert
        Assert.Equal(2, reopened.Count);
        AssertSameRecord(fullRecord, await reopened.FindAsync(fullRecord.ClientId, Ct));
        AssertSameRecord(bare.Record, await reopened.FindAsync(bare.Record.ClientId, Ct));
        StoredToken? found = await reopened.FindAsync(fullRecord.ClientId, Ct);
        Assert.Equal(TimeSpan.FromMinutes(330), found!.CreatedAt.Offset);
        Assert.Equal("2025-01", found.Verifier.KeyId);
        StoredToken? foundBare = await reopened.FindAsync(bare.Record.ClientId, Ct);
        Assert.Null(foundBare!.CreatedBy);
        Assert.Null(foundBare.Description);
        Assert.Null(foundBare.ExpiresAt);
        var verifier = new TokenVerifier(reopened, new RoleCatalog(), options);
        Assert.True((await verifier.VerifyAsync(full.Details.Token, Ct)).IsValid);
        Assert.True((await verifier.VerifyAsync(bare.Details.Token, Ct)).IsValid);
    }

    [Fact]
    public async Task Dispose_ThenReopen_TokenExpiredAtMinValue_StaysExpired()
    {
        // Arrange: 0 ticks is the log's "no expiry"; an expiry at the earliest instant must not turn into "never".
        IssuedToken issued = _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        StoredToken expired = issued.Record.WithExpiresAt(DateTimeOffset.MinValue);
        string directory = StoreDirectory();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True(await writer.TryAddAsync(expired, Ct));
        }

        // Act
        FileTokenStore reopened = Open(directory);
        StoredToken? found = await reopened.FindAsync(expired.ClientId, Ct);

        // Assert
        Assert.NotNull(found);
        Assert.NotNull(found.ExpiresAt);
        Assert.True(found.ExpiresAt < DateTimeOffset.UnixEpoch);
        var verifier = new TokenVerifier(reopened, new RoleCatalog());
        Assert.Equal(VerificationStatus.Expired, (await verifier.VerifyAsync(issued.Details.Token, Ct)).Status);
    }

    [Fact]
    public async Task Dispose_ThenReopen_KeepsDeletesAndRefusesTheDeletedClientIds()
    {
        // Arrange
        string directory = StoreDirectory();
        IssuedToken kept = NewToken();
        IssuedToken removed = NewToken();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True(await writer.TryAddAsync(kept.Record, Ct));
            Assert.True(await writer.TryAddAsync(removed.Record, Ct));
            Assert.True(await writer.DeleteAsync(removed.Record.ClientId, Ct));
        }

        // Act
        FileTokenStore reopened = Open(directory);

        // Assert
        Assert.Equal(1, reopened.Count);
        Assert.NotNull(await reopened.FindAsync(kept.Record.ClientId, Ct));
        Assert.Null(await reopened.FindAsync(removed.Record.ClientId, Ct));
        Assert.False(await reopened.DeleteAsync(removed.Record.ClientId, Ct));
        Assert.False(await reopened.TryAddAsync(removed.Record, Ct));
        var verifier = new TokenVerifier(reopened, new RoleCatalog());
        Assert.Equal(VerificationStatus.UnknownClient, (await verifier.VerifyAsync(removed.Details.Token, Ct)).Status);
        Assert.True((await verifier.VerifyAsync(kept.Details.Token, Ct)).IsValid);
    }

    [Fact]
    public async Task SetExpiryAsync_ThenReopen_KeepsTheEarliestExpiry()
    {
        // Arrange
        string directory = StoreDirectory();
        IssuedToken token = NewToken();
        var earlier = new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var later = new DateTimeOffset(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True(await writer.TryAddAsync(token.Record, Ct));

            // Act
            Assert.True(await writer.SetExpiryAsync(token.Record.ClientId, earlier, Ct));
            Assert.True(await writer.SetExpiryAsync(token.Record.ClientId, later, Ct));
        }

        FileTokenStore reopened = Open(directory);

        // Assert
        StoredToken? found = await reopened.FindAsync(token.Record.ClientId, Ct);
        Assert.NotNull(found);
        Assert.Equal(earlier, found.ExpiresAt);
        AssertSameRecord(token.Record.WithExpiresAt(earlier), found);
    }

    [Fact]
    public async Task RefreshAsync_SecondInstance_SeesAddsDeletesAndExpiriesOfTheFirst()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory, refreshInterval: TimeSpan.FromMinutes(10));
        IssuedToken added = NewToken();
        IssuedToken removed = NewToken();
        IssuedToken expiring = NewToken();
        var expiry = new DateTimeOffset(2045, 6, 7, 8, 9, 10, TimeSpan.Zero);
        Assert.True(await first.TryAddAsync(removed.Record, Ct));
        Assert.True(await first.TryAddAsync(expiring.Record, Ct));
        await second.RefreshAsync(Ct);
        Assert.NotNull(await second.FindAsync(removed.Record.ClientId, Ct));

        // Act
        Assert.True(await first.TryAddAsync(added.Record, Ct));
        Assert.True(await first.DeleteAsync(removed.Record.ClientId, Ct));
        Assert.True(await first.SetExpiryAsync(expiring.Record.ClientId, expiry, Ct));
        await second.RefreshAsync(Ct);

        // Assert
        AssertSameRecord(added.Record, await second.FindAsync(added.Record.ClientId, Ct));
        Assert.Null(await second.FindAsync(removed.Record.ClientId, Ct));
        Assert.False(second.TryFind(removed.Record.ClientId, out _));
        Assert.Equal(expiry, (await second.FindAsync(expiring.Record.ClientId, Ct))!.ExpiresAt);
        Assert.Equal(2, second.Count);
        Assert.False(await second.TryAddAsync(removed.Record, Ct));
    }

    [Fact]
    public async Task RefreshTimer_SecondInstance_SeesTheFirstInstancesWritesWithinTheInterval()
    {
        // Arrange
        string directory = StoreDirectory();
        TimeSpan interval = TimeSpan.FromMilliseconds(200);
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory, refreshInterval: interval);
        var verifier = new TokenVerifier(second, new RoleCatalog());
        IssuedToken token = NewToken();

        // Act
        Assert.True(await first.TryAddAsync(token.Record, Ct));
        bool validSeen = await PollAsync(async () => (await verifier.VerifyAsync(token.Details.Token, Ct)).IsValid, interval);
        Assert.True(await first.DeleteAsync(token.Record.ClientId, Ct));
        bool deletionSeen = await PollAsync(async () => (await verifier.VerifyAsync(token.Details.Token, Ct)).Status == VerificationStatus.UnknownClient, interval);

        // Assert
        Assert.True(validSeen, "The second instance never saw the token the first one added.");
        Assert.True(deletionSeen, "The second instance never saw the deletion made by the first one.");
    }

    [Fact]
    public async Task VerifyAsync_LogRemovedUnderneath_StillVerifiesFromMemoryAndWritesFailClearly()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        var verifier = new TokenVerifier(store, new RoleCatalog());
        IssuedToken token = NewToken();
        Assert.True(await store.TryAddAsync(token.Record, Ct));

        // Act
        File.Delete(LogPath(directory));
        TokenVerificationResult result = await verifier.VerifyAsync(token.Details.Token, Ct);
        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => store.TryAddAsync(NewToken().Record, Ct));

        // Assert
        Assert.True(result.IsValid);
        Assert.Contains(LogPath(directory), exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Count);
    }

    // ---- Compaction ----

    [Fact]
    public async Task CompactAsync_AfterDeletes_ShrinksTheLogAndKeepsEveryLiveToken()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory, autoCompact: false);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 60).Select(_ => NewToken())];
        await AddAllAsync(store, tokens.Select(t => t.Record));
        await store.SetExpiryAsync(tokens[0].Record.ClientId, new DateTimeOffset(2060, 1, 1, 0, 0, 0, TimeSpan.Zero), Ct);
        List<IssuedToken> removed = tokens[10..];
        foreach (IssuedToken token in removed)
        {
            Assert.True(await store.DeleteAsync(token.Record.ClientId, Ct));
        }

        long before = new FileInfo(LogPath(directory)).Length;
        ulong generationBefore = ReadGeneration(directory);
        StoredToken expected0 = (await store.FindAsync(tokens[0].Record.ClientId, Ct))!;

        // Act
        await store.CompactAsync(Ct);

        // Assert
        long after = new FileInfo(LogPath(directory)).Length;
        Assert.True(after < before, $"The log did not shrink: {before} bytes before compaction, {after} after.");
        Assert.NotEqual(generationBefore, ReadGeneration(directory));
        Assert.False(File.Exists(Path.Combine(directory, CompactFileName)));
        Assert.Equal(10, store.Count);

        store.Dispose();
        FileTokenStore reopened = Open(directory);
        var verifier = new TokenVerifier(reopened, new RoleCatalog());
        Assert.Equal(10, reopened.Count);
        AssertSameRecord(expected0, await reopened.FindAsync(tokens[0].Record.ClientId, Ct));
        foreach (IssuedToken token in tokens[..10])
        {
            AssertSameRecord(token.Record.ClientId == expected0.ClientId ? expected0 : token.Record, await reopened.FindAsync(token.Record.ClientId, Ct));
            Assert.True((await verifier.VerifyAsync(token.Details.Token, Ct)).IsValid);
        }

        foreach (IssuedToken token in removed)
        {
            Assert.Null(await reopened.FindAsync(token.Record.ClientId, Ct));
            Assert.False(await reopened.TryAddAsync(token.Record, Ct), $"Deleted client id {token.Record.ClientId} came back after compaction.");
        }
    }

    [Fact]
    public async Task TryAddAsync_DeadRecordsReachTheThreshold_CompactsAutomatically()
    {
        // Arrange: 1,000 deletes make 1,000 dead records, the threshold (max(1000, live)) with 100 live tokens.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 1100).Select(_ => NewToken())];
        await AddAllAsync(store, tokens.Select(t => t.Record));
        long afterAdds = new FileInfo(LogPath(directory)).Length;
        ulong generationBefore = ReadGeneration(directory);

        // Act
        bool[] deleted = await Task.WhenAll(tokens[100..].Select(t => Task.Run(() => store.DeleteAsync(t.Record.ClientId, Ct), Ct)));

        // Assert
        Assert.All(deleted, Assert.True);
        Assert.NotEqual(generationBefore, ReadGeneration(directory));
        long afterCompaction = new FileInfo(LogPath(directory)).Length;
        Assert.True(afterCompaction < afterAdds, $"The log was not compacted: {afterAdds} bytes after the adds, {afterCompaction} after the deletes.");
        Assert.False(File.Exists(Path.Combine(directory, CompactFileName)));

        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(100, reopened.Count);
        foreach (IssuedToken token in tokens[..100])
        {
            AssertSameRecord(token.Record, await reopened.FindAsync(token.Record.ClientId, Ct));
        }

        foreach (IssuedToken token in tokens[100..110])
        {
            Assert.False(await reopened.TryAddAsync(token.Record, Ct), $"Deleted client id {token.Record.ClientId} came back after compaction.");
        }
    }

    [Fact]
    public async Task TryAddAsync_AutoCompactionFailsOnAFullDisk_RemovesItsFileAndWaitsBeforeTryingAgain()
    {
        // /dev/full answers every write with ENOSPC: a compaction file linked to it is a full disk for compaction only.
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "needs Linux's /dev/full");

        // Arrange: 1,000 deletes make 1,000 dead records, the threshold (max(1000, live)) with 100 live tokens.
        string directory = StoreDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logger = new FakeLogger<FileTokenStore>();
        FileTokenStore store = Track(new FileTokenStore(new FileTokenStoreOptions { Directory = directory }, time, logger));
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 1100).Select(_ => NewToken())];
        await AddAllAsync(store, tokens.Select(t => t.Record));
        string compactFile = Path.Combine(directory, CompactFileName);
        File.CreateSymbolicLink(compactFile, "/dev/full");
        ulong generationBefore = ReadGeneration(directory);

        // Act: the deletes reach the threshold; the compaction they start fails.
        foreach (IssuedToken token in tokens[100..])
        {
            Assert.True(await store.DeleteAsync(token.Record.ClientId, Ct));
        }

        bool leftAfterFailure = File.Exists(compactFile) || IsSymbolicLink(compactFile);
        File.CreateSymbolicLink(compactFile, "/dev/full");
        foreach (IssuedToken token in tokens[..50])
        {
            Assert.True(await store.DeleteAsync(token.Record.ClientId, Ct));
        }

        bool untouchedWhileWaiting = IsSymbolicLink(compactFile);
        File.Delete(compactFile);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await store.DeleteAsync(tokens[50].Record.ClientId, Ct));

        // Assert
        Assert.False(leftAfterFailure, "The failed compaction left its file behind.");
        Assert.True(untouchedWhileWaiting, "Compaction was tried again at once, after every write.");
        FakeLogRecord failure = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "FileStoreCompactionFailed");
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("00:01:00", failure.Message, StringComparison.Ordinal);
        Assert.NotEqual(generationBefore, ReadGeneration(directory));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Name == "FileStoreCompacted");
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(49, reopened.Count);
        Assert.All(tokens[51..100], token => Assert.True(reopened.TryFind(token.Record.ClientId, out _)));
    }

    [Fact]
    public async Task CompactAsync_DiskFull_ThrowsTokenStoreExceptionRemovesItsFileAndKeepsTheLog()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "needs Linux's /dev/full");

        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        List<IssuedToken> tokens = await WriteTokensAsync(directory, 3);
        await store.RefreshAsync(Ct);
        Assert.True(await store.DeleteAsync(tokens[0].Record.ClientId, Ct));
        string compactFile = Path.Combine(directory, CompactFileName);
        File.CreateSymbolicLink(compactFile, "/dev/full");
        byte[] before = File.ReadAllBytes(LogPath(directory));

        // Act
        TokenStoreException exception = await Assert.ThrowsAsync<TokenStoreException>(() => store.CompactAsync(Ct));

        // Assert
        Assert.Contains(directory, exception.Message, StringComparison.Ordinal);
        Assert.False(IsSymbolicLink(compactFile) || File.Exists(compactFile));
        Assert.Equal(before, File.ReadAllBytes(LogPath(directory)));
        Assert.True(await store.TryAddAsync(NewToken().Record, Ct));
        Assert.Equal(3, Open(directory).Count);
    }

    [Fact]
    public async Task TryAddAsync_AutoCompactOff_NeverCompacts()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory, autoCompact: false);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 1010).Select(_ => NewToken())];
        await AddAllAsync(store, tokens.Select(t => t.Record));
        ulong generationBefore = ReadGeneration(directory);
        long afterAdds = new FileInfo(LogPath(directory)).Length;

        // Act
        bool[] deleted = await Task.WhenAll(tokens[10..].Select(t => Task.Run(() => store.DeleteAsync(t.Record.ClientId, Ct), Ct)));

        // Assert
        Assert.All(deleted, Assert.True);
        Assert.Equal(generationBefore, ReadGeneration(directory));
        Assert.True(new FileInfo(LogPath(directory)).Length > afterAdds);
    }

    [Fact]
    public async Task CompactAsync_OtherInstanceOpen_ReloadsTheNewGenerationAndKeepsServing()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore compactor = Open(directory, autoCompact: false);
        FileTokenStore other = Open(directory, refreshInterval: TimeSpan.FromMinutes(10), autoCompact: false);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 30).Select(_ => NewToken())];
        await AddAllAsync(compactor, tokens.Select(t => t.Record));
        await other.RefreshAsync(Ct);
        Assert.Equal(30, other.Count);
        foreach (IssuedToken token in tokens[20..])
        {
            Assert.True(await compactor.DeleteAsync(token.Record.ClientId, Ct));
        }

        ulong generationBefore = ReadGeneration(directory);

        // Act
        await compactor.CompactAsync(Ct);
        IssuedToken afterCompaction = NewToken();
        Assert.True(await compactor.TryAddAsync(afterCompaction.Record, Ct));
        await other.RefreshAsync(Ct);

        // Assert
        Assert.NotEqual(generationBefore, ReadGeneration(directory));
        var verifier = new TokenVerifier(other, new RoleCatalog());
        Assert.Equal(21, other.Count);
        Assert.True((await verifier.VerifyAsync(afterCompaction.Details.Token, Ct)).IsValid);
        foreach (IssuedToken token in tokens[..20])
        {
            Assert.True((await verifier.VerifyAsync(token.Details.Token, Ct)).IsValid);
        }

        foreach (IssuedToken token in tokens[20..])
        {
            Assert.Equal(VerificationStatus.UnknownClient, (await verifier.VerifyAsync(token.Details.Token, Ct)).Status);
            Assert.False(await other.TryAddAsync(token.Record, Ct));
        }

        // The other instance also writes correctly on top of the new generation.
        IssuedToken fromOther = NewToken();
        Assert.True(await other.TryAddAsync(fromOther.Record, Ct));
        await compactor.RefreshAsync(Ct);
        Assert.NotNull(await compactor.FindAsync(fromOther.Record.ClientId, Ct));
        Assert.Equal(22, Open(directory).Count);
    }

    [Fact]
    public async Task TryAddAsync_CompactionFileLeftByACrash_IsRemovedByTheFirstWriteNotByOpening()
    {
        // Arrange
        string directory = StoreDirectory();
        IssuedToken token = NewToken();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True(await writer.TryAddAsync(token.Record, Ct));
        }

        string leftover = Path.Combine(directory, CompactFileName);
        File.WriteAllBytes(leftover, RandomBytes(300, seed: 1));

        // Act
        FileTokenStore reopened = Open(directory);
        bool leftAfterOpening = File.Exists(leftover);
        Assert.True(await reopened.TryAddAsync(NewToken().Record, Ct));

        // Assert
        Assert.True(leftAfterOpening);
        Assert.False(File.Exists(leftover));
        AssertSameRecord(token.Record, await reopened.FindAsync(token.Record.ClientId, Ct));
    }

    // ---- Damaged files ----

    [Theory]
    [InlineData(0, 8)]
    [InlineData(10, 0)]
    [InlineData(10, 2)]
    [InlineData(10, 4)]
    [InlineData(10, 12)]
    [InlineData(10, -1)]
    [InlineData(19, 40)]
    [InlineData(20, 0)]
    [InlineData(20, 1)]
    [InlineData(20, 2)]
    [InlineData(20, 4)]
    [InlineData(20, 8)]
    [InlineData(20, 12)]
    [InlineData(20, 40)]
    [InlineData(20, -1)]
    public async Task Constructor_ByteFlippedInARecord_ThrowsCorruptedNamingFileAndOffset(int recordIndex, int byteInRecord)
    {
        // Arrange: 21 records; the last one too (a complete record with a bad checksum is damage, not a torn write),
        // including its length field (longer or shorter than the record).
        string directory = StoreDirectory();
        await WriteTokensAsync(directory, 21);
        string log = LogPath(directory);
        byte[] bytes = File.ReadAllBytes(log);
        List<(int Offset, int Length)> records = RecordSpans(bytes);
        Assert.Equal(21, records.Count);
        (int offset, int length) = records[recordIndex];
        bytes[offset + (byteInRecord >= 0 ? byteInRecord : length + byteInRecord)] ^= 0x5A;
        File.WriteAllBytes(log, bytes);

        // Act
        TokenStoreCorruptedException exception = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));

        // Assert
        Assert.Equal(log, exception.FilePath);
        Assert.Equal(offset, exception.Offset);
        Assert.Contains(log, exception.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {offset}", exception.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(log));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(-1)]
    public async Task Constructor_TornLastRecord_ReadsTheRestAndChangesNothing(int keptOfLastRecord)
    {
        // Arrange
        string directory = StoreDirectory();
        List<IssuedToken> tokens = await WriteTokensAsync(directory, 10);
        string log = LogPath(directory);
        (int lastOffset, int lastLength) = RecordSpans(File.ReadAllBytes(log))[^1];
        CutLog(log, lastOffset + (keptOfLastRecord >= 0 ? keptOfLastRecord : lastLength + keptOfLastRecord));
        byte[] before = File.ReadAllBytes(log);

        // Act
        FileTokenStore store = Open(directory);
        await store.RefreshAsync(Ct);

        // Assert: the acknowledged records are there, and reading changed no byte of the store.
        Assert.Equal(9, store.Count);
        foreach (IssuedToken token in tokens[..9])
        {
            AssertSameRecord(token.Record, await store.FindAsync(token.Record.ClientId, Ct));
        }

        Assert.Null(await store.FindAsync(tokens[9].Record.ClientId, Ct));
        Assert.Equal(before, File.ReadAllBytes(log));
        Assert.Empty(TornFiles(directory));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(-1)]
    public async Task TryAddAsync_AfterATornLastRecord_MovesItsBytesAsideThenWrites(int keptOfLastRecord)
    {
        // Arrange
        string directory = StoreDirectory();
        List<IssuedToken> tokens = await WriteTokensAsync(directory, 10);
        string log = LogPath(directory);
        byte[] complete = File.ReadAllBytes(log);
        (int lastOffset, int lastLength) = RecordSpans(complete)[^1];
        int cut = lastOffset + (keptOfLastRecord >= 0 ? keptOfLastRecord : lastLength + keptOfLastRecord);
        CutLog(log, cut);
        FileTokenStore store = Open(directory);

        // Act: the torn record was never acknowledged, so its client id is free; writes go on after the cut.
        IssuedToken next = NewToken();
        Assert.True(await store.TryAddAsync(tokens[9].Record, Ct));
        Assert.True(await store.TryAddAsync(next.Record, Ct));

        // Assert: the torn bytes are kept beside the log, named by their offset.
        string torn = Assert.Single(TornFiles(directory));
        Assert.StartsWith($"{FileTokenStore.LogFileName}.torn-{lastOffset}-", Path.GetFileName(torn), StringComparison.Ordinal);
        Assert.Equal(complete[lastOffset..cut], File.ReadAllBytes(torn));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(torn));
        }

        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(11, reopened.Count);
        AssertSameRecord(tokens[9].Record, await reopened.FindAsync(tokens[9].Record.ClientId, Ct));
        AssertSameRecord(next.Record, await reopened.FindAsync(next.Record.ClientId, Ct));
    }

    [Theory]
    [InlineData("random", 1)]
    [InlineData("random", 7)]
    [InlineData("zeros", 1)]
    [InlineData("zeros", 4096)]
    [InlineData("cut-prefix", 40)]
    public async Task TryAddAsync_TornTailAppended_KeepsEveryTokenAndMovesTheTailAside(string kind, int length)
    {
        // Arrange: what a crash can leave after the last record: part of a record prefix, zeros, a record cut short.
        string directory = StoreDirectory();
        List<IssuedToken> tokens = await WriteTokensAsync(directory, 5);
        string log = LogPath(directory);
        long original = new FileInfo(log).Length;
        byte[] garbage = kind switch
        {
            "zeros" => new byte[length],
            "cut-prefix" => LengthPrefixedGarbage(length, declared: length * 2),
            _ => RandomBytes(length, seed: length),
        };
        AppendToLog(log, garbage);

        // Act
        FileTokenStore store = Open(directory);
        long lengthAfterOpening = new FileInfo(log).Length;
        IssuedToken next = NewToken();
        Assert.True(await store.TryAddAsync(next.Record, Ct));

        // Assert
        Assert.Equal(original + length, lengthAfterOpening);
        Assert.Equal(garbage, File.ReadAllBytes(Assert.Single(TornFiles(directory))));
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(6, reopened.Count);
        foreach (IssuedToken token in tokens.Append(next))
        {
            AssertSameRecord(token.Record, await reopened.FindAsync(token.Record.ClientId, Ct));
        }
    }

    [Theory]
    [InlineData("random", 100)]
    [InlineData("random", 5000)]
    [InlineData("complete-record", 40)]
    [InlineData("zeros-then-data", 64)]
    public async Task Writes_DamagedTailAppended_FailLoudlyNamingFileAndOffsetAndChangeNothing(string kind, int length)
    {
        // Arrange: bytes no crash of the writer leaves: damage an operator must look at.
        string directory = StoreDirectory();
        List<IssuedToken> tokens = await WriteTokensAsync(directory, 5);
        FileTokenStore open = Open(directory);
        string log = LogPath(directory);
        long original = new FileInfo(log).Length;
        byte[] garbage = kind switch
        {
            "complete-record" => LengthPrefixedGarbage(length, declared: length - RecordPrefixLength),
            "zeros-then-data" => [.. new byte[length / 2], .. RandomBytes(length / 2, seed: 3)],
            _ => RandomBytes(length, seed: length),
        };
        AppendToLog(log, garbage);
        byte[] before = File.ReadAllBytes(log);

        // Act
        TokenStoreCorruptedException opening = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));
        TokenStoreCorruptedException writing = await Assert.ThrowsAsync<TokenStoreCorruptedException>(() => open.TryAddAsync(NewToken().Record, Ct));

        // Assert
        foreach (TokenStoreCorruptedException exception in new[] { opening, writing })
        {
            Assert.Equal(log, exception.FilePath);
            Assert.Equal(original, exception.Offset);
            Assert.Contains($"offset {original}", exception.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, File.ReadAllBytes(log));
        Assert.Empty(TornFiles(directory));
        Assert.Equal(5, open.Count);
        Assert.All(tokens, token => Assert.True(open.TryFind(token.Record.ClientId, out _)));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("short")]
    [InlineData("empty")]
    public void Constructor_NotAStoreLog_ThrowsCorruptedMentioningTheHeader(string kind)
    {
        // Arrange
        string directory = StoreDirectory();
        Directory.CreateDirectory(directory);
        string log = LogPath(directory);
        byte[] content = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("These are my notes, not a token store.\nDo not delete.\n"),
            "random" => RandomBytes(4096, seed: 42),
            "short" => "TSDKLOG\0\u0001"u8.ToArray(),
            _ => [],
        };
        File.WriteAllBytes(log, content);

        // Act
        TokenStoreCorruptedException exception = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));

        // Assert
        Assert.Contains("header", exception.Message, StringComparison.Ordinal);
        Assert.Contains(log, exception.Message, StringComparison.Ordinal);
        Assert.Equal(log, exception.FilePath);
        Assert.Equal(0, exception.Offset);
        Assert.Equal(content, File.ReadAllBytes(log));
    }

    [Fact]
    public async Task Constructor_HeaderChecksumWrong_ThrowsCorrupted()
    {
        // Arrange
        string directory = StoreDirectory();
        await WriteTokensAsync(directory, 2);
        string log = LogPath(directory);
        byte[] bytes = File.ReadAllBytes(log);
        bytes[20] ^= 0x01;
        File.WriteAllBytes(log, bytes);

        // Act
        TokenStoreCorruptedException exception = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));

        // Assert
        Assert.Contains("header checksum", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, exception.Offset);
        Assert.Equal(bytes, File.ReadAllBytes(log));
    }

    [Fact]
    public async Task Constructor_OtherFormatVersion_ThrowsNamingTheVersion()
    {
        // Arrange: a valid header (checksum recomputed) of a future version 3 (version 2 is a log that holds roles).
        string directory = StoreDirectory();
        await WriteTokensAsync(directory, 2);
        string log = LogPath(directory);
        byte[] bytes = File.ReadAllBytes(log);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), Crc32C.Compute(bytes.AsSpan(0, 28)));
        File.WriteAllBytes(log, bytes);

        // Act
        TokenStoreCorruptedException exception = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));

        // Assert
        Assert.Contains("version is 3", exception.Message, StringComparison.Ordinal);
        Assert.Contains("versions 1 and 2", exception.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(log));
    }

    // ---- File permissions ----

    [Fact]
    public async Task Constructor_NewDirectory_CreatesOwnerOnlyDirectoryAndFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes do not exist on Windows; the directory's ACL applies there.");
            return;
        }

        // Arrange
        string directory = _directory.Combine("new", "store");

        // Act
        FileTokenStore store = Open(directory);
        Assert.True(await store.TryAddAsync(NewToken().Record, Ct));

        // Assert
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(LogPath(directory)));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(directory, FileTokenStore.LockFileName)));
    }

    [Fact]
    public async Task CompactAsync_NewLog_IsStillOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes do not exist on Windows; the directory's ACL applies there.");
            return;
        }

        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory, autoCompact: false);
        IssuedToken token = NewToken();
        Assert.True(await store.TryAddAsync(token.Record, Ct));
        Assert.True(await store.DeleteAsync(token.Record.ClientId, Ct));
        ulong generationBefore = ReadGeneration(directory);

        // Act
        await store.CompactAsync(Ct);

        // Assert
        Assert.NotEqual(generationBefore, ReadGeneration(directory));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(LogPath(directory)));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory));
    }

    // ---- Bad input ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Constructor_NoDirectory_ThrowsArgumentExceptionNamingIt(string? directory)
    {
        // Act
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new FileTokenStore(new FileTokenStoreOptions { Directory = directory }));

        // Assert
        Assert.Equal("options", exception.ParamName);
        Assert.Contains("Directory", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 30_000, "RefreshInterval")]
    [InlineData(5, 30_000, "RefreshInterval")]
    [InlineData(11 * 60 * 1000, 30_000, "RefreshInterval")]
    [InlineData(500, 0, "LockTimeout")]
    public void Constructor_IntervalOutOfRange_ThrowsArgumentExceptionNamingIt(int refreshMs, int lockTimeoutMs, string option)
    {
        // Arrange
        var options = new FileTokenStoreOptions
        {
            Directory = StoreDirectory(),
            RefreshInterval = TimeSpan.FromMilliseconds(refreshMs),
            LockTimeout = TimeSpan.FromMilliseconds(lockTimeoutMs),
        };

        // Act
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new FileTokenStore(options));

        // Assert
        Assert.Contains(option, exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(options.Directory), "Invalid options should be refused before anything is created.");
    }

    [Fact]
    public void Constructor_NullOptions_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new FileTokenStore(null!));
    }

    [Fact]
    public void Constructor_PathIsAFile_ThrowsTokenStoreExceptionSayingSo()
    {
        // Arrange
        string path = _directory.Combine("a-file");
        File.WriteAllText(path, "not a directory");

        // Act
        TokenStoreException exception = Assert.Throws<TokenStoreException>(() => Open(path));

        // Assert
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("is a file", exception.Message, StringComparison.Ordinal);
        Assert.Equal("not a directory", File.ReadAllText(path));
    }

    [Fact]
    public void Constructor_ParentIsAFile_ThrowsTokenStoreException()
    {
        // Arrange
        string file = _directory.Combine("a-file");
        File.WriteAllText(file, "not a directory");

        // Act
        TokenStoreException exception = Assert.Throws<TokenStoreException>(() => Open(Path.Combine(file, "store")));

        // Assert
        Assert.Contains(Path.Combine(file, "store"), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DirectoryWithoutWritePermission_ThrowsTokenStoreException()
    {
        if (OperatingSystem.IsWindows() || !ReadOnlyDirectories.Supported)
        {
            Assert.Skip("Needs Unix file modes, or for root Linux mounts.");
            return;
        }

        // Arrange
        string directory = _directory.Combine("read-only");
        Directory.CreateDirectory(directory);
        using (ReadOnlyDirectory.Apply(directory))
        {
            // Act
            TokenStoreException exception = Assert.Throws<TokenStoreException>(() => Open(directory));

            // Assert
            Assert.Contains(directory, exception.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(directory));
        }
    }

    [Fact]
    public void Constructor_ParentWithoutWritePermission_ThrowsTokenStoreException()
    {
        if (OperatingSystem.IsWindows() || !ReadOnlyDirectories.Supported)
        {
            Assert.Skip("Needs Unix file modes, or for root Linux mounts.");
            return;
        }

        // Arrange
        string parent = _directory.Combine("read-only-parent");
        Directory.CreateDirectory(parent);
        using (ReadOnlyDirectory.Apply(parent))
        {
            // Act
            TokenStoreException exception = Assert.Throws<TokenStoreException>(() => Open(Path.Combine(parent, "store")));

            // Assert
            Assert.Contains(Path.Combine(parent, "store"), exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Writes_DirectoryBecomesReadOnly_FailClearlyHealthSaysCannotWriteAndBothRecover()
    {
        if (OperatingSystem.IsWindows() || !ReadOnlyDirectories.Supported)
        {
            Assert.Skip("Needs Unix file modes, or for root Linux mounts.");
            return;
        }

        // Arrange: an open store with a token, then its directory made read-only underneath it.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        IssuedToken kept = NewToken();
        Assert.True(await store.TryAddAsync(kept.Record, Ct));
        TokenStoreHealth healthBefore = await store.CheckHealthAsync(Ct);
        TokenStoreException failure;
        TokenStoreHealth healthWhileReadOnly;
        using (ReadOnlyDirectory.Apply(directory))
        {
            // Act
            failure = await Assert.ThrowsAsync<TokenStoreException>(() => store.TryAddAsync(NewToken().Record, Ct));
            healthWhileReadOnly = await store.CheckHealthAsync(Ct);
        }

        TokenStoreHealth healthAfter = await store.CheckHealthAsync(Ct);
        bool addedAfter = await store.TryAddAsync(NewToken().Record, Ct);

        // Assert
        Assert.True(healthBefore.CanWrite);
        Assert.Contains(directory, failure.Message, StringComparison.Ordinal);
        Assert.False(healthWhileReadOnly.CanWrite);
        Assert.Contains(directory, healthWhileReadOnly.Problem, StringComparison.Ordinal);
        Assert.True(healthAfter.CanWrite, healthAfter.Problem);
        Assert.True(addedAfter);
        Assert.True(store.TryFind(kept.Record.ClientId, out _));
        Assert.Equal(2, Open(directory).Count);
    }

    [Fact]
    public async Task Constructor_ParentsDoNotExist_CreatesTheWholePath()
    {
        // Arrange
        string directory = _directory.Combine("a", "b", "c", "store");

        // Act
        FileTokenStore store = Open(directory);
        IssuedToken token = NewToken();
        Assert.True(await store.TryAddAsync(token.Record, Ct));

        // Assert
        Assert.True(File.Exists(LogPath(directory)));
        Assert.Equal(directory, store.DirectoryPath);
        store.Dispose();
        AssertSameRecord(token.Record, await Open(directory).FindAsync(token.Record.ClientId, Ct));
    }

    [Fact]
    public async Task Writes_AfterDispose_ThrowObjectDisposedException()
    {
        // Arrange
        FileTokenStore store = Open(StoreDirectory());
        IssuedToken token = NewToken();
        Assert.True(await store.TryAddAsync(token.Record, Ct));

        // Act
        store.Dispose();

        // Assert
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.TryAddAsync(NewToken().Record, Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.DeleteAsync(token.Record.ClientId, Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SetExpiryAsync(token.Record.ClientId, DateTimeOffset.UnixEpoch.AddYears(100), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.RefreshAsync(Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CompactAsync(Ct));
        Assert.Equal(1, Open(store.DirectoryPath).Count);
    }

    [Fact]
    public async Task TryAddAsync_LockHeldElsewhere_ThrowsAfterTheLockTimeoutAndWritesNothing()
    {
        // Arrange
        string directory = StoreDirectory();
        TimeSpan lockTimeout = TimeSpan.FromMilliseconds(200);
        FileTokenStore store = Open(directory, lockTimeout: lockTimeout);
        IssuedToken token = NewToken();
        TokenStoreException exception;

        // Act
        using (HoldLock(directory))
        {
            exception = await Assert.ThrowsAsync<TokenStoreException>(() => store.TryAddAsync(token.Record, Ct));
        }

        // Assert: the write waited for the lock as long as allowed, then said so.
        Assert.Contains(FileTokenStore.LockFileName, exception.Message, StringComparison.Ordinal);
        Assert.Contains(lockTimeout.ToString(), exception.Message, StringComparison.Ordinal);
        Assert.Null(await store.FindAsync(token.Record.ClientId, Ct));
        Assert.Equal(0, Open(directory).Count);
        Assert.True(await store.TryAddAsync(token.Record, Ct));
        Assert.Equal(1, Open(directory).Count);
    }

    [Fact]
    public void Constructor_LockHeldElsewhere_ThrowsTokenStoreExceptionAfterTheLockTimeout()
    {
        // Arrange
        string directory = StoreDirectory();
        Open(directory).Dispose();
        TimeSpan lockTimeout = TimeSpan.FromMilliseconds(200);

        // Act
        TokenStoreException exception;
        using (HoldLock(directory))
        {
            exception = Assert.Throws<TokenStoreException>(() => Open(directory, lockTimeout: lockTimeout));
        }

        // Assert
        Assert.Contains(FileTokenStore.LockFileName, exception.Message, StringComparison.Ordinal);
        Assert.Contains(lockTimeout.ToString(), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAddAsync_RecordTooLargeForTheLog_NeverLeavesAnUnreadableLog()
    {
        // Arrange: every text is within the per-string limit, but together they exceed the 64 KiB record payload.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken big = NewToken().Record;
        big = new StoredToken(big.ClientId, big.OrganizationId, big.RoleId, big.Verifier, big.CreatedAt)
        {
            Description = new string('d', 40_000),
            CreatedBy = new string('c', 30_000),
        };
        IssuedToken after = NewToken();

        // Act
        Exception? refused = await Record.ExceptionAsync(() => store.TryAddAsync(big, Ct));
        Assert.True(await store.TryAddAsync(after.Record, Ct));
        store.Dispose();

        // Assert: refusing the record is fine; accepting it and then failing to open is not.
        Assert.True(refused is null or ArgumentException or TokenStoreException, $"Unexpected exception: {refused}");
        FileTokenStore reopened = Open(directory);
        AssertSameRecord(after.Record, await reopened.FindAsync(after.Record.ClientId, Ct));
        if (refused is null)
        {
            AssertSameRecord(big, await reopened.FindAsync(big.ClientId, Ct));
        }
        else
        {
            Assert.Null(await reopened.FindAsync(big.ClientId, Ct));
        }
    }

    // ---- Group commit ----

    [Fact]
    public async Task TryAddAsync_200Concurrent_AllSucceedAndSurviveReopen()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 200).Select(_ => NewToken())];

        // Act
        bool[] added = await Task.WhenAll(tokens.Select(t => Task.Run(() => store.TryAddAsync(t.Record, Ct), Ct)));

        // Assert
        Assert.All(added, Assert.True);
        Assert.Equal(200, store.Count);
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        var verifier = new TokenVerifier(reopened, new RoleCatalog());
        Assert.Equal(200, reopened.Count);
        foreach (IssuedToken token in tokens)
        {
            AssertSameRecord(token.Record, await reopened.FindAsync(token.Record.ClientId, Ct));
            Assert.True((await verifier.VerifyAsync(token.Details.Token, Ct)).IsValid);
        }
    }

    [Fact]
    public async Task TryAddAsync_ManyStartedTogetherByOneCaller_ShareFsyncs()
    {
        // Arrange: the file I/O is synchronous, so without group commit each add would run to its fsync before the
        // caller could start the next one.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 64).Select(_ => NewToken())];

        // Act: all started from this thread, none awaited until all are started.
        bool[] added = await Task.WhenAll(tokens.Select(t => store.TryAddAsync(t.Record, Ct)));

        // Assert: a few batches, not one per add (the first may hold only the adds queued before it began).
        Assert.All(added, Assert.True);
        Assert.InRange(store.CommittedBatches, 1, 16);
        Assert.Equal(64, Open(directory).Count);
    }

    [Fact]
    public async Task Writes_QueuedWhileAnotherWriterHoldsTheLock_CommitAsOneBatchWithPerCallResults()
    {
        // Arrange: while the lock is held, the first write waits for it and every later one queues behind it.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        IssuedToken first = NewToken();
        IssuedToken a = NewToken();
        IssuedToken b = NewToken();
        IssuedToken c = NewToken();
        StoredToken aDuplicate = new(a.Record.ClientId, "other", DefaultRoles.OrganizationAdministrator.Id, b.Record.Verifier, DateTimeOffset.UnixEpoch);
        var expiry = new DateTimeOffset(2070, 1, 1, 0, 0, 0, TimeSpan.Zero);
        const string Unknown = "ABCDEFGHIJKLMNOPQRSTUVWX";
        List<IssuedToken> many = [.. Enumerable.Range(0, 200).Select(_ => NewToken())];
        Task<bool>[] calls;

        // Act
        using (HoldLock(directory))
        {
            calls =
            [
                store.TryAddAsync(first.Record, Ct),
                store.TryAddAsync(a.Record, Ct),
                store.TryAddAsync(aDuplicate, Ct),
                store.TryAddAsync(b.Record, Ct),
                store.DeleteAsync(b.Record.ClientId, Ct),
                store.TryAddAsync(b.Record, Ct),
                store.TryAddAsync(c.Record, Ct),
                store.SetExpiryAsync(c.Record.ClientId, expiry, Ct),
                store.DeleteAsync(Unknown, Ct),
                store.SetExpiryAsync(Unknown, expiry, Ct),
                .. many.Select(t => store.TryAddAsync(t.Record, Ct)),
            ];
            Assert.DoesNotContain(calls, static call => call.IsCompleted);
        }

        bool[] results = await Task.WhenAll(calls).WaitAsync(s_patience, Ct);

        // Assert
        Assert.Equal([true, true, false, true, true, false, true, true, false, false], results[..10]);
        Assert.All(results[10..], Assert.True);
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(203, reopened.Count);
        AssertSameRecord(a.Record, await reopened.FindAsync(a.Record.ClientId, Ct));
        Assert.Null(await reopened.FindAsync(b.Record.ClientId, Ct));
        Assert.False(await reopened.TryAddAsync(b.Record, Ct));
        AssertSameRecord(c.Record.WithExpiresAt(expiry), await reopened.FindAsync(c.Record.ClientId, Ct));
        foreach (IssuedToken token in many.Append(first))
        {
            AssertSameRecord(token.Record, await reopened.FindAsync(token.Record.ClientId, Ct));
        }
    }

    [Fact]
    public async Task TryAddAsync_UnwritableRecordInABatch_FailsOnlyThatCall()
    {
        // Arrange: a description longer than a stored text may be cannot be written; it must not sink its neighbours.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        StoredToken unwritable = NewToken().Record;
        unwritable = new StoredToken(unwritable.ClientId, unwritable.OrganizationId, unwritable.RoleId, unwritable.Verifier, unwritable.CreatedAt)
        {
            Description = new string('x', 70_000),
        };
        List<IssuedToken> neighbours = [.. Enumerable.Range(0, 10).Select(_ => NewToken())];
        Task<bool> first;
        Task<bool> bad;
        Task<bool>[] others;

        // Act
        using (HoldLock(directory))
        {
            first = store.TryAddAsync(NewToken().Record, Ct);
            // Argument problems may surface synchronously (the usual .NET pattern) or in the task: accept either.
            bad = Task.Run(() => store.TryAddAsync(unwritable, Ct), Ct);
            others = [.. neighbours.Select(t => store.TryAddAsync(t.Record, Ct))];
        }

        Exception? badFailure = await Record.ExceptionAsync(() => bad.WaitAsync(s_patience, Ct));
        Exception? othersFailure = await Record.ExceptionAsync(() => Task.WhenAll(others).WaitAsync(s_patience, Ct));

        // Assert
        Assert.True(await first);
        Assert.True(badFailure is ArgumentException or TokenStoreException, $"Unexpected outcome for the unwritable record: {badFailure?.ToString() ?? "accepted"}");
        Assert.True(othersFailure is null, $"Valid writes batched with an unwritable record failed: {othersFailure}");
        Assert.All(await Task.WhenAll(others), Assert.True);
        store.Dispose();
        Assert.Equal(11, Open(directory).Count);
    }

    // ---- Never a secret ----

    [Theory]
    [InlineData(TokenFormatKind.Checksummed, VerifierAlgorithm.Sha256)]
    [InlineData(TokenFormatKind.Astra, VerifierAlgorithm.Sha256)]
    [InlineData(TokenFormatKind.Astra, VerifierAlgorithm.HmacSha256)]
    public async Task TryAddAsync_Log_HoldsNeitherSecretNorTokenNorTokenHash(TokenFormatKind format, VerifierAlgorithm algorithm)
    {
        // Arrange
        TokenSdkOptions options = algorithm == VerifierAlgorithm.HmacSha256 ? HmacOptions() : new TokenSdkOptions();
        var generator = new TokenGenerator(options);
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory, autoCompact: false);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, 5).Select(_ => generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser) { Format = format, Description = "svc" }))];

        // Act
        await AddAllAsync(store, tokens.Select(t => t.Record));
        Assert.True(await store.SetExpiryAsync(tokens[0].Record.ClientId, new DateTimeOffset(2080, 1, 1, 0, 0, 0, TimeSpan.Zero), Ct));
        Assert.True(await store.DeleteAsync(tokens[1].Record.ClientId, Ct));
        byte[] log = File.ReadAllBytes(LogPath(directory));

        // Assert
        foreach (IssuedToken token in tokens)
        {
            byte[] t = SHA256.HashData(Encoding.UTF8.GetBytes(token.Details.Secret));
            AssertAbsent(log, Encoding.UTF8.GetBytes(token.Details.Secret), "the secret");
            AssertAbsent(log, Encoding.UTF8.GetBytes(token.Details.Token), "the token");
            AssertAbsent(log, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(t)), "hex(T)");
            AssertAbsent(log, Encoding.ASCII.GetBytes(Convert.ToHexString(t)), "HEX(T)");
            AssertAbsent(log, t, "T");
        }

        // The search does find what the store must keep: client ids and verifiers.
        byte[] verifier = new byte[32];
        tokens[2].Record.Verifier.CopyValueTo(verifier);
        Assert.True(log.AsSpan().IndexOf(verifier) >= 0);
        Assert.True(log.AsSpan().IndexOf(Encoding.ASCII.GetBytes(tokens[2].Record.ClientId)) >= 0);
    }

    // ---- Dependency injection ----

    [Fact]
    public async Task AddFileStore_Directory_ResolvesADurableFileStoreThatVerifies()
    {
        // Arrange
        string directory = StoreDirectory();
        var services = new ServiceCollection();
        services.AddTokenSdk().AddFileStore(directory);
        IssuedToken issued;
        ITokenStore store;

        // Act
        await using (ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            store = provider.GetRequiredService<ITokenStore>();
            issued = provider.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
            Assert.True(await store.TryAddAsync(issued.Record, Ct));

            // Assert
            FileTokenStore fileStore = Assert.IsType<FileTokenStore>(store);
            Assert.Same(fileStore, provider.GetRequiredService<FileTokenStore>());
            Assert.Equal(Path.GetFullPath(directory), fileStore.DirectoryPath);
            Assert.True((await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(issued.Details.Token, Ct)).IsValid);
        }

        // The container disposed the store; what it wrote is on disk.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.TryAddAsync(NewToken().Record, Ct));
        AssertSameRecord(issued.Record, await Open(directory).FindAsync(issued.Record.ClientId, Ct));
    }

    [Fact]
    public void AddFileStore_NoDirectory_FailsStartValidationNamingDirectory()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddTokenSdk().AddFileStore(o => o.Directory = null);
        using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        // Assert
        Assert.Equal(typeof(FileTokenStoreOptions), exception.OptionsType);
        Assert.Contains("Directory", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFileStore_BadRefreshInterval_FailsStartValidationNamingIt()
    {
        // Arrange
        var services = new ServiceCollection();
        string directory = StoreDirectory();
        services.AddTokenSdk().AddFileStore(o =>
        {
            o.Directory = directory;
            o.RefreshInterval = TimeSpan.FromHours(1);
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        // Assert
        Assert.Contains("RefreshInterval", exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void AddFileStore_BlankDirectory_ThrowsArgumentException(string? directory)
    {
        // Arrange
        ITokenSdkBuilder builder = new ServiceCollection().AddTokenSdk();

        // Act
        ArgumentException exception = Assert.ThrowsAny<ArgumentException>(() => builder.AddFileStore(directory!));

        // Assert
        Assert.Equal("directory", exception.ParamName);
    }

    [Fact]
    public void AddFileStore_StoreAlreadyRegistered_TheHostStoreWins()
    {
        // Arrange
        var hostStore = new InMemoryTokenStore();
        var services = new ServiceCollection();
        services.AddSingleton<ITokenStore>(hostStore);

        // Act
        services.AddTokenSdk().AddFileStore(StoreDirectory());
        using ServiceProvider provider = services.BuildServiceProvider();

        // Assert
        Assert.Same(hostStore, provider.GetRequiredService<ITokenStore>());
    }

    // ---- Helpers ----

    private string StoreDirectory() => _directory.Combine(Guid.NewGuid().ToString("N"));

    private static string LogPath(string directory) => Path.Combine(directory, FileTokenStore.LogFileName);

    private FileTokenStore Open(string directory, TimeSpan? refreshInterval = null, bool autoCompact = true, TimeSpan? lockTimeout = null)
    {
        var options = new FileTokenStoreOptions { Directory = directory, AutoCompact = autoCompact };
        if (refreshInterval is { } interval)
        {
            options.RefreshInterval = interval;
        }

        if (lockTimeout is { } timeout)
        {
            options.LockTimeout = timeout;
        }

        var store = new FileTokenStore(options);
        _stores.Add(store);
        return store;
    }

    private IssuedToken NewToken() => _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser) { Description = "test", CreatedBy = "tests" });

    private static TokenSdkOptions HmacOptions()
    {
        var options = new TokenSdkOptions();
        options.Hashing.Algorithm = VerifierAlgorithm.HmacSha256;
        options.Hashing.CurrentKeyId = "2025-01";
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = "2025-01", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        return options;
    }

    /// <summary>Adds tokens one after the other (so record i is token i) and disposes the store.</summary>
    private async Task<List<IssuedToken>> WriteTokensAsync(string directory, int count)
    {
        List<IssuedToken> tokens = [.. Enumerable.Range(0, count).Select(_ => NewToken())];
        using FileTokenStore store = Open(directory);
        foreach (IssuedToken token in tokens)
        {
            Assert.True(await store.TryAddAsync(token.Record, Ct));
        }

        return tokens;
    }

    private static async Task AddAllAsync(FileTokenStore store, IEnumerable<StoredToken> records)
    {
        bool[] added = await Task.WhenAll(records.Select(r => Task.Run(() => store.TryAddAsync(r, Ct), Ct)));
        Assert.All(added, Assert.True);
    }

    /// <summary>Splits a log into records by their length prefixes (offset and total length of each).</summary>
    private static List<(int Offset, int Length)> RecordSpans(byte[] log)
    {
        var records = new List<(int Offset, int Length)>();
        int position = HeaderLength;
        while (position + RecordPrefixLength <= log.Length)
        {
            int length = RecordPrefixLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(position));
            if (position + length > log.Length)
            {
                break;
            }

            records.Add((position, length));
            position += length;
        }

        Assert.Equal(log.Length, position);
        return records;
    }

    private static ulong ReadGeneration(string directory)
    {
        using var log = new FileStream(LogPath(directory), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        byte[] header = new byte[HeaderLength];
        log.ReadExactly(header);
        return BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16));
    }

    /// <summary>Takes the store's lock as another writer would; the store waits for it until disposed.</summary>
    private static FileStream HoldLock(string directory) =>
        new(Path.Combine(directory, FileTokenStore.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A record prefix announcing <paramref name="declared"/> payload bytes, followed by bytes whose checksum does not match.</summary>
    private static byte[] LengthPrefixedGarbage(int length, int declared)
    {
        byte[] bytes = RandomBytes(length, seed: 7);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)declared);
        return bytes;
    }

    private static void CutLog(string log, long length)
    {
        using var file = new FileStream(log, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }

    private static void AppendToLog(string log, byte[] bytes)
    {
        using var file = new FileStream(log, FileMode.Append, FileAccess.Write);
        file.Write(bytes);
    }

    private static bool IsSymbolicLink(string path) => new FileInfo(path).LinkTarget is not null;

    private FileTokenStore Track(FileTokenStore store)
    {
        _stores.Add(store);
        return store;
    }

    private static string[] TornFiles(string directory) => Directory.GetFiles(directory, FileTokenStore.LogFileName + ".torn-*");

    private static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan interval)
    {
        // Generous on purpose: this checks that the change arrives without RefreshAsync, not how fast.
        TimeSpan deadline = interval + s_patience;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(10, Ct);
        }

        return false;
    }

    private static void AssertAbsent(byte[] log, byte[] needle, string what)
    {
        Assert.True(log.AsSpan().IndexOf(needle) < 0, $"The log contains {what}.");
    }

    private static void AssertSameRecord(StoredToken expected, StoredToken? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.ClientId, actual.ClientId);
        Assert.Equal(expected.OrganizationId, actual.OrganizationId);
        Assert.Equal(expected.RoleId, actual.RoleId);
        Assert.Equal(expected.Verifier, actual.Verifier);
        Assert.Equal(expected.Verifier.Algorithm, actual.Verifier.Algorithm);
        Assert.Equal(expected.Verifier.Version, actual.Verifier.Version);
        Assert.Equal(expected.Verifier.KeyId, actual.Verifier.KeyId);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.CreatedAt.Offset, actual.CreatedAt.Offset);
        Assert.Equal(expected.CreatedBy, actual.CreatedBy);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.ExpiresAt?.UtcTicks, actual.ExpiresAt?.UtcTicks);
    }
}
