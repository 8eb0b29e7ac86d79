using System.Diagnostics;
using System.Text;

namespace TokenSdk.Tests.TestSupport;

/// <summary>
/// A running <c>TokenSdk.StoreWorker</c>: a second process driving a <c>FileTokenStore</c>. Collects
/// every complete line the worker prints (a line cut off by a kill is never reported), and kills the process on dispose.
/// </summary>
internal sealed class StoreWorkerProcess : IDisposable
{
    private const string WorkerName = "TokenSdk.StoreWorker";
    private const string TestsName = "TokenSdk.Tests";

    private static readonly Lazy<string> s_workerPath = new(FindWorker);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _error = new();
    private readonly Task _stdoutReader;
    private readonly Task _stderrReader;
    private readonly object _sync = new();
    private bool _disposed;

    private StoreWorkerProcess(Process process)
    {
        _process = process;
        _stdoutReader = Task.Run(ReadOutputAsync);
        _stderrReader = Task.Run(ReadErrorAsync);
    }

    /// <summary>Gets the path of the worker's dll, next to this test assembly's build output.</summary>
    public static string WorkerPath => s_workerPath.Value;

    /// <summary>Gets the process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the exit code; only once the process has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets a snapshot of the complete lines printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_sync)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Gets what the worker wrote to stderr so far (for failure messages).</summary>
    public string StandardError
    {
        get
        {
            lock (_sync)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet TokenSdk.StoreWorker.dll <paramref name="arguments"/></c>.</summary>
    public static StoreWorkerProcess Start(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(WorkerPath);
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Keep the worker from filling the test output with first-run banners or telemetry notices.
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {WorkerName}.");
        return new StoreWorkerProcess(process);
    }

    /// <summary>Waits until the worker has opened its store and printed <c>READY</c>.</summary>
    public Task WaitForReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForLineAsync(static line => line == "READY", timeout, cancellationToken);

    /// <summary>Waits for the first complete line that matches <paramref name="predicate"/>.</summary>
    /// <exception cref="TimeoutException">No such line came within <paramref name="timeout"/>, or the worker ended without it.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // Checked before the lines, so a line printed just before the exit is still seen.
            bool finished = _stdoutReader.IsCompleted;
            string? match = Lines.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            if (finished)
            {
                throw new TimeoutException($"{WorkerName} ended without printing the expected line. {Describe()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{WorkerName} did not print the expected line within {timeout}. {Describe()}");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>Waits for the worker to end on its own and for its output to be read to the end.</summary>
    /// <returns>The exit code.</returns>
    /// <exception cref="TimeoutException">The worker still ran after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(timeoutSource.Token);
            await Task.WhenAll(_stdoutReader, _stderrReader).WaitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{WorkerName} did not end within {timeout}. {Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Kills the worker at once (SIGKILL on Unix: no cleanup, no flush), waits for it to be gone and for the output it
    /// printed before to be read.
    /// </summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It had already ended.
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"{WorkerName} (pid {_process.Id}) did not die within 30 seconds of SIGKILL.");
        }

        // Once the process is gone its end of the pipe is closed, so the readers reach the end promptly.
        if (!Task.WhenAll(_stdoutReader, _stderrReader).Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"The output of {WorkerName} (pid {_process.Id}) was not closed within 30 seconds of its death.");
        }
    }

    /// <summary>Describes the worker's state and output, for assertion messages.</summary>
    public string Describe()
    {
        IReadOnlyList<string> lines = Lines;
        string exit = _process.HasExited ? $"exit code {_process.ExitCode}" : "still running";
        string last = lines.Count == 0 ? "(none)" : string.Join(" | ", lines.Skip(Math.Max(0, lines.Count - 3)));
        return $"Worker pid {_process.Id}, {exit}, {lines.Count} lines, last: {last}; stderr: {StandardError}";
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task ReadOutputAsync()
    {
        // Raw bytes rather than ReadLine: a line is reported only once its newline arrived, so a line the kill cut off
        // (the worker printed half of it) never counts as an acknowledged operation.
        Stream stdout = _process.StandardOutput.BaseStream;
        byte[] buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        while (true)
        {
            int read = await stdout.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    pending.Add(buffer[i]);
                    continue;
                }

                string line = Encoding.UTF8.GetString([.. pending]).TrimEnd('\r');
                pending.Clear();
                lock (_sync)
                {
                    _lines.Add(line);
                }
            }
        }
    }

    private async Task ReadErrorAsync()
    {
        char[] buffer = new char[4096];
        while (true)
        {
            int read = await _process.StandardError.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            lock (_sync)
            {
                _error.Append(buffer, 0, read);
            }
        }
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (the test host among them): the same runtime as the tests.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static string FindWorker()
    {
        // tests/TokenSdk.Tests/bin/<Configuration>/<tfm>/ → tests/TokenSdk.StoreWorker/bin/<Configuration>/<tfm>/
        string baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string[] segments = baseDirectory.Split(Path.DirectorySeparatorChar);
        int index = Array.LastIndexOf(segments, TestsName);
        if (index < 0)
        {
            throw new InvalidOperationException($"Cannot find the worker: '{baseDirectory}' has no '{TestsName}' folder.");
        }

        segments[index] = WorkerName;
        string path = Path.Combine(string.Join(Path.DirectorySeparatorChar, segments), WorkerName + ".dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The worker '{path}' does not exist; build tests/{WorkerName} (the test project references it).");
        }

        return path;
    }
}
