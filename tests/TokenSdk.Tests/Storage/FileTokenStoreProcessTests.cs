using System.Diagnostics;
using System.Globalization;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Storage;

/// <summary>Runs the tests that start worker processes one at a time, after the parallel tests, so they share no CPU.</summary>
[CollectionDefinition(nameof(StoreWorkerCollection), DisableParallelization = true)]
public sealed class StoreWorkerCollection;

/// <summary>
/// The file store across processes: a worker killed with SIGKILL at random moments, two workers and this process
/// writing at once, and deletions crossing process boundaries within the documented bound.
/// </summary>
[Collection(nameof(StoreWorkerCollection))]
[Trait("Category", "Slow")]
public sealed class FileTokenStoreProcessTests : IDisposable
{
    // How long to wait for a worker to start, print or end. Generous: a loaded CI machine may be slow, never wrong.
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

    private readonly TemporaryDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Chaos_KilledAtRandomMoments_KeepsEveryAcknowledgedOperation()
    {
        // Arrange
        const int Cycles = 50;
        const int Seed = 20_240_611;
        var random = new Random(Seed);
        string directory = _directory.Combine("store");
        var live = new Dictionary<string, string>(StringComparer.Ordinal);
        var deleted = new Dictionary<string, string>(StringComparer.Ordinal);
        int totalAdds = 0;
        int totalDeletes = 0;
        int inFlightDeletes = 0;
        var clock = Stopwatch.StartNew();

        for (int cycle = 0; cycle < Cycles; cycle++)
        {
            // Act: each cycle continues on what the previous ones left, torn tails and half-done compactions included.
            IReadOnlyList<string> lines;
            using (StoreWorkerProcess worker = StoreWorkerProcess.Start("chaos", directory, random.Next().ToString(CultureInfo.InvariantCulture)))
            {
                await worker.WaitForReadyAsync(s_patience, Ct);
                await Task.Delay(random.Next(30, 251), Ct);
                worker.Kill();
                lines = worker.Lines;
            }

            var addedNow = new HashSet<string>(StringComparer.Ordinal);
            foreach (string line in lines)
            {
                string[] parts = line.Split(' ');
                if (parts is ["ADD", string clientId, string token])
                {
                    live.Add(clientId, token);
                    addedNow.Add(clientId);
                    totalAdds++;
                }
                else if (parts is ["DEL", string gone])
                {
                    Assert.True(live.Remove(gone, out string? goneToken), $"Cycle {cycle}: the worker deleted {gone}, which it never added.");
                    deleted.Add(gone, goneToken);
                    totalDeletes++;
                }
                else
                {
                    Assert.Equal("READY", line);
                }
            }

            // Assert
            using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });
            var verifier = new TokenVerifier(store, new RoleCatalog());

            // The worker runs one operation at a time, so at most one was in flight when it died. If that was the delete
            // of a token it added in this cycle, the delete may have landed without being acknowledged: only such a
            // token may be missing, and then it must stay gone.
            string? vanished = null;
            foreach ((string clientId, string token) in live)
            {
                TokenVerificationResult result = await verifier.VerifyAsync(token, Ct);
                if (!result.IsValid)
                {
                    bool inFlightDelete = vanished is null && addedNow.Contains(clientId) && result.Status == VerificationStatus.UnknownClient;
                    Assert.True(inFlightDelete, $"Cycle {cycle}: acknowledged token {clientId} does not verify ({result.Status}).");
                    vanished = clientId;
                }
            }

            if (vanished is not null)
            {
                Assert.True(live.Remove(vanished, out string? vanishedToken));
                deleted.Add(vanished, vanishedToken);
                inFlightDeletes++;
            }

