using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using TokenSdk.Samples.WebApi.Tests.TestSupport;

namespace TokenSdk.Samples.WebApi.Tests;

/// <summary>The umask is per process: tests that change it run alone.</summary>
[CollectionDefinition(nameof(UmaskCollection), DisableParallelization = true)]
public sealed class UmaskCollection;

/// <summary>The bootstrap file is owner-only (0600) in an owner-only directory (0700), whatever the umask.</summary>
[Collection(nameof(UmaskCollection))]
[UnsupportedOSPlatform("windows")]
public sealed partial class BootstrapPermissionsTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_PermissiveUmaskAndNewDirectory_CreatesOwnerOnlyDirectoryAndFile()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        string path = _temp.Combine("secrets", "nested", "bootstrap-token.json");

        await BootstrapUnderUmaskAsync(0, _temp.Combine("store"), path);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
        Assert.Equal((byte)'{', (await File.ReadAllBytesAsync(path, Ct))[0]);
    }

    [Fact]
    public async Task RunAsync_PermissiveUmaskAndDefaultPathInStore_FileAndStoreDirectoryOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        string store = _temp.Combine("store");
        string path = Path.Combine(store, "bootstrap-token.json");

        await BootstrapUnderUmaskAsync(0, store, path);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(store));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task RunAsync_UmaskRemovingOwnerBits_StillCreatesUsableOwnerOnlyDirectory()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        string path = _temp.Combine("secrets", "bootstrap-token.json");

        // 0277 leaves mkdir's 0700 as 0500; the bootstrap sets the mode outright, or could not write its file.
        await BootstrapUnderUmaskAsync(0b010_111_111, _temp.Combine("store"), path, storeFirst: true);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task RunAsync_ExistingDirectoryOpenToOthers_ThrowsNamingItAndStoresNothing()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        string directory = _temp.Combine("shared");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string path = Path.Combine(directory, "bootstrap-token.json");
        await using SampleRun run = SampleRun.Start(_temp.Combine("store"));

        BootstrapException thrown = await Assert.ThrowsAsync<BootstrapException>(() => run.Bootstrap(path).RunAsync(Ct));

        Assert.Contains(directory, thrown.Message, StringComparison.Ordinal);
        Assert.Contains("0755", thrown.Message, StringComparison.Ordinal);
        Assert.Empty(await run.ListAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    public void Dispose() => _temp.Dispose();

    // Opens the store (under the umask too, unless storeFirst) and bootstraps under the umask, then restores it.
    private static async Task BootstrapUnderUmaskAsync(uint umask, string store, string path, bool storeFirst = false)
    {
        SampleRun? run = storeFirst ? SampleRun.Start(store) : null;
        uint previous = SetUmask(umask);
        try
        {
            run ??= SampleRun.Start(store);
            Assert.Equal(BootstrapOutcome.Created, await run.Bootstrap(path).RunAsync(Ct));
        }
        finally
        {
            SetUmask(previous);
            if (run is not null)
            {
                await run.DisposeAsync();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);
}
