using System.Globalization;
using TokenSdk.Cli;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

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
/// Runs the <c>tokensdk</c> tool in this process (<see cref="CliApplication.RunAsync(string[], TextWriter, TextWriter, TextReader, Func{string, string?}, string, CancellationToken)"/>)
/// with only the environment variables given: nothing process-wide is read or changed, so tests run side by side.
/// </summary>
internal static class InProcessCli
{
    /// <summary>Runs the tool.</summary>
    /// <param name="arguments">The arguments.</param>
    /// <param name="variables">The environment variables the tool sees (<c>TOKENSDK_POSTGRES</c>, ...); no others.</param>
    /// <param name="stdin">Standard input; <see langword="null"/> for an empty one.</param>
    public static async Task<CliResult> RunAsync(string[] arguments, IReadOnlyDictionary<string, string> variables, string? stdin = null)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        using var input = new StringReader(stdin ?? string.Empty);
        int exitCode = await CliApplication.RunAsync(
            arguments, stdout, stderr, input, name => variables.GetValueOrDefault(name), Path.GetTempPath(), TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}
