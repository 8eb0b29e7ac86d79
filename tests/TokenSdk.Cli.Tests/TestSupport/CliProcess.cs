using System.Diagnostics;

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
        ProcessStartInfo startInfo = BuiltProgram.For(fileName, arguments);
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        startInfo.Environment["NO_COLOR"] = "1";
        startInfo.Environment.Remove("TOKENSDK_DEBUG");
        SetOrRemove(startInfo, "TOKENSDK_CONFIG", config);
        SetOrRemove(startInfo, "TOKENSDK_STORE", store);
        ProgramOutput output = await BuiltProgram.RunToEndAsync(startInfo, stdin, s_timeout);
        return new CliResult(output.ExitCode, output.StandardOutput, output.StandardError);
    }

    private static void SetOrRemove(ProcessStartInfo startInfo, string name, string? value)
    {
        if (value is null)
        {
            startInfo.Environment.Remove(name);
        }
        else
        {
            startInfo.Environment[name] = value;
        }
    }

    private static string DotnetHost() => BuiltProgram.DotnetHost;

    private static string FindCli() => BuiltProgram.Find("src", CliName);
}
