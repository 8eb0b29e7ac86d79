using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TokenSdk.TestSupport;

/// <summary>
/// The built sample serving on a free loopback port, as a person runs it; stopped (killed) on dispose. Its output is
/// kept for assertion messages.
/// </summary>
internal sealed class SampleServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

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

    public static async Task<SampleServer> StartAsync(string store, string bootstrapFile)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        ProcessStartInfo startInfo = BuiltProgram.ForDll(BuiltProgram.Find("samples", "TokenSdk.Samples.WebApi"), []);
        startInfo.WorkingDirectory = Path.GetDirectoryName(startInfo.ArgumentList[0])!;
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        startInfo.Environment["TOKENSDK_STORE"] = store;
        startInfo.Environment["TOKENSDK_BOOTSTRAP_FILE"] = bootstrapFile;
        startInfo.Environment.Remove("TOKENSDK_POSTGRES");
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException("The sample did not start.");
        var server = new SampleServer(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The sample exited with code {process.ExitCode}: {server.Output}");
            }

            try
            {
                if ((await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // Not answering yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await server.DisposeAsync();
                throw new TimeoutException($"The sample did not answer /healthz within 60 s: {server.Output}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
