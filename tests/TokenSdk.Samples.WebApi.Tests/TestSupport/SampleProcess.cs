using System.Diagnostics;

namespace TokenSdk.Samples.WebApi.Tests.TestSupport;

/// <summary>The outcome of one run of the sample.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
internal sealed record SampleResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Describes the run, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}; stdout: {StandardOutput}; stderr: {StandardError}";
}

/// <summary>
/// Runs the built sample as CI does (<c>dotnet TokenSdk.Samples.WebApi.dll</c> in its output folder), on an
/// ephemeral port, with a timeout that kills it. For runs expected to end by themselves: a server that starts
/// serving instead runs into the timeout.
/// </summary>
internal static class SampleProcess
{
    private const string SampleName = "TokenSdk.Samples.WebApi";

    private static readonly Lazy<string> s_samplePath = new(() => BuiltProgram.Find("samples", SampleName));
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs the sample with <c>TOKENSDK_STORE</c> set to <paramref name="store"/>.</summary>
    /// <param name="store">The store directory.</param>
    /// <param name="environment">More environment variables, e.g. configuration (<c>TokenSdk__TokenPrefix</c>).</param>
    public static async Task<SampleResult> RunAsync(string store, IReadOnlyDictionary<string, string>? environment = null)
    {
        ProcessStartInfo startInfo = BuiltProgram.ForDll(s_samplePath.Value, []);
        startInfo.WorkingDirectory = Path.GetDirectoryName(s_samplePath.Value)!;
        startInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        startInfo.Environment["TOKENSDK_STORE"] = store;
        startInfo.Environment.Remove("TOKENSDK_BOOTSTRAP_FILE");
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        ProgramOutput output = await BuiltProgram.RunToEndAsync(startInfo, stdin: null, s_timeout);
        return new SampleResult(output.ExitCode, output.StandardOutput, output.StandardError);
    }
}
