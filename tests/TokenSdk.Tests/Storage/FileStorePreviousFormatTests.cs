using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Storage.FileStore;
using TokenSdk.Tests.TestSupport;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Storage;

/// <summary>
/// A file store written by the release before tokens could hold several roles (Fixtures/FileStoreBeforeMultiRole:
/// <c>store/tokens.log</c>, written with the CLI; <c>tokens.json</c>, its test credentials) opens and verifies with this
/// release, takes tokens of several roles beside its own, and keeps all of them through reopen and compaction; and a
/// single-role record is written today byte for byte as it was then. Every test works on a copy of the fixture.
/// </summary>
public sealed class FileStorePreviousFormatTests : IDisposable
{
    // The clock of the tests: after the fixture was written (2026-12-02T03:43Z), before the rotated token's grace ends.
    private static readonly DateTimeOffset s_now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    // The old token of the rotation (zQAc...) stops verifying at the end of its 30-day grace: 2027-01-01T03:43:07.351Z,
    // kept to the tick (.3517482).
    private static readonly DateTimeOffset s_rotatedExpiry = new DateTimeOffset(2027, 1, 1, 3, 43, 7, TimeSpan.Zero).AddTicks(3_517_482);
    private const string RotatedClientId = "zQAcEFUYerbHStpBxVsrXSDK";

    private static readonly Role[] s_twoRoles = [DefaultRoles.DatabaseAdministrator, DefaultRoles.BillingAdministrator];

    private readonly TemporaryDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(s_now);
    private readonly List<FileTokenStore> _stores = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string FixtureDirectory =>
        Path.Combine(BuiltProgram.RepositoryRoot, "tests", "TokenSdk.Tests", "Storage", "Fixtures", "FileStoreBeforeMultiRole");

    private static string FixtureLog => Path.Combine(FixtureDirectory, "store", FileTokenStore.LogFileName);

