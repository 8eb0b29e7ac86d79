namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>How a test runs the tool.</summary>
internal enum CliMode
{
    /// <summary>In this process (<see cref="InProcessCli"/>): fast, the default.</summary>
    InProcess,

    /// <summary>As a separate process (<see cref="CliProcess"/>): for what only a real process shows.</summary>
    Process,
}

/// <summary>A fresh temporary folder (holding a store directory and output files), deleted on dispose.</summary>
internal sealed class TempStore : IDisposable
{
    private readonly CliMode _mode;

    /// <summary>Creates the folder; the store directory inside it does not exist yet.</summary>
    /// <param name="mode">How <see cref="RunAsync"/> and the other helpers run the tool.</param>
    public TempStore(CliMode mode = CliMode.InProcess)
    {
        _mode = mode;
        Root = Path.Combine(Path.GetTempPath(), "tokensdk-cli-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Root);
        Directory = Path.Combine(Root, "store");
        Store = Directory;
    }

    /// <summary>Creates a store for tests of custom roles, run in process.</summary>
    public static TempStore ForRoles() => new(CliMode.InProcess);

    /// <summary>Gets the value of <c>--store</c>: the store directory.</summary>
    public string Store { get; }

    /// <summary>Gets the temporary folder.</summary>
    public string Root { get; }

    /// <summary>Gets the store directory (created by the first <c>tokens create</c>).</summary>
    public string Directory { get; }

    /// <summary>Runs the tool with <c>--store</c> set to this store: <paramref name="arguments"/> then <c>--store DIR</c>.</summary>
    /// <param name="arguments">The arguments.</param>
    public Task<CliResult> RunAsync(params string[] arguments) => RunToolAsync([.. arguments, "--store", Store], stdin: null);

    /// <summary>Runs the tool in this process on this store with its clock at <paramref name="now"/>.</summary>
    /// <param name="now">What the tool's clock reads (and keeps moving from): token times, relative durations.</param>
    /// <param name="arguments">The arguments.</param>
    public Task<CliResult> RunAtAsync(DateTimeOffset now, params string[] arguments) =>
        InProcessCli.RunAsync([.. arguments, "--store", Store], workingDirectory: Root, time: new ShiftedTimeProvider(now));

    /// <summary>Runs the tool on this store with <paramref name="stdin"/> as standard input.</summary>
    /// <param name="stdin">The input.</param>
    /// <param name="arguments">The arguments.</param>
    public Task<CliResult> RunWithInputAsync(string stdin, params string[] arguments) => RunToolAsync([.. arguments, "--store", Store], stdin);

    /// <summary>Runs the tool in this process on this store as if at a terminal: <paramref name="typed"/> answers its prompts.</summary>
    /// <param name="typed">What the person types.</param>
    /// <param name="arguments">The arguments.</param>
    public Task<CliResult> RunAtTerminalAsync(string typed, params string[] arguments) =>
        InProcessCli.RunAsync([.. arguments, "--store", Store], typed, workingDirectory: Root, stdinIsTerminal: true);

    /// <summary>Creates a token with <c>--output json</c> and returns the parsed details.</summary>
    /// <param name="role">The role.</param>
    /// <param name="more">More arguments.</param>
    public async Task<CreatedToken> CreateAsync(string role = "read-only-user", params string[] more)
    {
        CliResult result = await RunAsync(["tokens", "create", "--role", role, "--output", "json", .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return CreatedToken.Parse(result.StandardOutput);
    }

    /// <summary>Creates a token of several roles (one <c>--role</c> each, in order) with <c>--output json</c>.</summary>
    /// <param name="roles">The roles.</param>
    /// <param name="more">More arguments.</param>
    public async Task<CreatedToken> CreateWithRolesAsync(string[] roles, params string[] more)
    {
        CliResult result = await RunAsync(["tokens", "create", .. RoleArguments(roles), "--output", "json", .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return CreatedToken.Parse(result.StandardOutput);
    }

    /// <summary>One <c>--role</c> for each of <paramref name="roles"/>, in order.</summary>
    /// <param name="roles">The roles.</param>
    public static string[] RoleArguments(params string[] roles) => [.. roles.SelectMany(role => new[] { "--role", role })];

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that was killed may still hold a file for a moment; the OS cleans the temp folder.
        }
    }

    private Task<CliResult> RunToolAsync(string[] arguments, string? stdin) => _mode == CliMode.Process
        ? CliProcess.RunAsync(arguments, stdin, workingDirectory: Root)
        : InProcessCli.RunAsync(arguments, stdin, workingDirectory: Root);
}
