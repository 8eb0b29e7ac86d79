using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TokenSdk.Cli.Commands;
using TokenSdk.Cli.Tests.TestSupport;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// <c>tokensdk scan</c>: real tokens of both formats are found with path, line, column and client id, printed masked
/// only; checksummed ones are validated by their checksum, Astra ones are unverifiable; a wrong checksum and other
/// near-misses are not reported; directories are walked, skipping .git, links, binary and large files; exit code 8.
/// </summary>
public sealed class ScanCommandTests : IDisposable
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokensdk-scan-tests-" + Guid.NewGuid().ToString("N"));

    public ScanCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Scan_FileWithBothFormats_ReportsLineColumnClientIdMaskedAndExit8()
    {
        string checksummed = NewToken(ChecksummedTokenFormat.Default);
        string astra = NewToken(AstraTokenFormat.Instance);
        Write("config.env", $"# tokens\nTOKENSDK_TOKEN={checksummed}\n  astra: \"{astra}\"\n");

        CliResult result = await ScanAsync("config.env");

        Assert.Equal(ExitCodes.TokensFound, result.ExitCode);
        Assert.Equal(8, result.ExitCode);
        string[] lines = result.StandardOutput.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal(
            $"config.env:2:16: checksummed token {TokenMask.MaskToken(checksummed)} client {ClientId(checksummed)}: checksum valid",
            lines[0]);
        Assert.Equal(
            $"config.env:3:11: astra token {TokenMask.MaskToken(astra)} client {ClientId(astra)}: unverifiable (no checksum in this format)",
            lines[1]);
        Assert.Contains("2 tokens found (1 validated by checksum, 1 unverifiable) in 1 file scanned", result.StandardError, StringComparison.Ordinal);
        AssertNoSecret(result, checksummed, astra);
    }

    [Fact]
    public async Task Scan_Json_ReportsEveryFieldAndCounts()
    {
        string checksummed = NewToken(ChecksummedTokenFormat.Default);
        string astra = NewToken(AstraTokenFormat.Instance);
        Write("a.json", $"{{\"token\":\"{astra}\",\n\"other\":\"{checksummed}\"}}\n");

        CliResult result = await ScanAsync("a.json", "--output", "json");

        Assert.Equal(8, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        JsonElement root = json.RootElement;
        Assert.Equal(["findings", "filesScanned", "skipped", "wrongChecksum"], root.EnumerateObject().Select(p => p.Name));
        JsonElement[] findings = [.. root.GetProperty("findings").EnumerateArray()];
        Assert.Equal(2, findings.Length);
        Assert.Equal(["path", "line", "column", "format", "clientId", "maskedToken", "validated", "validation"], findings[0].EnumerateObject().Select(p => p.Name));

        Assert.Equal("a.json", findings[0].GetProperty("path").GetString());
        Assert.Equal(1, findings[0].GetProperty("line").GetInt32());
        Assert.Equal(11, findings[0].GetProperty("column").GetInt32());
        Assert.Equal("astra", findings[0].GetProperty("format").GetString());
        Assert.Equal(ClientId(astra), findings[0].GetProperty("clientId").GetString());
        Assert.Equal(TokenMask.MaskToken(astra), findings[0].GetProperty("maskedToken").GetString());
        Assert.False(findings[0].GetProperty("validated").GetBoolean());
        Assert.Equal("unverifiable", findings[0].GetProperty("validation").GetString());

        Assert.Equal(2, findings[1].GetProperty("line").GetInt32());
        Assert.Equal(10, findings[1].GetProperty("column").GetInt32());
        Assert.Equal("checksummed", findings[1].GetProperty("format").GetString());
        Assert.Equal(ClientId(checksummed), findings[1].GetProperty("clientId").GetString());
        Assert.True(findings[1].GetProperty("validated").GetBoolean());
        Assert.Equal("checksum", findings[1].GetProperty("validation").GetString());

        Assert.Equal(1, root.GetProperty("filesScanned").GetInt32());
        Assert.Equal(0, root.GetProperty("wrongChecksum").GetInt32());
        Assert.Equal(["binary", "tooLarge", "symbolicLinks", "gitDirectories", "unreadable"], root.GetProperty("skipped").EnumerateObject().Select(p => p.Name));
        AssertNoSecret(result, checksummed, astra);
    }

    [Fact]
    public async Task Scan_TokensCreatedByTheTool_AreFound()
    {
        using var store = new TempStore();
        CreatedToken checksummed = await store.CreateAsync();
        CreatedToken astra = await store.CreateAsync("read-only-user", "--format", "astra");
        Write("leak.txt", $"{checksummed.Token} {astra.Token}");

        CliResult result = await ScanAsync("leak.txt", "--output", "json");

        Assert.Equal(8, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(
            [(checksummed.ClientId, 1, true), (astra.ClientId, checksummed.Token.Length + 2, false)],
            json.RootElement.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("clientId").GetString(), f.GetProperty("column").GetInt32(), f.GetProperty("validated").GetBoolean())));
        AssertNoSecret(result, checksummed.Token, astra.Token);
        Assert.DoesNotContain(checksummed.Secret, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_AnyPrefix_IsValidatedByItsChecksum()
    {
        string acme = NewToken(new ChecksummedTokenFormat("acme"));
        Write("acme.txt", "key=" + acme);

        CliResult result = await ScanAsync("acme.txt");

        Assert.Equal(8, result.ExitCode);
        Assert.StartsWith($"acme.txt:1:5: checksummed token acme_{ClientId(acme)[..4]}****", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("checksum valid", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_WrongChecksum_IsNotReportedButCounted()
    {
        string token = NewToken(ChecksummedTokenFormat.Default);
        string wrong = token[..^1] + (token[^1] == '0' ? '1' : '0');
        string otherPrefix = "tsdx" + token[4..];
        Write("typo.txt", $"{wrong}\n{otherPrefix}\n");

        CliResult text = await ScanAsync("typo.txt");
        CliResult json = await ScanAsync("typo.txt", "--output", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Empty(text.StandardOutput);
        Assert.Contains("0 tokens found", text.StandardError, StringComparison.Ordinal);
        Assert.Contains("2 strings of token shape with a wrong checksum ignored", text.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        Assert.Empty(document.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(2, document.RootElement.GetProperty("wrongChecksum").GetInt32());
        AssertNoSecret(text, wrong, otherPrefix);
    }

    [Fact]
    public async Task Scan_NearMisses_AreIgnored()
    {
        string c = NewToken(ChecksummedTokenFormat.Default);
        string a = NewToken(AstraTokenFormat.Instance);
        string[] nearMisses =
        [
            c + "0", c[..^1], c[..5] + c[6..], c[..5] + "Q" + c[5..], "TSDK" + c[4..], "x" + c, "my" + c, c.Replace("tsdk_", "tsdk-", StringComparison.Ordinal),
            c[..40] + "g" + c[41..], c[..30] + c[30..].ToUpperInvariant(), c[..10] + "7" + c[11..], c + "_old",
            a + "f", a[..^1], "astracs:" + a[8..], "AstraCS_" + a[8..], "my" + a, a[..60] + "z" + a[61..], a[..33] + a[33..].ToUpperInvariant(),
            a[..12] + "5" + a[13..],
        ];
        Write("near.txt", string.Join("\n", nearMisses.Select(n => "x=" + n)));

        CliResult result = await ScanAsync("near.txt", "--output", "json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        Assert.Empty(json.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Scan_Directory_RecursesSkipsGitBinaryLargeAndLinks()
    {
        string deep = NewToken(ChecksummedTokenFormat.Default);
        Write(Path.Combine("src", "nested", "deeper", "settings.yaml"), $"token: {deep}\n");
        Write(Path.Combine("src", ".git", "config"), NewToken(ChecksummedTokenFormat.Default));
        File.WriteAllBytes(Path.Combine(_root, "src", "image.bin"), [.. Encoding.ASCII.GetBytes(NewToken(AstraTokenFormat.Instance)), 0, 1, 2]);
        Write(Path.Combine("src", "big.log"), new string('.', 3000) + NewToken(ChecksummedTokenFormat.Default));
        string outside = Path.Combine(_root, "outside");
        Write(Path.Combine("outside", "secret.txt"), NewToken(ChecksummedTokenFormat.Default));
        File.CreateSymbolicLink(Path.Combine(_root, "src", "link-to-outside"), outside);
        File.CreateSymbolicLink(Path.Combine(_root, "src", "link-to-file"), Path.Combine(outside, "secret.txt"));

        CliResult result = await ScanAsync("src", "--output", "json", "--max-size", "2K");

        Assert.Equal(8, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        JsonElement finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(Path.Combine("src", "nested", "deeper", "settings.yaml"), finding.GetProperty("path").GetString());
        Assert.Equal(ClientId(deep), finding.GetProperty("clientId").GetString());
        Assert.Equal(8, finding.GetProperty("column").GetInt32());
        JsonElement skipped = json.RootElement.GetProperty("skipped");
        Assert.Equal(1, json.RootElement.GetProperty("filesScanned").GetInt32());
        Assert.Equal(1, skipped.GetProperty("binary").GetInt32());
        Assert.Equal(1, skipped.GetProperty("tooLarge").GetInt32());
        Assert.Equal(2, skipped.GetProperty("symbolicLinks").GetInt32());
        Assert.Equal(1, skipped.GetProperty("gitDirectories").GetInt32());
    }

    [Fact]
    public async Task Scan_DirectoryWithANamedPipeAndAnEmptyFile_NeitherIsOpenedAndTheScanEnds()
    {
        // Arrange: a named pipe no one writes to (opening it for reading would wait for ever), an empty file, a token.
        string token = NewToken(ChecksummedTokenFormat.Default);
        Write(Path.Combine("dir", "a.txt"), token);
        Write(Path.Combine("dir", "empty.txt"), string.Empty);
        string pipe = Path.Combine(_root, "dir", "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Act: bounded, so a regression fails instead of hanging the run
        Task<CliResult> scan = Task.Run(() => ScanAsync("dir", "--output", "json"), TestContext.Current.CancellationToken);
        Task finished = await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        // Assert
        Assert.Same(scan, finished);
        CliResult result = await scan;
        Assert.Equal(8, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(ClientId(token), Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray()).GetProperty("clientId").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("filesScanned").GetInt32());
    }

    [Fact]
    public async Task Scan_LargeFileUnderTheDefaultLimit_IsScanned()
    {
        string token = NewToken(ChecksummedTokenFormat.Default);
        Write("large.txt", new string('\n', 100_000) + token);

        CliResult result = await ScanAsync("large.txt");

        Assert.Equal(8, result.ExitCode);
        Assert.StartsWith("large.txt:100001:1: ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_NothingFound_Exit0AndNoOutput()
    {
        Write(Path.Combine("clean", "readme.md"), "tsdk_ tokens look like tsdk_<clientId>_<hex>; AstraCS:<clientId>:<hex>\n");

        CliResult text = await ScanAsync("clean");
        CliResult json = await ScanAsync("clean", "--output", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Empty(text.StandardOutput);
        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = JsonDocument.Parse(json.StandardOutput);
        Assert.Empty(document.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(1, document.RootElement.GetProperty("filesScanned").GetInt32());
    }

    [Theory]
    [InlineData("missing.txt")]
    [InlineData("--max-size", "lots", ".")]
    [InlineData("--max-size", "0", ".")]
    [InlineData("--output", "csv", ".")]
    public async Task Scan_UsageErrors_Exit2(params string[] arguments)
    {
        CliResult result = await ScanAsync(arguments);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.StartsWith("tokensdk: error: ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_NoPath_Exit2()
    {
        CliResult result = await InProcessCli.RunAsync(["scan"], workingDirectory: _root);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("See 'tokensdk scan --help'", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1L)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("10m", 10L * 1024 * 1024)]
    [InlineData("2G", 2L * 1024 * 1024 * 1024)]
    public void TryParseSize_Units(string text, long expected)
    {
        Assert.True(ScanCommand.TryParseSize(text, out long size));
        Assert.Equal(expected, size);
    }

    [Fact]
    public void Help_ListsExitCode8()
    {
        string description = CliApplication.CreateRootCommand(new CliEnvironment(TextWriter.Null, TextWriter.Null, TextReader.Null, _ => null, _root)).Description!;

        Assert.Contains("8 tokens found (scan)", description, StringComparison.Ordinal);
    }

    private static string NewToken(ITokenFormat format) =>
        format.Format(RandomNumberGenerator.GetString(Letters, 24), SHA256.HashData(RandomNumberGenerator.GetBytes(32)));

    private static string ClientId(string token) => token.StartsWith("AstraCS:", StringComparison.Ordinal) ? token[8..32] : token[(token.IndexOf('_', StringComparison.Ordinal) + 1)..][..24];

    // Neither the token nor its secret part (the hex of T and the checksum) appears anywhere.
    private static void AssertNoSecret(CliResult result, params string[] tokens)
    {
        foreach (string token in tokens)
        {
            foreach (string output in new[] { result.StandardOutput, result.StandardError })
            {
                Assert.DoesNotContain(token, output, StringComparison.Ordinal);
                Assert.DoesNotContain(token[^40..], output, StringComparison.Ordinal);
                Assert.DoesNotContain(token[^72..^50], output, StringComparison.Ordinal);
            }
        }
    }

    private void Write(string relativePath, string content)
    {
        string path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private Task<CliResult> ScanAsync(params string[] arguments) => InProcessCli.RunAsync(["scan", .. arguments], workingDirectory: _root);
}
