using System.Diagnostics;
using System.Text;

namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>The outcome of one run of the tool.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Describes the run, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}; stdout: {StandardOutput}; stderr: {StandardError}";
}

/// <summary>
/// Runs the built tool as a process (<c>dotnet TokenSdk.Cli.dll ...</c>), with stdin redirected (so never a
/// terminal), stdout and stderr captured, and a timeout that kills it.
/// </summary>
internal static class CliProcess
{
    private const string CliName = "TokenSdk.Cli";
    private const string TestsName = "TokenSdk.Cli.Tests";

    private static readonly Lazy<string> s_cliPath = new(FindCli);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>Gets the path of the tool's dll.</summary>
    public static string CliPath => s_cliPath.Value;

    /// <summary>Runs the tool.</summary>
    /// <param name="arguments">The arguments.</param>
    /// <param name="stdin">What to write to stdin before closing it; <see langword="null"/> closes it at once.</param>
    /// <param name="store">The value of <c>TOKENSDK_STORE</c>; <see langword="null"/> leaves it unset.</param>
    /// <param name="workingDirectory">The working directory; <see langword="null"/> for the current one.</param>
    /// <param name="config">The value of <c>TOKENSDK_CONFIG</c>; <see langword="null"/> leaves it unset.</param>
    public static Task<CliResult> RunAsync(string[] arguments, string? stdin = null, string? store = null, string? workingDirectory = null, string? config = null) =>
        RunProcessAsync(DotnetHost(), [CliPath, .. arguments], stdin, store, workingDirectory, config);

    /// <summary>Gets whether <see cref="RunInTerminalAsync"/> can run here: util-linux <c>script</c> on Linux.</summary>
    public static bool CanRunInTerminal => OperatingSystem.IsLinux() && File.Exists(ScriptPath);

    /// <summary>
    /// Runs the tool with stdin, stdout and stderr on a pseudo-terminal (through util-linux <c>script</c>), as a person
    /// at a terminal would; <paramref name="input"/> is what they type. Stdout and stderr arrive merged.
    /// </summary>
    /// <param name="arguments">The arguments.</param>
    /// <param name="input">The keystrokes.</param>
    /// <param name="workingDirectory">The working directory.</param>
    public static Task<CliResult> RunInTerminalAsync(string[] arguments, string input, string? workingDirectory = null)
    {
        string command = string.Join(' ', new[] { DotnetHost(), CliPath }.Concat(arguments).Select(Quote));

        // -e: exit with the tool's exit code; -q: no banner; /dev/null: no typescript file.
        return RunProcessAsync(ScriptPath, ["-qec", command, "/dev/null"], input, store: null, workingDirectory);
    }

    private const string ScriptPath = "/usr/bin/script";

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<CliResult> RunProcessAsync(
        string fileName, string[] arguments, string? stdin, string? store, string? workingDirectory, string? config = null)
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
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["NO_COLOR"] = "1";
        startInfo.Environment.Remove("TOKENSDK_DEBUG");
        if (config is null)
        {
            startInfo.Environment.Remove("TOKENSDK_CONFIG");
        }
        else
        {
            startInfo.Environment["TOKENSDK_CONFIG"] = config;
        }

        if (store is null)
        {
            startInfo.Environment.Remove("TOKENSDK_STORE");
        }
        else
        {
            startInfo.Environment["TOKENSDK_STORE"] = store;
        }

        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {CliName}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{CliName} {string.Join(' ', arguments)} did not end within {s_timeout}.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (the test host among them): the same runtime as the tests.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static string FindCli()
    {
        // tests/TokenSdk.Cli.Tests/bin/<Configuration>/<tfm>/ → src/TokenSdk.Cli/bin/<Configuration>/<tfm>/
        string baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string[] segments = baseDirectory.Split(Path.DirectorySeparatorChar);
        int index = Array.LastIndexOf(segments, TestsName);
        if (index < 1 || segments[index - 1] != "tests")
        {
            throw new InvalidOperationException($"Cannot find the tool: '{baseDirectory}' is not under tests/{TestsName}.");
        }

        segments[index - 1] = "src";
        segments[index] = CliName;
        string path = Path.Combine(string.Join(Path.DirectorySeparatorChar, segments), CliName + ".dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The tool '{path}' does not exist; build src/{CliName} (the test project references it).");
        }

        return path;
    }
}
