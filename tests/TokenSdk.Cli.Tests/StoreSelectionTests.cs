using TokenSdk.Cli.Stores;

namespace TokenSdk.Cli.Tests;

public sealed class StoreSelectionTests
{
    private static readonly Func<string, string?> s_noVariables = _ => null;

    [Fact]
    public void Resolve_PlainPath_IsAFileStore()
    {
        StoreSelection selection = StoreSelection.Resolve("/var/lib/tokens", s_noVariables);

        Assert.Same(FileStoreKind.Instance, selection.Kind);
        Assert.Equal("/var/lib/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_FilePrefix_StripsIt()
    {
        StoreSelection selection = StoreSelection.Resolve("file:/var/lib/tokens", s_noVariables);

        Assert.Equal("file", selection.Kind.Name);
        Assert.Equal("/var/lib/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_DriveLetterPath_IsAFileStorePathNotAKind()
    {
        StoreSelection selection = StoreSelection.Resolve(@"C:\tokens", s_noVariables);

        Assert.Equal(@"C:\tokens", selection.Location);
    }

    [Fact]
    public void FileStoreKind_MissingDirectoryWithoutCreate_ThrowsStoreError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tokensdk-cli-missing-" + Guid.NewGuid().ToString("N"));

        CliException ex = Assert.Throws<CliException>(() => FileStoreKind.Instance.Check(missing, Path.GetTempPath(), create: false));

        Assert.Equal(ExitCodes.StoreError, ex.ExitCode);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Resolve_NoOption_UsesTheTokenSdkStoreVariable()
    {
        StoreSelection selection = StoreSelection.Resolve(null, name => name == "TOKENSDK_STORE" ? "/srv/tokens" : null);

        Assert.Equal("/srv/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_NeitherOptionNorVariable_ThrowsUsage()
    {
        CliException ex = Assert.Throws<CliException>(() => StoreSelection.Resolve(" ", s_noVariables));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void FileStoreKind_RelativeLocation_IsCheckedAgainstTheWorkingDirectory()
    {
        string root = Path.Combine(Path.GetTempPath(), "tokensdk-cli-relative-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "store"));
        try
        {
            FileStoreKind.Instance.Check("store", root, create: false);

            CliException ex = Assert.Throws<CliException>(() => FileStoreKind.Instance.Check("other", root, create: false));
            Assert.Contains("'other' does not exist", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
