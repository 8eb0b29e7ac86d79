using TokenSdk.Roles;
using TokenSdk.Samples.WebApi.Tests.TestSupport;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Samples.WebApi.Tests;

/// <summary>
/// The bootstrap over a real file store. A crash is an exception thrown from the hook after a step; a restart is a
/// new run (store opened afresh) over the same directory. Whatever the crash, the store holds no administrator
/// token or its complete details are on disk, and the next start ends with a working token whose details are in the file.
/// </summary>
public sealed class BootstrapAdministratorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StoreDirectory => _temp.Combine("store");

    private string FilePath => Path.Combine(StoreDirectory, "bootstrap-token.json");

    private string TemporaryPath => FilePath + BootstrapAdministrator.TemporarySuffix;

    // The steps of a bootstrap on an empty store, in order.
    private static readonly BootstrapStep[] s_creationSteps =
    [
        BootstrapStep.DirectoryReady,
        BootstrapStep.TemporaryFileCreated,
        BootstrapStep.TemporaryFileWritten,
        BootstrapStep.TokenStored,
        BootstrapStep.Published,
        BootstrapStep.DirectoryFlushed,
    ];

    /// <summary>A crash in the first run at each step.</summary>
    public static TheoryData<BootstrapStep> CreationSteps => new(s_creationSteps);

    /// <summary>A crash in the first run at each step, then in the restart at each step (or none).</summary>
    public static TheoryData<BootstrapStep, BootstrapStep?> CrashPairs
    {
        get
        {
            var pairs = new TheoryData<BootstrapStep, BootstrapStep?>();
            foreach (BootstrapStep first in s_creationSteps)
            {
                pairs.Add(first, null);
                foreach (BootstrapStep second in Enum.GetValues<BootstrapStep>())
                {
                    pairs.Add(first, second);
                }
            }

            return pairs;
        }
    }

    [Fact]
    public async Task RunAsync_EmptyStore_PublishesWorkingAdministratorTokenAfterEachStepInOrder()
    {
        var steps = new List<BootstrapStep>();

        BootstrapOutcome? outcome = await RunAsync(crashAt: null, steps);

        Assert.Equal(BootstrapOutcome.Created, outcome);
        Assert.Equal(s_creationSteps, steps);
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_StoreAlreadyBootstrapped_LeavesFileAndStoreAsTheyAre()
    {
        await RunAsync(crashAt: null);
        byte[] before = await File.ReadAllBytesAsync(FilePath, Ct);

        BootstrapOutcome? outcome = await RunAsync(crashAt: null);

        Assert.Equal(BootstrapOutcome.NotNeeded, outcome);
        Assert.Equal(before, await File.ReadAllBytesAsync(FilePath, Ct));
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_FileMovedAwayByOperator_CreatesNoOtherToken()
    {
        await RunAsync(crashAt: null);
        File.Move(FilePath, _temp.Combine("kept-safe.json"));

        BootstrapOutcome? outcome = await RunAsync(crashAt: null);

        Assert.Equal(BootstrapOutcome.NotNeeded, outcome);
        Assert.False(File.Exists(FilePath));
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        Assert.Equal(BootstrapFile.Read(_temp.Combine("kept-safe.json")).ClientId, Assert.Single(await run.ListAsync()).ClientId);
    }

    [Theory]
    [MemberData(nameof(CreationSteps))]
    public async Task RunAsync_CrashAfterStep_LeavesNoTokenOrItsCompleteDetailsOnDisk(BootstrapStep crashAt)
    {
        BootstrapOutcome? outcome = await RunAsync(crashAt);

        Assert.Null(outcome);
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        IReadOnlyList<StoredToken> stored = await run.ListAsync();
        bool tokenStored = crashAt >= BootstrapStep.TokenStored;
        bool published = crashAt >= BootstrapStep.Published;
        Assert.Equal(tokenStored ? 1 : 0, stored.Count);
        Assert.Equal(published, File.Exists(FilePath));
        Assert.Equal(crashAt is >= BootstrapStep.TemporaryFileCreated and < BootstrapStep.Published, File.Exists(TemporaryPath));
        if (tokenStored)
        {
            BootstrapFile details = BootstrapFile.Read(published ? FilePath : TemporaryPath);
            Assert.Equal(stored[0].ClientId, details.ClientId);
            await AssertAdministratorAsync(run, details);
        }
    }

    [Theory]
    [MemberData(nameof(CrashPairs))]
    public async Task RunAsync_RestartAfterCrashes_EndsWithWorkingTokenWhoseDetailsAreInFile(BootstrapStep firstCrash, BootstrapStep? secondCrash)
    {
        Assert.Null(await RunAsync(firstCrash));
        await AssertNoTokenWithoutDetailsAsync();

        await RunAsync(secondCrash);
        await AssertNoTokenWithoutDetailsAsync();

        BootstrapOutcome? last = await RunAsync(crashAt: null);

        Assert.NotNull(last);
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_TokenStoredButNotPublished_PublishesItsDetails()
    {
        await RunAsync(BootstrapStep.TokenStored);
        byte[] written = await File.ReadAllBytesAsync(TemporaryPath, Ct);

        BootstrapOutcome? outcome = await RunAsync(crashAt: null);

        Assert.Equal(BootstrapOutcome.Completed, outcome);
        Assert.Equal(written, await File.ReadAllBytesAsync(FilePath, Ct));
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_TemporaryFileCutShort_DeletesItAndBootstraps()
    {
        await RunAsync(BootstrapStep.TemporaryFileWritten);
        byte[] content = await File.ReadAllBytesAsync(TemporaryPath, Ct);
        await File.WriteAllBytesAsync(TemporaryPath, content[..(content.Length / 2)], Ct);

        BootstrapOutcome? outcome = await RunAsync(crashAt: null);

        Assert.Equal(BootstrapOutcome.Created, outcome);
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_TemporaryFileWrittenButTokenNotStored_DeletesItAndBootstrapsAnotherToken()
    {
        await RunAsync(BootstrapStep.TemporaryFileWritten);
        string abandoned = BootstrapFile.Read(TemporaryPath).ClientId;

        BootstrapOutcome? outcome = await RunAsync(crashAt: null);

        Assert.Equal(BootstrapOutcome.Created, outcome);
        Assert.NotEqual(abandoned, BootstrapFile.Read(FilePath).ClientId);
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_RenameLinkedFileButKeptTemporaryName_RemovesTemporaryName()
    {
        // A no-overwrite rename may be a hard link then an unlink: a crash between them leaves both names.
        await RunAsync(BootstrapStep.TokenStored);
        File.Copy(TemporaryPath, FilePath);

        BootstrapOutcome? outcome = await RunAsync(crashAt: null);

        Assert.Equal(BootstrapOutcome.Completed, outcome);
        await AssertBootstrappedAsync();
    }

    [Fact]
    public async Task RunAsync_TemporaryFileOfStoredTokenBesideAnotherFile_ThrowsNamingBothAndKeepsThem()
    {
        await RunAsync(BootstrapStep.TokenStored);
        await File.WriteAllTextAsync(FilePath, """{ "unrelated": true }""", Ct);

        BootstrapException thrown = await Assert.ThrowsAsync<BootstrapException>(() => RunAsync(crashAt: null));

        Assert.Contains(TemporaryPath, thrown.Message, StringComparison.Ordinal);
        Assert.Contains(FilePath, thrown.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(TemporaryPath));
        Assert.True(File.Exists(FilePath));
    }

    [Fact]
    public async Task RunAsync_FileFromEarlierStoreAndStoreEmpty_ThrowsNamingFileAndStoresNothing()
    {
        Directory.CreateDirectory(StoreDirectory);
        await File.WriteAllTextAsync(FilePath, "{}", Ct);

        BootstrapException thrown = await Assert.ThrowsAsync<BootstrapException>(() => RunAsync(crashAt: null));

        Assert.Contains(FilePath, thrown.Message, StringComparison.Ordinal);
        Assert.Equal("{}", await File.ReadAllTextAsync(FilePath, Ct));
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        Assert.Empty(await run.ListAsync());
    }

    [Fact]
    public async Task RunAsync_EmptyStore_WritesUtf8WithoutByteOrderMark()
    {
        await RunAsync(crashAt: null);

        byte[] content = await File.ReadAllBytesAsync(FilePath, Ct);
        Assert.Equal((byte)'{', content[0]);
        Assert.Equal(BootstrapFile.Read(FilePath).Token, Assert.Single(
            await File.ReadAllLinesAsync(FilePath, Ct), line => line.Contains("\"token\": \"", StringComparison.Ordinal))
            .Split('"')[3]);
    }

    public void Dispose() => _temp.Dispose();

    // One start of the sample: open the store, bootstrap (crashing after crashAt), close. Null when it crashed.
    private async Task<BootstrapOutcome?> RunAsync(BootstrapStep? crashAt, List<BootstrapStep>? steps = null)
    {
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        BootstrapAdministrator bootstrap = run.Bootstrap(FilePath, step =>
        {
            steps?.Add(step);
            if (step == crashAt)
            {
                throw new SimulatedCrashException();
            }
        });
        try
        {
            return await bootstrap.RunAsync(Ct);
        }
        catch (SimulatedCrashException)
        {
            return null;
        }
    }

    // The crash invariant: every stored token has its complete details on disk, published or about to be.
    private async Task AssertNoTokenWithoutDetailsAsync()
    {
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        foreach (StoredToken token in await run.ListAsync())
        {
            BootstrapFile? details = new[] { FilePath, TemporaryPath }
                .Where(File.Exists)
                .Select(path => BootstrapFiles.ReadCompleteClientId(path) is null ? null : BootstrapFile.Read(path))
                .FirstOrDefault(d => d?.ClientId == token.ClientId);
            Assert.True(details is not null, $"The stored token {token.ClientId} has no complete details on disk.");
            await AssertAdministratorAsync(run, details);
        }
    }

    // The end state: one administrator token, its complete details in the file, no temporary file.
    private async Task AssertBootstrappedAsync()
    {
        Assert.False(File.Exists(TemporaryPath), "The temporary file remains.");
        BootstrapFile details = BootstrapFile.Read(FilePath);
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        Assert.Equal(details.ClientId, Assert.Single(await run.ListAsync()).ClientId);
        await AssertAdministratorAsync(run, details);
    }

    private static async Task AssertAdministratorAsync(SampleRun run, BootstrapFile details)
    {
        TokenVerificationResult verified = await run.VerifyAsync(details.Token);
        Assert.True(verified.IsValid, $"The token in the file does not verify: {verified}.");
        Assert.Equal(details.ClientId, verified.ClientId);
        Assert.Equal(DefaultRoles.OrganizationAdministrator.Id, verified.Roles.Single().Id);
        Assert.Equal([DefaultRoles.OrganizationAdministrator.Id], details.Roles);
        Assert.True((await run.VerifyClientSecretAsync(details.ClientId, details.Secret)).IsValid, "The secret in the file does not verify.");
    }
}