    public void Dispose()
    {
        foreach (FileTokenStore store in _stores)
        {
            store.Dispose();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Open_StoreOfThePreviousRelease_VerifiesItsLiveTokensWithTheirSingleRoles()
    {
        // Arrange
        Fixture fixture = ReadFixture();
        string directory = CopyOfTheFixtureStore();

        // Act
        FileTokenStore store = Open(directory);

        // Assert
        await AssertPreviousTokensAsync(store, fixture);
        Assert.Equal(3, store.Count);
    }

    [Fact]
    public async Task Open_StoreOfThePreviousRelease_TheRotatedTokenExpiresAtTheEndOfItsGrace()
    {
        Fixture fixture = ReadFixture();
        FileTokenStore store = Open(CopyOfTheFixtureStore());
        var verifier = new TokenVerifier(store, new RoleCatalog(), timeProvider: _time);
        string rotated = fixture.Tokens.Single(t => t.ClientId == RotatedClientId).Token;

        _time.SetUtcNow(s_rotatedExpiry.AddTicks(-1));
        TokenVerificationResult before = await verifier.VerifyAsync(rotated, Ct);
        _time.SetUtcNow(s_rotatedExpiry);
        TokenVerificationResult after = await verifier.VerifyAsync(rotated, Ct);

        Assert.True(before.IsValid, before.ToString());
        Assert.Equal(VerificationStatus.Expired, after.Status);
    }

    [Fact]
    public async Task TryAddAsync_TokenOfTwoRolesToThePreviousStore_ThenReopen_OldAndNewTokensVerify()
    {
        // Arrange
        Fixture fixture = ReadFixture();
        string directory = CopyOfTheFixtureStore();
        IssuedToken twoRoles = NewTokenOfTwoRoles();
        using (FileTokenStore writer = Open(directory, track: false))
        {
            Assert.True(await writer.TryAddAsync(twoRoles.Record, Ct));
        }

        // Act
        FileTokenStore reopened = Open(directory);

        // Assert
        await AssertPreviousTokensAsync(reopened, fixture);
        await AssertTwoRoleTokenAsync(reopened, twoRoles);
        Assert.Equal(4, reopened.Count);

        // The previous records are kept as they were: the new one is appended after them, its roles in the role field.
        byte[] log = await File.ReadAllBytesAsync(Path.Combine(directory, FileTokenStore.LogFileName), Ct);
        byte[] previous = await File.ReadAllBytesAsync(FixtureLog, Ct);
        Assert.Equal(previous, log[..previous.Length]);
        Assert.Equal(LogFormat.ReadStatus.Ok, LogFormat.TryReadRecord(log.AsSpan(previous.Length), out LogRecord appended, out int consumed));
        Assert.Equal(log.Length - previous.Length, consumed);
        Assert.Equal("database-administrator,billing-administrator", appended.Token?.RoleId);
    }

    [Fact]
    public async Task CompactAsync_PreviousStoreWithATokenOfTwoRoles_ThenReopen_OldAndNewTokensVerify()
    {
        // Arrange
        Fixture fixture = ReadFixture();
        string directory = CopyOfTheFixtureStore();
        IssuedToken twoRoles = NewTokenOfTwoRoles();
        long before;
        using (FileTokenStore writer = Open(directory, track: false))
        {
            Assert.True(await writer.TryAddAsync(twoRoles.Record, Ct));
            before = new FileInfo(Path.Combine(directory, FileTokenStore.LogFileName)).Length;

            // Act
            await writer.CompactAsync(Ct);
            await AssertPreviousTokensAsync(writer, fixture);
            await AssertTwoRoleTokenAsync(writer, twoRoles);
        }

        FileTokenStore reopened = Open(directory);

        // Assert: compaction rewrote the log (the deleted token's add and delete became one tombstone).
        long after = new FileInfo(Path.Combine(directory, FileTokenStore.LogFileName)).Length;
        Assert.True(after < before, $"The log was not rewritten: {before} bytes before compaction, {after} after.");
        await AssertPreviousTokensAsync(reopened, fixture);
        await AssertTwoRoleTokenAsync(reopened, twoRoles);
        Assert.Equal(4, reopened.Count);
    }

    [Fact]
    public async Task LogFormat_EveryRecordOfThePreviousStore_IsWrittenTodayWithTheSameBytes()
    {
        // The previous release's records (adds of one role, a delete, an expiry change) decoded and written again with
        // today's LogFormat: byte for byte the same, so a single-role record is laid out as it always was.
        byte[] previous = await File.ReadAllBytesAsync(FixtureLog, Ct);
        Assert.True(LogFormat.TryReadHeader(previous, out _, out string? error), error);
        using var rewritten = new MemoryStream();
        var types = new List<RecordType>();

        int position = LogFormat.HeaderLength;
        while (position < previous.Length)
        {
            Assert.Equal(LogFormat.ReadStatus.Ok, LogFormat.TryReadRecord(previous.AsSpan(position), out LogRecord record, out int consumed));
            switch (record.Type)
            {
                case RecordType.Add:
                    Assert.Single(record.Token!.RoleIds);
                    LogFormat.WriteAdd(rewritten, record.Token);
                    break;
                case RecordType.Delete:
                    LogFormat.WriteDelete(rewritten, record.ClientId);
                    break;
                case RecordType.SetExpiry:
                    LogFormat.WriteSetExpiry(rewritten, record.ClientId, record.ExpiresAt);
                    break;
            }

            types.Add(record.Type);
            position += consumed;
        }

        Assert.Equal([RecordType.Add, RecordType.Add, RecordType.Add, RecordType.Delete, RecordType.Add, RecordType.SetExpiry], types);
        Assert.Equal(previous.AsSpan(LogFormat.HeaderLength).ToArray(), rewritten.ToArray());
    }

    [Fact]
    public async Task TryAddAsync_TokenOfOneRoleToday_IsWrittenAsTheSameRecordAsThePreviousRelease()
    {
        // A token of one role added through today's store, with the values of the fixture's first record: the same bytes.
        byte[] previous = await File.ReadAllBytesAsync(FixtureLog, Ct);
        Assert.Equal(LogFormat.ReadStatus.Ok, LogFormat.TryReadRecord(previous.AsSpan(LogFormat.HeaderLength), out LogRecord first, out int consumed));
        StoredToken old = first.Token!;
        var today = new StoredToken(old.ClientId, old.OrganizationId, [old.RoleId], old.Verifier, old.CreatedAt)
        {
            CreatedBy = old.CreatedBy,
            Description = old.Description,
            ExpiresAt = old.ExpiresAt,
        };
        string directory = _directory.Combine("today");
        using (FileTokenStore store = Open(directory, track: false))
        {
            Assert.True(await store.TryAddAsync(today, Ct));
        }

        byte[] written = await File.ReadAllBytesAsync(Path.Combine(directory, FileTokenStore.LogFileName), Ct);

        Assert.Equal(previous.AsSpan(LogFormat.HeaderLength, consumed).ToArray(), written.AsSpan(LogFormat.HeaderLength).ToArray());
    }

    // ---- Helpers ----

    private async Task AssertPreviousTokensAsync(FileTokenStore store, Fixture fixture)
    {
        var verifier = new TokenVerifier(store, new RoleCatalog(), timeProvider: _time);
        foreach (FixtureToken token in fixture.Tokens)
        {
            TokenVerificationResult result = await verifier.VerifyAsync(token.Token, Ct);
            Assert.True(result.IsValid, $"{token.ClientId}: {result}");
            Assert.Equal(token.ClientId, result.ClientId);
            Assert.Equal(token.Roles, result.Roles.Select(r => r.Id));
            Assert.Equal(token.Roles, (await store.FindAsync(token.ClientId, Ct))!.RoleIds);
            Assert.True((await verifier.VerifyClientSecretAsync(token.ClientId, token.Secret, Ct)).IsValid);
        }

        StoredToken? rotated = await store.FindAsync(RotatedClientId, Ct);
        Assert.Equal(s_rotatedExpiry, rotated?.ExpiresAt);
        foreach (FixtureToken token in fixture.Tokens.Where(t => t.ClientId != RotatedClientId))
        {
            Assert.Null((await store.FindAsync(token.ClientId, Ct))!.ExpiresAt);
        }

        Assert.Null(await store.FindAsync(fixture.DeletedClientId, Ct));
        Assert.Equal(VerificationStatus.UnknownClient, (await verifier.VerifyClientSecretAsync(fixture.DeletedClientId, fixture.Tokens[0].Secret, Ct)).Status);
        StoredToken resurrection = new(fixture.DeletedClientId, "default", DefaultRoles.UIViewOnly.Id, fixture.Template.Verifier, s_now);
        Assert.False(await store.TryAddAsync(resurrection, Ct), "The deleted client id was accepted again.");
        Assert.Equal(["default"], (await store.ListAsync(new TokenListQuery(), Ct)).Select(t => t.OrganizationId).Distinct());
    }

    private async Task AssertTwoRoleTokenAsync(FileTokenStore store, IssuedToken issued)
    {
        var verifier = new TokenVerifier(store, new RoleCatalog(), timeProvider: _time);
        TokenVerificationResult result = await verifier.VerifyAsync(issued.Details.Token, Ct);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(s_twoRoles, result.Roles);
        Assert.True(result.HasPermission(Permissions.OrgDbCreate));
        Assert.True(result.HasPermission(Permissions.OrgBillingWrite));
        Assert.False(result.HasPermission(Permissions.OrgUserWrite));
        StoredToken? found = await store.FindAsync(issued.Record.ClientId, Ct);
        Assert.Equal(s_twoRoles.Select(r => r.Id), found?.RoleIds);
        Assert.Equal(issued.Record.Verifier, found?.Verifier);
    }

    private IssuedToken NewTokenOfTwoRoles() =>
        new TokenGenerator(new TokenSdkOptions(), _time).Generate(new TokenGenerationRequest(s_twoRoles) { Description = "two roles" });

    private string CopyOfTheFixtureStore()
    {
        string directory = _directory.Combine("store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.Copy(FixtureLog, Path.Combine(directory, FileTokenStore.LogFileName));
        Assert.Equal(FixtureLogSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, FileTokenStore.LogFileName)))));
        return directory;
    }

    // The fixture as the previous release wrote it; a changed fixture fails here rather than testing something else.
    private const string FixtureLogSha256 = "0e2f83c57dd4a9c79429a90e56dac65291327115a5120fcebde60d8e679604cf";

    private FileTokenStore Open(string directory, bool track = true)
    {
        var store = new FileTokenStore(new FileTokenStoreOptions { Directory = directory, AutoCompact = false }, _time);
        if (track)
        {
            _stores.Add(store);
        }

        return store;
    }

    private static Fixture ReadFixture()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "tokens.json")));
        JsonElement root = json.RootElement;
        FixtureToken[] tokens = root.GetProperty("tokens").EnumerateArray().Select(t => new FixtureToken(
            t.GetProperty("clientId").GetString()!,
            t.GetProperty("secret").GetString()!,
            t.GetProperty("token").GetString()!,
            t.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray())).ToArray();
        Assert.Equal(3, tokens.Length);
        return new Fixture(root.GetProperty("deletedClientId").GetString()!, tokens, new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.UIViewOnly)).Record);
    }

    private sealed record FixtureToken(string ClientId, string Secret, string Token, string[] Roles);

    // Template: a record whose verifier the resurrection attempt borrows.
    private sealed record Fixture(string DeletedClientId, FixtureToken[] Tokens, StoredToken Template);
}
