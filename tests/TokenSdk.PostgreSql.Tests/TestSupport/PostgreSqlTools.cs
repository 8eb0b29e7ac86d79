using System.Diagnostics;
using System.Text;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>The outcome of one run of a PostgreSQL program (initdb, pg_ctl).</summary>
/// <param name="CommandLine">What ran, for messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Everything written to stdout and then stderr.</param>
internal sealed record ToolResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>Describes the run, for failure messages.</summary>
    public override string ToString() => $"{CommandLine} exited with {ExitCode}:{Environment.NewLine}{Output.TrimEnd()}";
}

/// <summary>
/// The server programs of a local PostgreSQL installation (<c>initdb</c>, <c>pg_ctl</c>) and the OS user they run as:
/// the current user, or <c>postgres</c> when the tests run as root (PostgreSQL refuses to run as root).
/// </summary>
internal sealed class PostgreSqlTools
{
    /// <summary>The unprivileged OS user the server runs as when the tests run as root (the Debian package creates it).</summary>
    public const string ServerUser = "postgres";

    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<PostgreSqlTools> s_local = new(Find);

    private readonly string? _switchUser;

    private PostgreSqlTools(string binDirectory, string? switchUser)
    {
        BinDirectory = binDirectory;
        _switchUser = switchUser;
    }

    /// <summary>Gets the tools of this machine; throws, saying what to install, when there are none.</summary>
    public static PostgreSqlTools Local => s_local.Value;

    /// <summary>Gets the directory that holds <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
    public string BinDirectory { get; }

    /// <summary>Gets whether the programs run as <see cref="ServerUser"/> rather than as the current (root) user.</summary>
    public bool RunsAsServerUser => _switchUser is not null;

    /// <summary>Runs one of the programs (as <see cref="ServerUser"/> when the tests run as root).</summary>
    /// <param name="program">The program's name in <see cref="BinDirectory"/>: <c>initdb</c>, <c>pg_ctl</c>.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">A directory the server user may enter (PostgreSQL's programs look up the current one).</param>
    public Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory)
    {
        string path = Path.Combine(BinDirectory, program);
        return _switchUser is null
            ? RunProcessAsync(path, arguments, workingDirectory)
            : RunProcessAsync(_switchUser, SwitchUserArguments(_switchUser).Append(path).Concat(arguments), workingDirectory);
    }

    /// <summary>Hands a directory the tests created to the user the server runs as.</summary>
    /// <param name="directory">The directory.</param>
    public async Task GiveToServerUserAsync(string directory)
    {
        if (RunsAsServerUser)
        {
            ToolResult chown = await RunProcessAsync("chown", [ServerUser, directory], directory);
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"Could not give '{directory}' to the OS user '{ServerUser}' that PostgreSQL runs as when the tests run as root: {chown}");
            }
        }
    }

    /// <summary>Runs any program, capturing stdout and stderr, killing it after two minutes.</summary>
    private static async Task<ToolResult> RunProcessAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
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
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        string commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(fileName));
        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {commandLine}.");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{commandLine} did not end within {s_timeout}.");
        }

        return new ToolResult(commandLine, process.ExitCode, await stdout + await stderr);
    }

    private static PostgreSqlTools Find()
    {
        string binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found: not in `pg_config --bindir`, not in /usr/lib/postgresql/*/bin, "
            + "not on PATH. Install PostgreSQL (Debian: apt-get install postgresql), or set "
            + $"{PostgreSqlServer.EnvironmentVariable} to the connection string of a server the tests may create databases on.");
        return new PostgreSqlTools(binDirectory, Environment.IsPrivilegedProcess ? FindSwitchUser() : null);
    }

    private static string? FindBinDirectory()
    {
        static bool HasServerPrograms(string? directory) =>
            !string.IsNullOrEmpty(directory) && File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

        // pg_config may come from libpq-dev alone, naming a directory without the server: hence the check.
        string? fromPgConfig = FindOnPath("pg_config") is { } pgConfig ? PgConfigBinDirectory(pgConfig) : null;
        if (HasServerPrograms(fromPgConfig))
        {
            return fromPgConfig;
        }

        // The Debian layout (/usr/lib/postgresql/<major>/bin, not on PATH): the newest major version.
        const string DebianRoot = "/usr/lib/postgresql";
        string? debian = Directory.Exists(DebianRoot)
            ? Directory.GetDirectories(DebianRoot)
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), out int major) ? major : -1, Bin: Path.Combine(version, "bin")))
                .Where(candidate => HasServerPrograms(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }

        string? initdb = FindOnPath("initdb");
        return HasServerPrograms(Path.GetDirectoryName(initdb)) ? Path.GetDirectoryName(initdb) : null;
    }

    private static string? PgConfigBinDirectory(string pgConfig)
    {
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(pgConfig, "--bindir") { RedirectStandardOutput = true, UseShellExecute = false })!;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>util-linux <c>runuser</c>, or <c>setpriv</c> where there is no runuser.</summary>
    private static string FindSwitchUser() =>
        FindOnPath("runuser") ?? FindOnPath("setpriv") ?? throw new InvalidOperationException(
            $"The tests run as root, and PostgreSQL refuses to: they run it as the OS user '{ServerUser}' through runuser or setpriv "
            + "(util-linux), and neither was found.");

    private static IEnumerable<string> SwitchUserArguments(string switchUser) =>
        Path.GetFileName(switchUser) == "runuser"
            ? ["-u", ServerUser, "--"]
            : [$"--reuid={ServerUser}", $"--regid={ServerUser}", "--init-groups", "--"];

    private static string? FindOnPath(string program)
    {
        // The sbin directories too: runuser lives in /usr/sbin, which a non-login PATH may lack.
        IEnumerable<string> directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        return directories.Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);
    }
}
