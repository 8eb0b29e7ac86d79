using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Storage.FileStore;
using TokenSdk.Tests.TestSupport;

namespace TokenSdk.Tests.Storage;

/// <summary>
/// Run-time roles in the file store: records of the token log, durable across reopen and compaction (deleted ids
/// included), torn and damaged role records handled as token records are, the format version 2 a log with roles takes,
/// and the role rules (compare-and-set, names, ids never reused, no deletion of a role a token holds, no token with a
/// deleted role) held between two instances on one directory, which decide writes against the log, not their snapshot.
/// </summary>
public sealed class FileTokenStoreRoleTests : IDisposable
{
    private const string Org = "acme";
    private const int HeaderLength = 32;
    private const int RecordPrefixLength = 8;

    private static readonly DateTimeOffset s_created = new(2026, 11, 30, 9, 15, 0, 123, TimeSpan.FromMinutes(330));

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

    // ---- Durability ----

    [Fact]
    public async Task Reopen_KeepsEveryFieldOfEveryRoleAndItsVersion()
    {
        // Arrange
        string directory = StoreDirectory();
        StoredRole full = new(
            "db-operators",
            Org,
            "Database operators ✓",
            ["db.read", "db.write", "db.admin"],
            ["drn:acme:db:orders", "drn:acme:db:billing/ünïcode"],
            "Runs the databases.\nOn call: \"ops\" 🚀",
            s_created,
            s_created.AddDays(1).ToOffset(TimeSpan.FromHours(-5)),
            "alice@acme.example",
            1);
        StoredRole bare = Role("viewers", "Viewers", version: 1, permissions: [], description: null);
        StoredRole updated = Role("db-operators", "Database operators (v2)", version: 2, permissions: ["db.read"]);
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True((await writer.AddRoleAsync(full, Ct)).Succeeded);
            Assert.True((await writer.AddRoleAsync(bare, Ct)).Succeeded);
        }

        // Act
        FileTokenStore reopened = Open(directory);

        // Assert
        Assert.Equal(2, reopened.Roles.Count);
        AssertSameRole(full, Assert.IsType<StoredRole>(Find(reopened, "db-operators")));
        AssertSameRole(bare, Assert.IsType<StoredRole>(Find(reopened, "viewers")));