            Assert.True(store.Count >= live.Count, $"Cycle {cycle}: the store holds {store.Count} tokens, fewer than the {live.Count} acknowledged.");
            foreach ((string clientId, string token) in deleted)
            {
                TokenVerificationResult result = await verifier.VerifyAsync(token, Ct);
                Assert.True(result.Status == VerificationStatus.UnknownClient, $"Cycle {cycle}: deleted token {clientId} gives {result.Status}, not UnknownClient.");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Cycles} kill cycles (seed {Seed}) in {clock.Elapsed.TotalSeconds:F1} s: {totalAdds} acknowledged adds, {totalDeletes} acknowledged deletes " +
            $"(+{inFlightDeletes} landed unacknowledged), {live.Count} live.");
        Assert.True(totalAdds > 0, "The workers acknowledged no add at all; the test checked nothing.");
        Assert.True(totalDeletes > 0, "The workers acknowledged no delete at all; the test checked nothing.");
        Assert.False(File.Exists(Path.Combine(directory, "tokens.log.compact")), "A compaction file was left behind.");
    }

    [Fact]
    public async Task TryAddAsync_TwoWorkersAndThisProcessAtOnce_LosesNoUpdate()
    {
        // Arrange
        const int PerWorker = 300;
        string directory = _directory.Combine("store");
        using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });
        var generator = new TokenGenerator();
        var ownRecords = new List<StoredToken>();

        // Act
        using StoreWorkerProcess first = StoreWorkerProcess.Start("add", directory, PerWorker.ToString(CultureInfo.InvariantCulture));
        using StoreWorkerProcess second = StoreWorkerProcess.Start("add", directory, PerWorker.ToString(CultureInfo.InvariantCulture));
        await first.WaitForReadyAsync(s_patience, Ct);
        await second.WaitForReadyAsync(s_patience, Ct);

        // Keep adding from here, a few writers at a time, for as long as the workers run (and at least 100 tokens).
        var clock = Stopwatch.StartNew();
        while ((!first.HasExited || !second.HasExited || ownRecords.Count < 100) && clock.Elapsed < s_patience)
        {
            StoredToken[] round = [.. Enumerable.Range(0, 5).Select(_ => generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Record)];
            bool[] added = await Task.WhenAll(round.Select(record => Task.Run(() => store.TryAddAsync(record, Ct), Ct)));
            Assert.All(added, Assert.True);
            ownRecords.AddRange(round);
        }

        Assert.True(await first.WaitForExitAsync(s_patience, Ct) == 0, first.Describe());
        Assert.True(await second.WaitForExitAsync(s_patience, Ct) == 0, second.Describe());

        // Assert
        Dictionary<string, string> workerTokens = first.Lines.Concat(second.Lines)
            .Where(static line => line.StartsWith("ADD ", StringComparison.Ordinal))
            .Select(static line => line.Split(' '))
            .ToDictionary(static parts => parts[1], static parts => parts[2], StringComparer.Ordinal);
        Assert.Equal(2 * PerWorker, workerTokens.Count);

        using var reopened = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });
        var verifier = new TokenVerifier(reopened, new RoleCatalog());
        Assert.Equal((2 * PerWorker) + ownRecords.Count, reopened.Count);
        foreach ((string clientId, string token) in workerTokens)
        {
            TokenVerificationResult result = await verifier.VerifyAsync(token, Ct);
            Assert.True(result.IsValid, $"Token {clientId} added by a worker does not verify ({result.Status}).");
        }

        foreach (StoredToken record in ownRecords)
        {
            Assert.NotNull(await reopened.FindAsync(record.ClientId, Ct));
        }

        await store.RefreshAsync(Ct);
        Assert.Equal(reopened.Count, store.Count);
    }

    [Fact]
    public async Task DeleteAsync_InAnotherProcess_StopsVerificationHereWithinTheRefreshBound()
    {
        // Arrange
        string directory = _directory.Combine("store");
        var options = new FileTokenStoreOptions { Directory = directory };
        using var store = new FileTokenStore(options);
        var verifier = new TokenVerifier(store, new RoleCatalog());
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser));
        Assert.True(await store.TryAddAsync(issued.Record, Ct));
        Assert.True((await verifier.VerifyAsync(issued.Details.Token, Ct)).IsValid);

        // Act
        using StoreWorkerProcess worker = StoreWorkerProcess.Start("delete", directory, issued.Record.ClientId);
        string line = await worker.WaitForLineAsync(static l => l.StartsWith("DEL ", StringComparison.Ordinal), s_patience, Ct);
        var clock = Stopwatch.StartNew();

        // The documented bound is the refresh interval plus the time to read the change; 2 s is plenty for the latter.
        TimeSpan deadline = options.RefreshInterval + TimeSpan.FromSeconds(2);
        TokenVerificationResult result;
        while ((result = await verifier.VerifyAsync(issued.Details.Token, Ct)).IsValid && clock.Elapsed < deadline)
        {
            await Task.Delay(10, Ct);
        }

        TimeSpan seenAfter = clock.Elapsed;

        // Assert
        Assert.Equal($"DEL {issued.Record.ClientId} True", line);
        Assert.True(result.Status == VerificationStatus.UnknownClient, $"The token still gives {result.Status} {seenAfter} after another process deleted it (bound {deadline}).");
        Assert.True(await worker.WaitForExitAsync(s_patience, Ct) == 0, worker.Describe());
    }

    [Fact]
    public async Task LastUsed_RecordedByAnotherProcess_IsSeenHereWithinTheRefreshBound()
    {
        // Arrange: this process holds the store open; a token that has never been used.
        string directory = _directory.Combine("store");
        var options = new FileTokenStoreOptions { Directory = directory };
        using var store = new FileTokenStore(options);
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser));
        Assert.True(await store.TryAddAsync(issued.Record, Ct));
        Assert.Empty(await store.GetLastUsedAsync([issued.Record.ClientId], Ct));
        long logLength = new FileInfo(Path.Combine(directory, FileTokenStore.LogFileName)).Length;

        // Act: another process verifies it with last-use tracking and writes the time.
        using StoreWorkerProcess worker = StoreWorkerProcess.Start("use", directory, issued.Details.Token);
        string line = await worker.WaitForLineAsync(static l => l.StartsWith("USED ", StringComparison.Ordinal), s_patience, Ct);
        var clock = Stopwatch.StartNew();
        TimeSpan deadline = options.RefreshInterval + TimeSpan.FromSeconds(2);
        IReadOnlyDictionary<string, DateTimeOffset> seen;
        while ((seen = await store.GetLastUsedAsync([issued.Record.ClientId], Ct)).Count == 0 && clock.Elapsed < deadline)
        {
            await Task.Delay(10, Ct);
        }

        // Assert: seen here within the refresh bound, a plausible time, and the token log did not grow.
        Assert.Equal("USED True", line);
        Assert.True(seen.ContainsKey(issued.Record.ClientId), $"No last-used time {clock.Elapsed} after another process wrote it (bound {deadline}).");
        Assert.InRange(seen[issued.Record.ClientId], issued.Record.CreatedAt.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(logLength, new FileInfo(Path.Combine(directory, FileTokenStore.LogFileName)).Length);
        Assert.True(await worker.WaitForExitAsync(s_patience, Ct) == 0, worker.Describe());
    }

    [Fact]
    public async Task DeleteAsync_InThisProcess_StopsVerificationInAnotherProcess()
    {
        // Arrange
        string directory = _directory.Combine("store");
        using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser));
        Assert.True(await store.TryAddAsync(issued.Record, Ct));
        using StoreWorkerProcess worker = StoreWorkerProcess.Start("expect-gone", directory, issued.Details.Token);
        await worker.WaitForReadyAsync(s_patience, Ct);

        // The worker loaded the token before READY; while it is live here, the worker must keep verifying it.
        await Task.Delay(200, Ct);
        Assert.DoesNotContain(worker.Lines, static l => l.StartsWith("GONE", StringComparison.Ordinal));

        // Act
        Assert.True(await store.DeleteAsync(issued.Record.ClientId, Ct));
        string line = await worker.WaitForLineAsync(static l => l.StartsWith("GONE ", StringComparison.Ordinal), s_patience, Ct);

        // Assert
        Assert.True(long.TryParse(line.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _), $"Unexpected line '{line}'.");
        Assert.True(await worker.WaitForExitAsync(s_patience, Ct) == 0, worker.Describe());
    }

    [Fact]
    public async Task RoleChanges_InAnotherProcess_AreSeenHereWithinTheRefreshBound()
    {
        // Arrange: this process holds the store open and never calls RefreshAsync: the timer brings the changes.
        string directory = _directory.Combine("store");
        var options = new FileTokenStoreOptions { Directory = directory };
        using var store = new FileTokenStore(options);
        TimeSpan deadline = options.RefreshInterval + TimeSpan.FromSeconds(2);
        StoredRoleSnapshot initial = store.Roles;

        // Act + Assert: created, updated and deleted by the worker, each seen here within the bound, as a new snapshot.
        Assert.Equal("ROLE Succeeded 1", await RunWorkerAsync("role-put", directory, "acme", "deployers", "Deployers", "1"));
        await WaitForRolesAsync(store, roles => roles.TryGet("deployers", out StoredRole? role) && role.Version == 1, deadline, "the created role");
        StoredRoleSnapshot created = store.Roles;
        Assert.NotSame(initial, created);
        Assert.Equal("store-worker", created.Single().UpdatedBy);

        Assert.Equal("ROLE Succeeded 2", await RunWorkerAsync("role-put", directory, "acme", "deployers", "Deployers v2", "2"));
        await WaitForRolesAsync(store, roles => roles.TryGet("deployers", out StoredRole? role) && role.Version == 2, deadline, "the updated role");
        Assert.Equal("Deployers v2", store.Roles.Single().Name);
        Assert.Equal(new[] { "db.read", "db.write.v2" }, store.Roles.Single().Permissions);

        // A write here is checked against the worker's change even before this process has seen it.
        Assert.Equal(RoleStoreStatus.VersionMismatch, (await store.UpdateRoleAsync(Role("deployers", "Stale", 2), Ct)).Status);

        Assert.Equal("ROLE Succeeded 0", await RunWorkerAsync("role-delete", directory, "acme", "deployers"));
        await WaitForRolesAsync(store, roles => roles.Count == 0, deadline, "the deletion");
        Assert.Equal(RoleStoreStatus.IdTaken, (await store.AddRoleAsync(Role("deployers", "Deployers"), Ct)).Status);
    }

    [Fact]
    public async Task CustomRoleEditedInAnotherProcess_AppliesToVerificationHereWithinTheRefreshBound()
    {
        // Arrange: a role created by the worker; a token of it added here; this process's verifier as DI wires it.
        string directory = _directory.Combine("store");
        var options = new FileTokenStoreOptions { Directory = directory };
        using var store = new FileTokenStore(options);
        var catalog = new RoleCatalog(customRoles: null, roleStore: store);
        var verifier = new TokenVerifier(store, catalog);
        TimeSpan deadline = options.RefreshInterval + TimeSpan.FromSeconds(2);
        Assert.Equal("ROLE Succeeded 1", await RunWorkerAsync("role-put", directory, "acme", "deployers", "Deployers", "1"));
        await WaitForRolesAsync(store, roles => roles.TryGet("deployers", out _), deadline, "the created role");
        Role role = catalog.FindRole("deployers", "acme")!;
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(role) { OrganizationId = "acme" });
        Assert.True(await store.TryAddAsync(issued.Record, Ct));
        TokenVerificationResult before = await verifier.VerifyAsync(issued.Details.Token, Ct);
        Assert.True(before.HasPermission("db.write.v1") && !before.HasPermission("db.write.v2"), before.Status.ToString());

        // Act: the worker replaces db.write.v1 with db.write.v2
        Assert.Equal("ROLE Succeeded 2", await RunWorkerAsync("role-put", directory, "acme", "deployers", "Deployers", "2"));

        // Assert: within the bound, this process's verification gains the one and loses the other, at the same moment.
        var clock = Stopwatch.StartNew();
        TokenVerificationResult after;
        while (!(after = await verifier.VerifyAsync(issued.Details.Token, Ct)).HasPermission("db.write.v2"))
        {
            Assert.True(after.HasPermission("db.write.v1"), "The token lost the old permission before gaining the new one.");
            Assert.True(clock.Elapsed < deadline, $"Verification here did not see the edit within {deadline}.");
            await Task.Delay(10, Ct);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Verification saw the edit after {clock.ElapsedMilliseconds} ms.");
        Assert.True(after.IsValid);
        Assert.False(after.HasPermission("db.write.v1"));
        Assert.Equal(2, Assert.Single(after.Roles).Version);
    }

    [Fact]
    public async Task RoleDeletion_AcrossProcesses_NeverLeavesATokenHoldingADeletedRole()
    {
        // Arrange
        const int RaceRoles = 40;
        string directory = _directory.Combine("store");
        using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });

        // A token the worker added holds the role: this process's deletion is refused, though it never read the token.
        Assert.True((await store.AddRoleAsync(Role("held", "Held"), Ct)).Succeeded);
        Assert.StartsWith("ADD held ", await RunWorkerAsync("add-with-roles", directory, "acme", "held"), StringComparison.Ordinal);
        RoleStoreResult held = await store.DeleteRoleAsync("acme", "held", cancellationToken: Ct);
        Assert.Equal(RoleStoreStatus.InUse, held.Status);
        Assert.Equal(1, held.TokenCount);

        // A role deleted here: the worker, whose snapshot still shows it (it does not refresh), cannot add a token holding it.
        Assert.True((await store.AddRoleAsync(Role("dropped", "Dropped"), Ct)).Succeeded);
        string signal = _directory.Combine("go-dropped");
        using (StoreWorkerProcess worker = StoreWorkerProcess.Start("add-with-roles", directory, "acme", "--after", signal, "dropped", "--refresh-ms", "600000"))
        {
            Assert.Equal("SEES dropped True", await worker.WaitForLineAsync(static l => l.StartsWith("SEES ", StringComparison.Ordinal), s_patience, Ct));
            Assert.True((await store.DeleteRoleAsync("acme", "dropped", cancellationToken: Ct)).Succeeded);
            await File.WriteAllTextAsync(signal, "go", Ct);
            Assert.Equal("ROLE-DELETED dropped", await worker.WaitForLineAsync(static l => !l.StartsWith("SEES ", StringComparison.Ordinal) && l != "READY", s_patience, Ct));
            Assert.True(await worker.WaitForExitAsync(s_patience, Ct) == 0, worker.Describe());
        }

        // Act: the worker adds a token for each of many roles while this process deletes them, from the other end.
        string[] roleIds = [.. Enumerable.Range(0, RaceRoles).Select(i => $"race-{i}")];
        foreach (string roleId in roleIds)
        {
            Assert.True((await store.AddRoleAsync(Role(roleId, roleId), Ct)).Succeeded);
        }

        string go = _directory.Combine("go-race");
        var deletedHere = new HashSet<string>(StringComparer.Ordinal);
        var inUseHere = new HashSet<string>(StringComparer.Ordinal);
        using (StoreWorkerProcess racer = StoreWorkerProcess.Start(["add-with-roles", directory, "acme", "--after", go, .. roleIds]))
        {
            await racer.WaitForLineAsync(l => l == $"SEES {roleIds[^1]} True", s_patience, Ct);
            await File.WriteAllTextAsync(go, "go", Ct);

            // Once the worker is adding (its first add is acknowledged), delete: the two meet somewhere in the middle.
            await racer.WaitForLineAsync(static l => l.StartsWith("ADD ", StringComparison.Ordinal) || l.StartsWith("ROLE-DELETED ", StringComparison.Ordinal), s_patience, Ct);
            foreach (string roleId in Enumerable.Reverse(roleIds))
            {
                RoleStoreResult result = await store.DeleteRoleAsync("acme", roleId, cancellationToken: Ct);
                Assert.True(result.Status is RoleStoreStatus.Succeeded or RoleStoreStatus.InUse, result.ToString());
                (result.Succeeded ? deletedHere : inUseHere).Add(roleId);
            }

            Assert.True(await racer.WaitForExitAsync(s_patience, Ct) == 0, racer.Describe());

            // Assert: for each role exactly one side won, and each side saw the other's win.
            var addedThere = racer.Lines.Where(static l => l.StartsWith("ADD ", StringComparison.Ordinal)).Select(static l => l.Split(' ')[1]).ToHashSet(StringComparer.Ordinal);
            var refusedThere = racer.Lines.Where(static l => l.StartsWith("ROLE-DELETED ", StringComparison.Ordinal)).Select(static l => l.Split(' ')[1]).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(RaceRoles, addedThere.Count + refusedThere.Count);
            Assert.True(addedThere.SetEquals(inUseHere), $"Tokens added: {string.Join(',', addedThere)}; deletions refused: {string.Join(',', inUseHere)}.");
            Assert.True(refusedThere.SetEquals(deletedHere), $"Tokens refused: {string.Join(',', refusedThere)}; roles deleted: {string.Join(',', deletedHere)}.");
            TestContext.Current.TestOutputHelper?.WriteLine($"{deletedHere.Count} deletions won, {inUseHere.Count} adds won.");
        }

        using var reopened = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });
        Assert.Equal(1 + inUseHere.Count, reopened.Count);
        foreach (StoredToken token in await reopened.ListAsync(new TokenListQuery { Limit = TokenListQuery.MaxLimit }, Ct))
        {
            Assert.All(token.RoleIds, id => Assert.True(reopened.Roles.TryGet(id, out _), $"Token {token.ClientId} holds the deleted role {id}."));
        }
    }

    private static StoredRole Role(string id, string name, long version = 1)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new StoredRole(id, "acme", name, ["db.read"], [], null, now, now, "tests", version);
    }

    /// <summary>Runs a worker command to its end and returns the line it printed after READY.</summary>
    private static async Task<string> RunWorkerAsync(params string[] arguments)
    {
        using StoreWorkerProcess worker = StoreWorkerProcess.Start(arguments);
        string line = await worker.WaitForLineAsync(static l => l != "READY" && !l.StartsWith("SEES ", StringComparison.Ordinal), s_patience, Ct);
        Assert.True(await worker.WaitForExitAsync(s_patience, Ct) == 0, worker.Describe());
        return line;
    }

    /// <summary>Polls <see cref="FileTokenStore.Roles"/> (no RefreshAsync) until <paramref name="condition"/> holds; fails after <paramref name="deadline"/>.</summary>
    private static async Task WaitForRolesAsync(FileTokenStore store, Func<StoredRoleSnapshot, bool> condition, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(store.Roles))
        {
            Assert.True(clock.Elapsed < deadline, $"This process did not see {what} within {deadline} of the worker's acknowledgement.");
            await Task.Delay(10, Ct);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Saw {what} after {clock.ElapsedMilliseconds} ms.");
    }
}
