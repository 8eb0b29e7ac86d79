using System.Diagnostics;
using System.Text;

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
    private const string TestsName = "TokenSdk.Samples.WebApi.Tests";

    private static readonly Lazy<string> s_samplePath = new(FindSample);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs the sample with <c>TOKENSDK_STORE</c> set to <paramref name="store"/>.</summary>
    /// <param name="store">The store directory.</param>
    /// <param name="environment">More environment variables, e.g. configuration (<c>TokenSdk__TokenPrefix</c>).</param>
    public static async Task<SampleResult> RunAsync(string store, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(s_samplePath.Value)!,
        };
        startInfo.ArgumentList.Add(s_samplePath.Value);
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        startInfo.Environment["TOKENSDK_STORE"] = store;
        startInfo.Environment.Remove("TOKENSDK_BOOTSTRAP_FILE");
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {SampleName}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{SampleName} did not end within {s_timeout}; stdout so far: {await stdout}");
        }

        return new SampleResult(process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (the test host among them): the same runtime as the tests.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static string FindSample()
    {
        // tests/TokenSdk.Samples.WebApi.Tests/bin/<Configuration>/<tfm>/ → samples/TokenSdk.Samples.WebApi/bin/<Configuration>/<tfm>/
        string baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string[] segments = baseDirectory.Split(Path.DirectorySeparatorChar);
        int index = Array.LastIndexOf(segments, TestsName);
        if (index < 1 || segments[index - 1] != "tests")
        {
            throw new InvalidOperationException($"Cannot find the sample: '{baseDirectory}' is not under tests/{TestsName}.");
        }

        segments[index - 1] = "samples";
        segments[index] = SampleName;
        string path = Path.Combine(string.Join(Path.DirectorySeparatorChar, segments), SampleName + ".dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The sample '{path}' does not exist; build samples/{SampleName} (the test project references it).");
        }

        return path;
    }
}