        // The version survived: the next update applies only to version 1.
        Assert.Equal(RoleStoreStatus.VersionMismatch, (await reopened.UpdateRoleAsync(Role("db-operators", "x", version: 3), Ct)).Status);
        Assert.True((await reopened.UpdateRoleAsync(updated, Ct)).Succeeded);
        reopened.Dispose();
        AssertSameRole(updated, Find(Open(directory), "db-operators"));
    }

    [Fact]
    public async Task Reopen_DeletedRoleIdStaysTakenAndRefusedInTokens()
    {
        // Arrange
        string directory = StoreDirectory();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True((await writer.AddRoleAsync(Role("temporary", "Temporary"), Ct)).Succeeded);
            Assert.True((await writer.DeleteRoleAsync(Org, "temporary", cancellationToken: Ct)).Succeeded);
        }

        // Act
        FileTokenStore reopened = Open(directory);

        // Assert: ids are never reused (in any case), the name is free again, and a token cannot hold the old id.
        Assert.Empty(reopened.Roles);
        Assert.Equal(RoleStoreStatus.IdTaken, (await reopened.AddRoleAsync(Role("temporary", "Temporary"), Ct)).Status);
        Assert.Equal(RoleStoreStatus.IdTaken, (await reopened.AddRoleAsync(Role("TEMPORARY", "Other"), Ct)).Status);
        Assert.True((await reopened.AddRoleAsync(Role("temporary-2", "Temporary"), Ct)).Succeeded);
        RoleDeletedException refused = await Assert.ThrowsAsync<RoleDeletedException>(() => reopened.TryAddAsync(TokenHolding("Temporary"), Ct));
        Assert.Equal("Temporary", refused.RoleId);
        Assert.Equal(0, reopened.Count);
    }

    [Fact]
    public async Task Reopen_RoleOfTheLongestTextsRoundTrips()
    {
        // Arrange: the most permissions and resources, at their longest, in 3-byte UTF-8: larger than a token record may be.
        string directory = StoreDirectory();
        StoredRole largest = new(
            new string('r', 64),
            Org,
            new string('€', 100),
            Enumerable.Range(0, StoredRole.MaxPermissions).Select(i => $"{i:D3}{new string('€', 61)}"),
            Enumerable.Range(0, StoredRole.MaxResources).Select(i => $"{i:D2}{new string('€', StoredRole.MaxResourceLength - 2)}"),
            new string('€', StoredRole.MaxDescriptionLength),
            s_created,
            s_created,
            new string('€', StoredRole.MaxActorLength),
            1);
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True((await writer.AddRoleAsync(largest, Ct)).Succeeded);
        }

        // Act
        FileTokenStore reopened = Open(directory);

        // Assert
        Assert.True(new FileInfo(LogPath(directory)).Length > LogFormat.MaxPayloadLength);
        AssertSameRole(largest, Find(reopened, largest.Id));
    }

    [Fact]
    public async Task AddRoleAsync_FirstRole_RewritesTheLogAsVersion2AndKeepsTheTokens()
    {
        // Arrange: a store with tokens and no role is a version 1 log, as earlier releases write it.
        string directory = StoreDirectory();
        var logger = new FakeLogger<FileTokenStore>();
        FileTokenStore store = Track(new FileTokenStore(new FileTokenStoreOptions { Directory = directory }, logger: logger));
        IssuedToken[] tokens = [NewToken(), NewToken()];
        foreach (IssuedToken token in tokens)
        {
            Assert.True(await store.TryAddAsync(token.Record, Ct));
        }

        Assert.True(await store.DeleteAsync(tokens[1].Record.ClientId, Ct));
        Assert.Equal(LogFormat.Version, ReadHeaderVersion(directory));
        ulong generation = ReadGeneration(directory);

        // Act
        Assert.True((await store.AddRoleAsync(Role("first", "First"), Ct)).Succeeded);

        // Assert: a new file (new generation) of version 2, which a release that reads only version 1 refuses by its
        // version; every token and tombstone kept.
        Assert.Equal(LogFormat.RolesVersion, ReadHeaderVersion(directory));
        Assert.NotEqual(generation, ReadGeneration(directory));
        FakeLogRecord upgraded = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 3006);
        Assert.Equal(LogLevel.Warning, upgraded.Level);
        Assert.Contains("version 1 to 2", upgraded.Message, StringComparison.Ordinal);
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(1, reopened.Count);
        Assert.NotNull(await reopened.FindAsync(tokens[0].Record.ClientId, Ct));
        Assert.False(await reopened.TryAddAsync(tokens[1].Record, Ct));
        Assert.NotNull(Find(reopened, "first"));
        Assert.True((await reopened.AddRoleAsync(Role("second", "Second"), Ct)).Succeeded);
        Assert.Equal(LogFormat.RolesVersion, ReadHeaderVersion(directory));
    }

    [Fact]
    public async Task AddRoleAsync_FirstRoleOnAFullDisk_FailsAndChangesNothing()
    {
        // /dev/full answers every write with ENOSPC: a compaction file linked to it is a full disk for the rewrite only.
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "needs Linux's /dev/full");

        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        IssuedToken token = NewToken();
        Assert.True(await store.TryAddAsync(token.Record, Ct));
        byte[] before = File.ReadAllBytes(LogPath(directory));
        string compactFile = Path.Combine(directory, FileTokenStore.LogFileName + ".compact");
        File.CreateSymbolicLink(compactFile, "/dev/full");

        // Act
        TokenStoreException failure = await Assert.ThrowsAsync<TokenStoreException>(() => store.AddRoleAsync(Role("r", "R"), Ct));
        bool linkRemoved = !File.Exists(compactFile) && new FileInfo(compactFile).LinkTarget is null;
        byte[] after = File.ReadAllBytes(LogPath(directory));
        RoleStoreResult retried = await store.AddRoleAsync(Role("r", "R"), Ct);

        // Assert: the failed write changed no byte and no role; the next one upgrades and writes.
        Assert.Contains("Nothing was changed", failure.Message, StringComparison.Ordinal);
        Assert.True(linkRemoved, "The failed rewrite left its file behind.");
        Assert.Equal(before, after);
        Assert.True(retried.Succeeded, retried.ToString());
        Assert.Equal(LogFormat.RolesVersion, ReadHeaderVersion(directory));
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.NotNull(Find(reopened, "r"));
        Assert.NotNull(await reopened.FindAsync(token.Record.ClientId, Ct));
    }

    [Fact]
    public async Task CompactAsync_KeepsLiveRolesTheirVersionsAndDeletedIds()
    {
        // Arrange: many versions of one role, a deleted role, a role a token holds.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        Assert.True((await store.AddRoleAsync(Role("edited", "Edited"), Ct)).Succeeded);
        for (int version = 2; version <= 30; version++)
        {
            Assert.True((await store.UpdateRoleAsync(Role("edited", $"Edited {version}", version), Ct)).Succeeded);
        }

        Assert.True((await store.AddRoleAsync(Role("gone", "Gone"), Ct)).Succeeded);
        Assert.True((await store.DeleteRoleAsync(Org, "gone", 1, Ct)).Succeeded);
        Assert.True((await store.AddRoleAsync(Role("held", "Held"), Ct)).Succeeded);
        StoredToken holder = TokenHolding("held");
        Assert.True(await store.TryAddAsync(holder, Ct));
        StoredRoleSnapshot before = store.Roles;
        long lengthBefore = new FileInfo(LogPath(directory)).Length;

        // Act
        await store.CompactAsync(Ct);

        // Assert: the file shrank; the roles this instance publishes did not change (same snapshot).
        Assert.True(new FileInfo(LogPath(directory)).Length < lengthBefore);
        Assert.Same(before, store.Roles);
        store.Dispose();
        FileTokenStore reopened = Open(directory);
        Assert.Equal(new[] { "edited", "held" }, reopened.Roles.Select(r => r.Id));
        Assert.Equal(30, Find(reopened, "edited")!.Version);
        Assert.Equal("Edited 30", Find(reopened, "edited")!.Name);
        Assert.Equal(RoleStoreStatus.IdTaken, (await reopened.AddRoleAsync(Role("gone", "Gone"), Ct)).Status);
        await Assert.ThrowsAsync<RoleDeletedException>(() => reopened.TryAddAsync(TokenHolding("gone"), Ct));
        RoleStoreResult inUse = await reopened.DeleteRoleAsync(Org, "held", cancellationToken: Ct);
        Assert.Equal(RoleStoreStatus.InUse, inUse.Status);
        Assert.Equal(1, inUse.TokenCount);
        Assert.Equal(LogFormat.RolesVersion, ReadHeaderVersion(directory));
    }

    // ---- Crashes and damage ----

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(40)]
    [InlineData(-1)]
    public async Task TornRoleRecordAtTheEnd_IsLeftWhileReadingThenMovedAsideByTheNextWrite(int keptOfLastRecord)
    {
        // Arrange: the last record, a role, cut short as a crash leaves it.
        string directory = StoreDirectory();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True((await writer.AddRoleAsync(Role("kept", "Kept"), Ct)).Succeeded);
            Assert.True((await writer.AddRoleAsync(Role("torn", "Torn"), Ct)).Succeeded);
        }

        string log = LogPath(directory);
        (int lastOffset, int lastLength) = RecordSpans(File.ReadAllBytes(log))[^1];
        int cut = lastOffset + (keptOfLastRecord >= 0 ? keptOfLastRecord : lastLength + keptOfLastRecord);
        using (var file = new FileStream(log, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(cut);
        }

        byte[] before = File.ReadAllBytes(log);

        // Act
        FileTokenStore store = Open(directory);
        await store.RefreshAsync(Ct);
        byte[] afterReading = File.ReadAllBytes(log);
        RoleStoreResult again = await store.AddRoleAsync(Role("torn", "Torn"), Ct);

        // Assert: the acknowledged role is there, the torn one was never acknowledged so its id is free.
        Assert.Equal(before, afterReading);
        Assert.True(again.Succeeded, again.ToString());
        Assert.Single(Directory.GetFiles(directory, FileTokenStore.LogFileName + ".torn-*"));
        store.Dispose();
        Assert.Equal(new[] { "kept", "torn" }, Open(directory).Roles.Select(r => r.Id));
    }

    [Theory]
    [InlineData(false, 8)]
    [InlineData(false, 20)]
    [InlineData(false, -1)]
    [InlineData(true, 8)]
    [InlineData(true, 20)]
    [InlineData(true, -1)]
    public async Task CorruptedRoleRecord_ThrowsCorruptedNamingFileAndOffset(bool last, int byteInRecord)
    {
        // Arrange: a flipped byte in a role record, the last one or one followed by a token.
        string directory = StoreDirectory();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True((await writer.AddRoleAsync(Role("first", "First"), Ct)).Succeeded);
            Assert.True((await writer.AddRoleAsync(Role("damaged", "Damaged"), Ct)).Succeeded);
            if (!last)
            {
                Assert.True(await writer.TryAddAsync(NewToken().Record, Ct));
            }
        }

        string log = LogPath(directory);
        byte[] bytes = File.ReadAllBytes(log);
        (int offset, int length) = RecordSpans(bytes)[last ? ^1 : ^2];
        bytes[offset + (byteInRecord >= 0 ? byteInRecord : length + byteInRecord)] ^= 0x5A;
        File.WriteAllBytes(log, bytes);

        // Act
        TokenStoreCorruptedException exception = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));

        // Assert
        Assert.Equal(log, exception.FilePath);
        Assert.Equal(offset, exception.Offset);
        Assert.Equal(bytes, File.ReadAllBytes(log));
    }

    [Fact]
    public async Task RoleRecordOfAnInvalidRole_WithAValidChecksum_ThrowsCorrupted()
    {
        // Arrange: a role record whose version field reads 0 (no role has it), its checksum recomputed: damage, not a role.
        string directory = StoreDirectory();
        using (FileTokenStore writer = Open(directory))
        {
            Assert.True((await writer.AddRoleAsync(Role("first", "First"), Ct)).Succeeded);
            Assert.True(await writer.TryAddAsync(NewToken().Record, Ct));
        }

        string log = LogPath(directory);
        byte[] bytes = File.ReadAllBytes(log);
        (int offset, int length) = RecordSpans(bytes)[0];
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset + length - 8), 0);
        Span<byte> record = bytes.AsSpan(offset, length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(record[..4], record[RecordPrefixLength..]));
        File.WriteAllBytes(log, bytes);

        // Act
        TokenStoreCorruptedException exception = Assert.Throws<TokenStoreCorruptedException>(() => Open(directory));

        // Assert
        Assert.Equal(offset, exception.Offset);
    }

    // ---- Writes ----

    [Fact]
    public async Task AddRoleAsync_VersionOtherThan1_ThrowsAndWritesNothing()
    {
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        long length = new FileInfo(LogPath(directory)).Length;

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddRoleAsync(Role("two", "Two", version: 2), Ct));

        Assert.Equal(length, new FileInfo(LogPath(directory)).Length);
        Assert.Empty(store.Roles);
    }

    [Fact]
    public async Task RoleWrites_AfterDispose_ThrowObjectDisposed()
    {
        FileTokenStore store = Open(StoreDirectory());
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AddRoleAsync(Role("r", "R"), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.UpdateRoleAsync(Role("r", "R", 2), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.DeleteRoleAsync(Org, "r", cancellationToken: Ct));
    }

    [Fact]
    public async Task RoleWrites_ReturnWithTheChangeInRolesAndANewSnapshotEachTime()
    {
        FileTokenStore store = Open(StoreDirectory());
        StoredRoleSnapshot empty = store.Roles;

        Assert.True((await store.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        StoredRoleSnapshot added = store.Roles;
        Assert.True((await store.UpdateRoleAsync(Role("r", "R2", 2), Ct)).Succeeded);
        StoredRoleSnapshot updated = store.Roles;
        Assert.True((await store.DeleteRoleAsync(Org, "R", 2, Ct)).Succeeded);
        StoredRoleSnapshot deleted = store.Roles;
        Assert.True(await store.TryAddAsync(NewToken().Record, Ct));
        await store.RefreshAsync(Ct);

        Assert.Empty(empty);
        Assert.Equal(1, Find(added, "r")!.Version);
        Assert.Equal(2, Find(updated, "r")!.Version);
        Assert.Empty(deleted);
        Assert.Equal(4, new HashSet<StoredRoleSnapshot>([empty, added, updated, deleted], ReferenceEqualityComparer.Instance).Count);
        Assert.Same(deleted, store.Roles);
    }

    [Fact]
    public async Task OneBatch_TokenAddedThenRoleDeleted_DeletionRefusedInUse()
    {
        // Arrange: writes queued while another writer holds the lock are decided together, in order.
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        Assert.True((await store.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        StoredToken holder = TokenHolding("r");
        Task<bool> first;
        Task<bool> add;
        Task<RoleStoreResult> delete;

        // Act
        using (HoldLock(directory))
        {
            first = store.TryAddAsync(NewToken().Record, Ct);
            add = store.TryAddAsync(holder, Ct);
            delete = store.DeleteRoleAsync(Org, "r", cancellationToken: Ct);
        }

        // Assert
        Assert.True(await first);
        Assert.True(await add);
        RoleStoreResult result = await delete;
        Assert.Equal(RoleStoreStatus.InUse, result.Status);
        Assert.Equal(1, result.TokenCount);
    }

    [Fact]
    public async Task OneBatch_RoleDeletedThenTokenAdded_TokenRefusedAndNeighboursWritten()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        Assert.True((await store.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        StoredToken other = NewToken().Record;
        Task<bool> first;
        Task<RoleStoreResult> delete;
        Task<bool> add;
        Task<bool> neighbour;

        // Act
        using (HoldLock(directory))
        {
            first = store.TryAddAsync(NewToken().Record, Ct);
            delete = store.DeleteRoleAsync(Org, "r", cancellationToken: Ct);
            add = store.TryAddAsync(TokenHolding("r"), Ct);
            neighbour = store.TryAddAsync(other, Ct);
        }

        // Assert
        Assert.True(await first);
        Assert.True((await delete).Succeeded);
        Assert.Equal("r", (await Assert.ThrowsAsync<RoleDeletedException>(() => add)).RoleId);
        Assert.True(await neighbour);
        store.Dispose();
        Assert.Equal(2, Open(directory).Count);
    }

    [Fact]
    public async Task OneBatch_AddUpdateAndSameName_DecidedInOrder()
    {
        string directory = StoreDirectory();
        FileTokenStore store = Open(directory);
        Task<bool> first;
        Task<RoleStoreResult> add;
        Task<RoleStoreResult> update;
        Task<RoleStoreResult> sameName;
        Task<RoleStoreResult> staleUpdate;

        using (HoldLock(directory))
        {
            first = store.TryAddAsync(NewToken().Record, Ct);
            add = store.AddRoleAsync(Role("a", "Alpha"), Ct);
            update = store.UpdateRoleAsync(Role("a", "Alpha 2", 2), Ct);
            sameName = store.AddRoleAsync(Role("b", "ALPHA 2"), Ct);
            staleUpdate = store.UpdateRoleAsync(Role("a", "Alpha again", 2), Ct);
        }

        Assert.True(await first);
        Assert.True((await add).Succeeded);
        Assert.True((await update).Succeeded);
        RoleStoreResult nameTaken = await sameName;
        Assert.Equal(RoleStoreStatus.NameTaken, nameTaken.Status);
        Assert.Equal("a", nameTaken.Role!.Id);
        RoleStoreResult mismatch = await staleUpdate;
        Assert.Equal(RoleStoreStatus.VersionMismatch, mismatch.Status);
        Assert.Equal(2, mismatch.Role!.Version);
        store.Dispose();
        Assert.Equal("Alpha 2", Assert.Single(Open(directory).Roles).Name);
    }

    [Fact]
    public async Task DeleteRoleAsync_ExpiredTokenNotPurged_StillInUse()
    {
        FileTokenStore store = Open(StoreDirectory());
        Assert.True((await store.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        StoredToken holder = TokenHolding("other", "r");
        Assert.True(await store.TryAddAsync(holder, Ct));
        Assert.True(await store.SetExpiryAsync(holder.ClientId, DateTimeOffset.UtcNow.AddDays(-1), Ct));

        RoleStoreResult held = await store.DeleteRoleAsync(Org, "r", cancellationToken: Ct);
        Assert.True(await store.DeleteAsync(holder.ClientId, Ct));
        RoleStoreResult free = await store.DeleteRoleAsync(Org, "r", cancellationToken: Ct);

        Assert.Equal(RoleStoreStatus.InUse, held.Status);
        Assert.Equal(1, held.TokenCount);
        Assert.True(free.Succeeded, free.ToString());
    }

    // ---- Two instances on one directory ----

    [Fact]
    public async Task RefreshAsync_SecondInstance_SeesCreateUpdateAndDelete()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        StoredRoleSnapshot initial = second.Roles;

        // Act + Assert: each change arrives with the refresh, as a new snapshot.
        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        await second.RefreshAsync(Ct);
        StoredRoleSnapshot created = second.Roles;
        Assert.NotSame(initial, created);
        Assert.Equal(1, Find(created, "r")!.Version);

        Assert.True((await first.UpdateRoleAsync(Role("r", "R2", 2), Ct)).Succeeded);
        await second.RefreshAsync(Ct);
        StoredRoleSnapshot updated = second.Roles;
        Assert.Equal("R2", Find(updated, "r")!.Name);

        Assert.True((await first.DeleteRoleAsync(Org, "r", 2, Ct)).Succeeded);
        await second.RefreshAsync(Ct);
        Assert.Empty(second.Roles);
        Assert.NotSame(updated, second.Roles);
    }

    [Fact]
    public async Task RefreshAsync_NoRoleChanged_KeepsTheSnapshotEvenAcrossAReload()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        await second.RefreshAsync(Ct);
        StoredRoleSnapshot seen = second.Roles;
        ulong generation = ReadGeneration(directory);

        // Act: token writes, then a compaction (a new file the second instance reads afresh).
        Assert.True(await first.TryAddAsync(NewToken().Record, Ct));
        await second.RefreshAsync(Ct);
        StoredRoleSnapshot afterTokens = second.Roles;
        await first.CompactAsync(Ct);
        await second.RefreshAsync(Ct);

        // Assert
        Assert.NotEqual(generation, ReadGeneration(directory));
        Assert.Same(seen, afterTokens);
        Assert.Same(seen, second.Roles);
        Assert.Equal(1, second.Count);
    }

    [Fact]
    public async Task Roles_OtherInstanceChanges_ArriveWithoutRefreshAsync()
    {
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory, refreshInterval: TimeSpan.FromMilliseconds(20));

        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);

        Assert.True(await PollAsync(() => second.Roles.TryGet("r", out _)), "The second instance never saw the role without RefreshAsync.");
    }

    [Fact]
    public async Task UpdateRoleAsync_StaleInstance_ComparesWithTheLogNotItsSnapshot()
    {
        // Arrange: both instances know version 1.
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        await second.RefreshAsync(Ct);

        // Act: the first writes version 2; the second, still at version 1, tries to write its own version 2.
        Assert.True((await first.UpdateRoleAsync(Role("r", "First's", 2), Ct)).Succeeded);
        Assert.Equal(1, Find(second, "r")!.Version);
        RoleStoreResult stale = await second.UpdateRoleAsync(Role("r", "Second's", 2), Ct);
        RoleStoreResult deleteStale = await second.DeleteRoleAsync(Org, "r", expectedVersion: 1, Ct);

        // Assert: refused with the stored role, which the second instance now shows.
        Assert.Equal(RoleStoreStatus.VersionMismatch, stale.Status);
        Assert.Equal("First's", stale.Role!.Name);
        Assert.Equal(RoleStoreStatus.VersionMismatch, deleteStale.Status);
        Assert.Equal("First's", Find(second, "r")!.Name);
    }

    [Fact]
    public async Task UpdateRoleAsync_TwoInstancesAtOnce_ExactlyOneWinsEachVersion()
    {
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);

        for (int version = 2; version <= 11; version++)
        {
            int v = version;
            RoleStoreResult[] results = await Task.WhenAll(
                Task.Run(() => first.UpdateRoleAsync(Role("r", $"First {v}", v), Ct), Ct),
                Task.Run(() => second.UpdateRoleAsync(Role("r", $"Second {v}", v), Ct), Ct));

            Assert.Single(results, r => r.Succeeded);
            Assert.Single(results, r => r.Status == RoleStoreStatus.VersionMismatch && r.Role!.Version == v);
        }

        await first.RefreshAsync(Ct);
        Assert.Equal(11, Find(first, "r")!.Version);
        Assert.Equal(11, Find(second, "r")!.Version);
    }

    [Fact]
    public async Task AddRoleAsync_NameAndIdTakenInTheOtherInstance_RefusedWithoutRefresh()
    {
        // Arrange
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        Assert.True((await first.AddRoleAsync(Role("deployers", "Deployers"), Ct)).Succeeded);
        Assert.Empty(second.Roles);

        // Act
        RoleStoreResult sameName = await second.AddRoleAsync(Role("deploy-team", "DEPLOYERS"), Ct);
        RoleStoreResult sameId = await second.AddRoleAsync(Role("Deployers", "Other"), Ct);
        RoleStoreResult otherOrg = await second.AddRoleAsync(Role("globex-deployers", "Deployers", organization: "globex"), Ct);

        // Assert
        Assert.Equal(RoleStoreStatus.NameTaken, sameName.Status);
        Assert.Equal("deployers", sameName.Role!.Id);
        Assert.Equal(RoleStoreStatus.IdTaken, sameId.Status);
        Assert.True(otherOrg.Succeeded, otherOrg.ToString());
    }

    [Fact]
    public async Task AddRoleAsync_SameNameFromTwoInstancesAtOnce_ExactlyOneWins()
    {
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);

        for (int round = 0; round < 10; round++)
        {
            int r = round;
            RoleStoreResult[] results = await Task.WhenAll(
                Task.Run(() => first.AddRoleAsync(Role($"first-{r}", $"Team {r}"), Ct), Ct),
                Task.Run(() => second.AddRoleAsync(Role($"second-{r}", $"team {r}"), Ct), Ct));

            Assert.Single(results, x => x.Succeeded);
            Assert.Single(results, x => x.Status == RoleStoreStatus.NameTaken);
        }

        await first.RefreshAsync(Ct);
        Assert.Equal(10, first.Roles.Count);
    }

    [Fact]
    public async Task DeleteRoleAsync_TokenAddedByTheOtherInstance_RefusedInUse()
    {
        // Arrange: the second instance adds a token holding the role; the first has not read it.
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        StoredToken holder = TokenHolding("r");
        Assert.True(await second.TryAddAsync(holder, Ct));
        Assert.Equal(0, first.Count);

        // Act
        RoleStoreResult result = await first.DeleteRoleAsync(Org, "r", cancellationToken: Ct);

        // Assert
        Assert.Equal(RoleStoreStatus.InUse, result.Status);
        Assert.Equal(1, result.TokenCount);
        Assert.NotNull(Find(first, "r"));

        // Once the token is deleted (by the other instance), the role can go.
        Assert.True(await second.DeleteAsync(holder.ClientId, Ct));
        Assert.True((await first.DeleteRoleAsync(Org, "r", cancellationToken: Ct)).Succeeded);
    }

    [Fact]
    public async Task TryAddAsync_RoleDeletedByTheOtherInstance_ThrowsRoleDeletedThoughTheSnapshotStillShowsIt()
    {
        // Arrange: both instances know the role; the first deletes it; the second has not refreshed.
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory, refreshInterval: TimeSpan.FromMinutes(10));
        Assert.True((await first.AddRoleAsync(Role("r", "R"), Ct)).Succeeded);
        await second.RefreshAsync(Ct);
        Assert.True((await first.DeleteRoleAsync(Org, "r", cancellationToken: Ct)).Succeeded);
        Assert.NotNull(Find(second, "r"));
        StoredToken holder = TokenHolding("read-only-user", "R");

        // Act
        RoleDeletedException refused = await Assert.ThrowsAsync<RoleDeletedException>(() => second.TryAddAsync(holder, Ct));

        // Assert: nothing added anywhere, and the second instance caught up while deciding.
        Assert.Equal("R", refused.RoleId);
        Assert.Null(await second.FindAsync(holder.ClientId, Ct));
        Assert.Null(Find(second, "r"));
        await first.RefreshAsync(Ct);
        Assert.Equal(0, first.Count);
        Assert.True(await second.TryAddAsync(TokenHolding("read-only-user"), Ct));
    }

    [Fact]
    public async Task DeleteAndAddAtOnce_TwoInstances_NeverLeaveATokenHoldingADeletedRole()
    {
        // Arrange
        const int Rounds = 15;
        string directory = StoreDirectory();
        FileTokenStore first = Open(directory);
        FileTokenStore second = Open(directory);
        int deletions = 0;
        int adds = 0;

        for (int round = 0; round < Rounds; round++)
        {
            string roleId = $"race-{round}";
            Assert.True((await first.AddRoleAsync(Role(roleId, $"Race {round}"), Ct)).Succeeded);
            await second.RefreshAsync(Ct);
            StoredToken holder = TokenHolding(roleId);

            // Act: each starts first in turn, the other a moment (0 to 2 ms) later.
            int lag = round % 3;
            Task<RoleStoreResult> delete;
            Task<bool> add;
            if (round % 2 == 0)
            {
                delete = Task.Run(() => first.DeleteRoleAsync(Org, roleId, cancellationToken: Ct), Ct);
                add = Task.Run(async () => { await Task.Delay(lag, Ct); return await second.TryAddAsync(holder, Ct); }, Ct);
            }
            else
            {
                add = Task.Run(() => second.TryAddAsync(holder, Ct), Ct);
                delete = Task.Run(async () => { await Task.Delay(lag, Ct); return await first.DeleteRoleAsync(Org, roleId, cancellationToken: Ct); }, Ct);
            }

            RoleStoreResult deleted = await delete;
            Exception? addFailure = await Record.ExceptionAsync(() => add);

            // Assert: exactly one of them happened.
            if (deleted.Succeeded)
            {
                Assert.IsType<RoleDeletedException>(addFailure);
                deletions++;
            }
            else
            {
                Assert.Equal(RoleStoreStatus.InUse, deleted.Status);
                Assert.Null(addFailure);
                Assert.True(await add);
                adds++;
            }
        }

        FileTokenStore reopened = Open(directory);
        foreach (StoredToken token in await reopened.ListAsync(new TokenListQuery { Limit = 1000 }, Ct))
        {
            Assert.All(token.RoleIds, id => Assert.True(reopened.Roles.TryGet(id, out _), $"Token {token.ClientId} holds the deleted role {id}."));
        }

        Assert.Equal(Rounds, deletions + adds);
        Assert.Equal(adds, reopened.Count);
        TestContext.Current.TestOutputHelper?.WriteLine($"{deletions} deletions won, {adds} adds won.");
    }

    // ---- Helpers ----

    private string StoreDirectory() => _directory.Combine(Guid.NewGuid().ToString("N"));

    private static string LogPath(string directory) => Path.Combine(directory, FileTokenStore.LogFileName);

    private FileTokenStore Open(string directory, TimeSpan? refreshInterval = null)
    {
        var options = new FileTokenStoreOptions { Directory = directory };
        if (refreshInterval is { } interval)
        {
            options.RefreshInterval = interval;
        }

        var store = new FileTokenStore(options);
        _stores.Add(store);
        return store;
    }

    private FileTokenStore Track(FileTokenStore store)
    {
        _stores.Add(store);
        return store;
    }

    private static StoredRole Role(string id, string name, long version = 1, string organization = Org, string[]? permissions = null, string? description = "A role.") =>
        new(id, organization, name, permissions ?? ["db.read"], [], description, s_created, s_created.AddMinutes(version), "tests", version);

    private IssuedToken NewToken() => _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser) { OrganizationId = Org });

    /// <summary>A token record of the organization holding <paramref name="roleIds"/>.</summary>
    private StoredToken TokenHolding(params string[] roleIds)
    {
        StoredToken record = NewToken().Record;
        return new StoredToken(record.ClientId, record.OrganizationId, roleIds, record.Verifier, record.CreatedAt);
    }

    private static StoredRole? Find(FileTokenStore store, string id) => Find(store.Roles, id);

    private static StoredRole? Find(StoredRoleSnapshot roles, string id) => roles.TryGet(id, out StoredRole? role) ? role : null;

    private static ushort ReadHeaderVersion(string directory) => BinaryPrimitives.ReadUInt16LittleEndian(ReadHeader(directory).AsSpan(8));

    private static ulong ReadGeneration(string directory) => BinaryPrimitives.ReadUInt64LittleEndian(ReadHeader(directory).AsSpan(16));

    private static byte[] ReadHeader(string directory)
    {
        using var log = new FileStream(LogPath(directory), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        byte[] header = new byte[HeaderLength];
        log.ReadExactly(header);
        return header;
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

    /// <summary>Takes the store's lock as another writer would; the store waits for it until disposed.</summary>
    private static FileStream HoldLock(string directory) =>
        new(Path.Combine(directory, FileTokenStore.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    private static async Task<bool> PollAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10, Ct);
        }

        return false;
    }

    private static void AssertSameRole(StoredRole expected, StoredRole? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.OrganizationId, actual.OrganizationId);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Permissions, actual.Permissions);
        Assert.Equal(expected.Resources, actual.Resources);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.CreatedAt.Offset, actual.CreatedAt.Offset);
        Assert.Equal(expected.UpdatedAt.UtcTicks, actual.UpdatedAt.UtcTicks);
        Assert.Equal(expected.UpdatedAt.Offset, actual.UpdatedAt.Offset);
        Assert.Equal(expected.UpdatedBy, actual.UpdatedBy);
        Assert.Equal(expected.Version, actual.Version);
    }
}
