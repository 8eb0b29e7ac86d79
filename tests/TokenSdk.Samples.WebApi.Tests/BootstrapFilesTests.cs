using TokenSdk.Samples.WebApi.Tests.TestSupport;

namespace TokenSdk.Samples.WebApi.Tests;

public sealed class BootstrapFilesTests : IDisposable
{
    private const string Complete = """
        {"clientId":"AbcdefghijklmnopqrstuvwX","secret":"s","orgId":"default","roles":["organization-administrator"],"token":"t","generatedOn":"2026-01-01T00:00:00.000Z"}
        """;

    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishWithoutReplacing_TargetAbsent_RenamesFile()
    {
        string temporary = _temp.Combine("file.tmp");
        string target = _temp.Combine("file");
        await File.WriteAllTextAsync(temporary, "details", Ct);

        BootstrapFiles.PublishWithoutReplacing(temporary, target);

        Assert.False(File.Exists(temporary));
        Assert.Equal("details", await File.ReadAllTextAsync(target, Ct));
    }

    [Fact]
    public async Task PublishWithoutReplacing_TargetExists_ThrowsAndKeepsBothFiles()
    {
        string temporary = _temp.Combine("file.tmp");
        string target = _temp.Combine("file");
        await File.WriteAllTextAsync(temporary, "new", Ct);
        await File.WriteAllTextAsync(target, "existing", Ct);

        IOException thrown = Assert.Throws<IOException>(() => BootstrapFiles.PublishWithoutReplacing(temporary, target));

        Assert.Contains(target, thrown.Message, StringComparison.Ordinal);
        Assert.Equal("new", await File.ReadAllTextAsync(temporary, Ct));
        Assert.Equal("existing", await File.ReadAllTextAsync(target, Ct));
    }

    [Fact]
    public void FlushDirectory_MissingDirectory_ThrowsNamingIt()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows needs no directory flush.");
        string missing = _temp.Combine("missing");

        IOException thrown = Assert.Throws<IOException>(() => BootstrapFiles.FlushDirectory(missing));

        Assert.Contains(missing, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadCompleteClientId_CompleteFile_ReturnsClientId()
    {
        string path = _temp.Combine("file");
        await File.WriteAllTextAsync(path, Complete, Ct);

        Assert.Equal("AbcdefghijklmnopqrstuvwX", BootstrapFiles.ReadCompleteClientId(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(80)]
    public async Task ReadCompleteClientId_FileCutShort_ReturnsNull(int length)
    {
        string path = _temp.Combine("file");
        await File.WriteAllTextAsync(path, Complete[..length], Ct);

        Assert.Null(BootstrapFiles.ReadCompleteClientId(path));
    }

    [Theory]
    [InlineData("\"secret\":\"s\",", "")]
    [InlineData("\"token\":\"t\"", "\"token\":\"\"")]
    [InlineData("[\"organization-administrator\"]", "[]")]
    public async Task ReadCompleteClientId_FieldMissingOrEmpty_ReturnsNull(string field, string replacement)
    {
        string path = _temp.Combine("file");
        await File.WriteAllTextAsync(path, Complete.Replace(field, replacement, StringComparison.Ordinal), Ct);

        Assert.Null(BootstrapFiles.ReadCompleteClientId(path));
    }

    public void Dispose() => _temp.Dispose();
}
