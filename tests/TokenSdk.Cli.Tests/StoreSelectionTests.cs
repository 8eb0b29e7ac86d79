using TokenSdk.Cli.Stores;

namespace TokenSdk.Cli.Tests;

public sealed class StoreSelectionTests
{
    [Fact]
    public void Resolve_PlainPath_IsAFileStore()
    {
        StoreSelection selection = StoreSelection.Resolve("/var/lib/tokens");

        Assert.Same(FileStoreKind.Instance, selection.Kind);
        Assert.Equal("/var/lib/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_FilePrefix_StripsIt()
    {
        StoreSelection selection = StoreSelection.Resolve("file:/var/lib/tokens");

        Assert.Equal("file", selection.Kind.Name);
        Assert.Equal("/var/lib/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_DriveLetterPath_IsAFileStorePathNotAKind()
    {
        StoreSelection selection = StoreSelection.Resolve(@"C:\tokens");

        Assert.Equal(@"C:\tokens", selection.Location);
    }

    [Fact]
    public void FileStoreKind_MissingDirectoryWithoutCreate_ThrowsStoreError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tokensdk-cli-missing-" + Guid.NewGuid().ToString("N"));

        CliException ex = Assert.Throws<CliException>(() => FileStoreKind.Instance.Check(missing, create: false));

        Assert.Equal(ExitCodes.StoreError, ex.ExitCode);
        Assert.False(Directory.Exists(missing));
    }
}
