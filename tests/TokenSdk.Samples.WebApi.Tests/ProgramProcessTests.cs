using System.Runtime.Versioning;
using TokenSdk.Samples.WebApi.Tests.TestSupport;
using TokenSdk.Storage;

namespace TokenSdk.Samples.WebApi.Tests;

/// <summary>
/// The built sample, started as a process on a store it cannot use: it prints one clear line to stderr and exits
/// with code 1, with no unhandled-exception abort (code 134 and a stack trace).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ProgramProcessTests : IDisposable
{
    private const string Prefix = "The sample cannot start: ";

    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StoreDirectory => _temp.Combine("store");

    [Fact]
    public async Task Main_StorePathIsAFile_ExitsWithCode1AndTheStoreMessage()
    {
        await File.WriteAllTextAsync(StoreDirectory, "not a directory", Ct);

        SampleResult result = await SampleProcess.RunAsync(StoreDirectory);

        AssertCleanFailure(result, $"The token store path '{StoreDirectory}' is a file; it must be a directory.");
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Main_StoreReadOnly_ExitsWithCode1AndTheStoreMessage()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        await BootstrappedStoreAsync();
        string[] files = Directory.GetFiles(StoreDirectory);
        foreach (string file in files)
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead);
        }

        File.SetUnixFileMode(StoreDirectory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        bool mounted = false;
        try
        {
            if (PermissionsIgnored(files))
            {
                // File modes do not stop root; a read-only bind mount of the store onto itself does.
                Assert.SkipUnless(OperatingSystem.IsLinux(), "Root ignores file modes, and read-only bind mounts need Linux.");
                Mount("--bind", StoreDirectory, StoreDirectory);
                mounted = true;
                Mount("-o", "remount,bind,ro", StoreDirectory);
            }

            SampleResult result = await SampleProcess.RunAsync(StoreDirectory);

            AssertCleanFailure(result, mounted ? $"the token store in '{StoreDirectory}'" : $"No permission to use the token store in '{StoreDirectory}'");
        }
        finally
        {
            if (mounted)
            {
                Mount("-u", StoreDirectory);
            }

            File.SetUnixFileMode(StoreDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Runs <c>mount</c> (or <c>umount</c> for <c>-u</c>) and fails the test if it fails.</summary>
    private static void Mount(params string[] arguments)
    {
        bool unmount = arguments[0] == "-u";
        var start = new System.Diagnostics.ProcessStartInfo(unmount ? "umount" : "mount", unmount ? arguments[1..] : arguments) { RedirectStandardError = true };
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{start.FileName} {string.Join(' ', start.ArgumentList)}: {error}");
    }

    [Fact]
    public async Task Main_InvalidTokenSdkConfiguration_ExitsWithCode1NamingTheSetting()
    {
        // The sample binds the "TokenSdk" configuration section: an invalid prefix from the environment stops it cleanly.
        SampleResult result = await SampleProcess.RunAsync(StoreDirectory, new Dictionary<string, string> { ["TokenSdk__TokenPrefix"] = "Bad_Prefix" });

        AssertCleanFailure(result, "TokenSdk:TokenPrefix");
    }

    [Fact]
    public async Task Main_StoreLockUnusable_ExitsWithCode1AndTheStoreMessage()
    {
        // Stops root as well as anyone: the lock file cannot be opened when a directory is in its place.
        await BootstrappedStoreAsync();
        File.Delete(Path.Combine(StoreDirectory, FileTokenStore.LockFileName));
        Directory.CreateDirectory(Path.Combine(StoreDirectory, FileTokenStore.LockFileName));

        SampleResult result = await SampleProcess.RunAsync(StoreDirectory);

        AssertCleanFailure(result, $"the token store in '{StoreDirectory}'");
    }

    [Fact]
    public async Task Main_LogHeaderDamaged_ExitsWithCode1AndTheFileAndOffset()
    {
        Directory.CreateDirectory(StoreDirectory);
        string log = Path.Combine(StoreDirectory, FileTokenStore.LogFileName);
        await File.WriteAllTextAsync(log, "this is not a TokenSdk log, and it is long enough to hold a header", Ct);

        SampleResult result = await SampleProcess.RunAsync(StoreDirectory);

        AssertCleanFailure(result, $"The token store file '{log}' is damaged at byte offset 0");
    }

    [Fact]
    public async Task Main_LogRecordDamagedBeforeAValidOne_ExitsWithCode1AndTheFileAndOffset()
    {
        string log = Path.Combine(StoreDirectory, FileTokenStore.LogFileName);
        long headerLength;
        await using (SampleRun run = SampleRun.Start(StoreDirectory))
        {
            headerLength = new FileInfo(log).Length;
            await run.Bootstrap(Path.Combine(StoreDirectory, "bootstrap-token.json")).RunAsync(Ct);
            await run.AddTokenAsync();
        }

        await using (FileStream file = new(log, FileMode.Open, FileAccess.ReadWrite))
        {
            // A byte inside the first record (the bootstrap token), which a valid record follows.
            file.Position = headerLength + 12;
            int value = file.ReadByte();
            file.Position = headerLength + 12;
            file.WriteByte((byte)(value ^ 0x5A));
        }

        SampleResult result = await SampleProcess.RunAsync(StoreDirectory);

        AssertCleanFailure(result, $"The token store file '{log}' is damaged at byte offset {headerLength}");
    }

    [Fact]
    public async Task Main_BootstrapFileFromEarlierStore_ExitsWithCode1AndSaysWhatToRemove()
    {
        Directory.CreateDirectory(StoreDirectory);
        string path = Path.Combine(StoreDirectory, "bootstrap-token.json");
        await File.WriteAllTextAsync(path, "{}", Ct);

        SampleResult result = await SampleProcess.RunAsync(StoreDirectory);

        AssertCleanFailure(result, $"The token store is empty but '{path}' already exists, from an earlier store.");
    }

    public void Dispose() => _temp.Dispose();

    private static void AssertCleanFailure(SampleResult result, string message)
    {
        Assert.True(result.ExitCode == 1, $"Expected exit code 1: {result}");
        Assert.StartsWith(Prefix, result.StandardError, StringComparison.Ordinal);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Unhandled exception", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    // Root, and some file systems, ignore file modes: then a read-only store is not read-only.
    private static bool PermissionsIgnored(string[] readOnlyFiles)
    {
        try
        {
            using FileStream probe = File.OpenWrite(readOnlyFiles[0]);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task BootstrappedStoreAsync()
    {
        await using SampleRun run = SampleRun.Start(StoreDirectory);
        await run.Bootstrap(Path.Combine(StoreDirectory, "bootstrap-token.json")).RunAsync(Ct);
    }
}
