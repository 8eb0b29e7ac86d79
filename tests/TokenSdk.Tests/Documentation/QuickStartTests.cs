using System.Diagnostics;

namespace TokenSdk.Tests.Documentation;

/// <summary>
/// The README's Quick start is samples/TokenSdk.Samples.QuickStart/Program.cs, character for character, and that
/// program compiles (it is built with the tests) and runs: what a newcomer pastes works and does what its comments say.
/// </summary>
public sealed class QuickStartTests
{
    private const string SampleName = "TokenSdk.Samples.QuickStart";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ReadmeQuickStart_IsTheSampleProgramVerbatim()
    {
        string root = BuiltProgram.RepositoryRoot;
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string program = File.ReadAllText(Path.Combine(root, "samples", SampleName, "Program.cs")).ReplaceLineEndings("\n");

        string shown = QuickStartCode(readme);

        Assert.Equal(program, shown);
    }

    [Fact]
    public void ReadmeQuickStart_NamesThePackagesItNeeds()
    {
        string readme = File.ReadAllText(Path.Combine(BuiltProgram.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        string section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..readme.IndexOf("## Concepts", StringComparison.Ordinal)];

        Assert.Contains("dotnet add package TokenSdk\n", section, StringComparison.Ordinal);
        Assert.Contains("dotnet add package Microsoft.Extensions.DependencyInjection\n", section, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task QuickStartProgram_Runs_VerifiesDeletesAndSavesOwnerOnlyDetails()
    {
        // Arrange: a working directory of its own, where the program saves GeneratedToken.csv.
        using var directory = new TestSupport.TemporaryDirectory();
        ProcessStartInfo start = BuiltProgram.ForDll(BuiltProgram.Find("samples", SampleName), []);
        start.WorkingDirectory = directory.Path;

        // Act
        ProgramOutput output = await BuiltProgram.RunToEndAsync(start, stdin: null, TimeSpan.FromMinutes(1));
        string[] lines = output.StandardOutput.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

        // Assert: the role's permissions, the verified token, the deletion it relies on, the saved details.
        Assert.True(output.ExitCode == 0, $"exit {output.ExitCode}: {output.StandardError}");
        Assert.Equal(3, lines.Length);
        Assert.Contains("org-token-write", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("may run CQL as Database Administrator", lines[1], StringComparison.Ordinal);
        Assert.Equal("UnknownClient", lines[2]);
        string csv = Path.Combine(directory.Path, "GeneratedToken.csv");
        Assert.StartsWith("Client Id,Client Secret,Role,Token\r\n", File.ReadAllText(csv), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(csv));
        }
    }

    /// <summary>The first C# block of the README's "Quick start" section.</summary>
    private static string QuickStartCode(string readme)
    {
        int section = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "The README has no Quick start section.");
        const string Fence = "```csharp\n";
        int start = readme.IndexOf(Fence, section, StringComparison.Ordinal) + Fence.Length;
        int end = readme.IndexOf("```\n", start, StringComparison.Ordinal);
        return readme[start..end];
    }
}
