using System.Diagnostics;
using System.Text;

namespace TokenSdk.TestSupport;

/// <summary>The output of a program run to its end.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
internal sealed record ProgramOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the programs of this repository that the tests start as real processes (the CLI, the samples): finds their
/// built output next to the test project's, starts them with the same <c>dotnet</c> as the tests, and runs them to their
/// end with a timeout that kills them. Compiled into each test project that needs it (tests/Shared).
/// </summary>
internal static class BuiltProgram
{
    /// <summary>Gets the <c>dotnet</c> host the tests run on (set by the dotnet CLI for the processes it starts).</summary>
    public static string DotnetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }
    }

    /// <summary>Gets the repository's root: the nearest directory above the tests' output that holds TokenSdk.sln.</summary>
    /// <exception cref="InvalidOperationException">The tests do not run from inside the repository.</exception>
    public static string RepositoryRoot
    {
        get
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "TokenSdk.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No directory above '{AppContext.BaseDirectory}' contains TokenSdk.sln.");
        }
    }

    /// <summary>
    /// Finds the dll of a project of this repository built in the same configuration as the running tests:
    /// <c>tests/&lt;Tests&gt;/bin/&lt;Configuration&gt;/&lt;tfm&gt;/</c> → <c>&lt;folder&gt;/&lt;project&gt;/bin/&lt;Configuration&gt;/&lt;tfm&gt;/&lt;project&gt;.dll</c>.
    /// </summary>
    /// <param name="folder">The project's top-level folder: <c>src</c> or <c>samples</c>.</param>
    /// <param name="project">The project's name.</param>
    /// <exception cref="InvalidOperationException">The tests do not run from tests/, or the project is not built.</exception>
    public static string Find(string folder, string project)
    {
        string baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string[] segments = baseDirectory.Split(Path.DirectorySeparatorChar);
        int tests = Array.LastIndexOf(segments, "tests");
        if (tests < 0 || tests + 1 >= segments.Length)
        {
            throw new InvalidOperationException($"Cannot find {project}: '{baseDirectory}' is not under tests/.");
        }

        segments[tests] = folder;
        segments[tests + 1] = project;
        string path = Path.Combine(string.Join(Path.DirectorySeparatorChar, segments), project + ".dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"'{path}' does not exist; build {folder}/{project} (the test project references it).");
    }

    /// <summary>A start for <c>dotnet &lt;dll&gt; arguments</c>, with stdio redirected (UTF-8) and no .NET banners.</summary>
    public static ProcessStartInfo ForDll(string dll, IEnumerable<string> arguments) => For(DotnetHost, [dll, .. arguments]);

    /// <summary>A start for <paramref name="fileName"/>, with stdio redirected (UTF-8) and no .NET banners.</summary>
    public static ProcessStartInfo For(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return startInfo;
    }

    /// <summary>Runs a process to its end: writes <paramref name="stdin"/> (then closes it), reads both outputs, kills it after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">It did not end in time (it was killed).</exception>
    public static async Task<ProgramOutput> RunToEndAsync(ProcessStartInfo startInfo, string? stdin, TimeSpan timeout)
    {
        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', startInfo.ArgumentList)} did not end within {timeout}; stdout so far: {await stdout}");
        }

        return new ProgramOutput(process.ExitCode, await stdout, await stderr);
    }
}
