using System.Globalization;

namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>
/// Runs the tool in this process through <see cref="CliApplication.RunAsync(string[], TextWriter, TextWriter, TextReader, Func{string, string?}, string, CancellationToken)"/>,
/// with the same shape as <see cref="CliProcess.RunAsync"/>: stdin redirected (never a terminal), stdout and stderr
/// captured, only the environment variables given. Nothing process-wide is touched, so tests run in parallel.
/// </summary>
internal static class InProcessCli
{
    /// <summary>Runs the tool.</summary>
    /// <param name="arguments">The arguments.</param>
    /// <param name="stdin">Standard input; <see langword="null"/> for an empty one.</param>
    /// <param name="store">The value of <c>TOKENSDK_STORE</c>; <see langword="null"/> leaves it unset.</param>
    /// <param name="workingDirectory">The directory relative paths start from; <see langword="null"/> for the temporary folder.</param>
    /// <param name="config">The value of <c>TOKENSDK_CONFIG</c>; <see langword="null"/> leaves it unset.</param>
    /// <param name="debug">Whether <c>TOKENSDK_DEBUG=1</c> is set.</param>
    /// <param name="time">The tool's clock; <see langword="null"/> for the system clock.</param>
    /// <param name="stdinIsTerminal">
    /// Whether the tool takes stdin for a terminal (a person answers its prompts with <paramref name="stdin"/>'s lines).
    /// </param>
    public static async Task<CliResult> RunAsync(
        string[] arguments, string? stdin = null, string? store = null, string? workingDirectory = null, string? config = null, bool debug = false,
        TimeProvider? time = null, bool stdinIsTerminal = false)
    {
        // As CliProcess sets them: NO_COLOR, and TOKENSDK_* only when given.
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["NO_COLOR"] = "1" };
        if (store is not null)
        {
            variables["TOKENSDK_STORE"] = store;
        }

        if (config is not null)
        {
            variables["TOKENSDK_CONFIG"] = config;
        }

        if (debug)
        {
            variables["TOKENSDK_DEBUG"] = "1";
        }

        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        using var input = new StringReader(stdin ?? string.Empty);
        var environment = new CliEnvironment(
            stdout, stderr, input, name => variables.GetValueOrDefault(name), workingDirectory ?? Path.GetTempPath(), time: time,
            readKey: stdinIsTerminal ? static () => new ConsoleKeyInfo('\r', ConsoleKey.Enter, shift: false, alt: false, control: false) : null);
        int exitCode = await CliApplication.RunAsync(arguments, environment, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}
