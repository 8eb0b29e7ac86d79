using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>
/// One node of a service: a process of the built web sample (<c>dotnet TokenSdk.Samples.WebApi.dll</c>, as CI starts
/// it) on an ephemeral loopback port, read from its "Now listening on:" line. Only the <c>TOKENSDK_*</c> variables
/// given reach it. Stopping kills it, as a crash would; disposing kills it if it still runs.
/// </summary>
internal sealed partial class SampleNode : IAsyncDisposable
{
    private const string SampleName = "TokenSdk.Samples.WebApi";

    private static readonly Lazy<string> s_samplePath = new(FindSample);
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _started;

    private SampleNode(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>Gets the node's name in messages.</summary>
    public string Name { get; }

    /// <summary>Gets the address it listens on.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets everything it wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the node and waits until it listens.</summary>
    /// <param name="name">The node's name in messages.</param>
    /// <param name="variables">The <c>TOKENSDK_*</c> variables it gets (others of the test process are removed).</param>
    /// <exception cref="InvalidOperationException">It ended, or did not listen within a minute; the message holds its output.</exception>
    public static async Task<SampleNode> StartAsync(string name, IReadOnlyDictionary<string, string> variables)
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
        foreach (string inherited in startInfo.Environment.Keys.Where(k => k.StartsWith("TOKENSDK_", StringComparison.Ordinal)).ToArray())
        {
            startInfo.Environment.Remove(inherited);
        }

        startInfo.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach ((string key, string value) in variables)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var node = new SampleNode(name, process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => node.Append(e.Data, listening);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data, listening);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {SampleName} ({name}).");
        }

        node._started = true;

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        Task exited = process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Task first = await Task.WhenAny(listening.Task, exited, Task.Delay(s_startTimeout, TestContext.Current.CancellationToken));
        if (first != listening.Task)
        {
            string how = first == exited ? $"ended with exit code {process.ExitCode}" : $"did not listen within {s_startTimeout}";
            await node.DisposeAsync(); // Everything it wrote is read once it has exited.
            throw new InvalidOperationException($"{SampleName} ({name}) {how}: {node.Output}");
        }

        node.BaseAddress = await listening.Task;
        return node;
    }

    /// <summary>Kills the node, as a crash would, and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (!_started)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({BaseAddress}): {Output}";

    private void Append(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["address"].Value));
        }
    }

    private static string DotnetHost() => BuiltProgram.DotnetHost;

    private static string FindSample() => BuiltProgram.Find("samples", SampleName);

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex ListeningLine();
}
