using System.Net;
using System.Net.Sockets;

using Npgsql;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>
/// A throw-away PostgreSQL cluster of this machine's installation: <c>initdb</c> into a fresh temporary directory
/// (superuser <c>postgres</c>, trust authentication, listening on 127.0.0.1 only, on a free port, its Unix socket
/// inside that directory), started with <c>pg_ctl</c>, and stopped and deleted on dispose. When the tests run as
/// root, the directory belongs to, and the server runs as, the OS user <c>postgres</c>.
/// </summary>
/// <remarks>
/// Fault tests stop and start a cluster of their own (<see cref="StopAsync"/>, <see cref="StartAgainAsync"/>);
/// never the shared <see cref="PostgreSqlServer"/>.
/// </remarks>
internal sealed class PostgreSqlCluster : IAsyncDisposable
{
    private const int StartAttempts = 3;

    private readonly PostgreSqlTools _tools;

    private PostgreSqlCluster(PostgreSqlTools tools, string rootDirectory)
    {
        _tools = tools;
        RootDirectory = rootDirectory;
    }

    /// <summary>Gets the temporary directory that holds the data directory, the server's log and its socket.</summary>
    public string RootDirectory { get; }

    /// <summary>Gets the loopback port the server listens on; it stays the same across stops and starts.</summary>
    public int Port { get; private set; }

    /// <summary>Gets whether the server is running (started, and not stopped since).</summary>
    public bool IsRunning { get; private set; }

    /// <summary>Gets the superuser's connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = "postgres",
        Database = "postgres",
    }.ConnectionString;

    private string DataDirectory => Path.Combine(RootDirectory, "data");

    private string LogPath => Path.Combine(RootDirectory, "server.log");

    /// <summary>Creates a cluster in a fresh temporary directory and starts it.</summary>
    /// <exception cref="InvalidOperationException">It could not start; the message holds initdb's or pg_ctl's output and the server's log.</exception>
    public static async Task<PostgreSqlCluster> StartAsync()
    {
        PostgreSqlTools tools = PostgreSqlTools.Local;
        string root = Path.Combine(Path.GetTempPath(), "tokensdk-postgres-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var cluster = new PostgreSqlCluster(tools, root);
        try
        {
            await tools.GiveToServerUserAsync(root);
            await cluster.InitializeDataDirectoryAsync();
            await cluster.StartOnFreePortAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server; its data directory and port stay for <see cref="StartAgainAsync"/>.</summary>
    /// <param name="immediate">
    /// <see langword="true"/> for <c>pg_ctl stop -m immediate</c>: every process ends at once, as in a crash, and the
    /// next start recovers from the WAL; <see langword="false"/> for <c>-m fast</c>: a clean shutdown.
    /// </param>
    public async Task StopAsync(bool immediate = true)
    {
        ToolResult stop = await _tools.RunAsync(
            "pg_ctl", ["stop", "-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60"], RootDirectory);
        if (stop.ExitCode != 0)
        {
            throw new InvalidOperationException($"The PostgreSQL cluster in {RootDirectory} did not stop. {stop}{ServerLog(0)}");
        }

        IsRunning = false;
    }

    /// <summary>Starts the stopped server again, on the same data directory and port.</summary>
    /// <exception cref="InvalidOperationException">It could not start (the port may have been taken meanwhile); the message holds the server's log.</exception>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The cluster is running: stop it first (StopAsync).");
        }

        long logStart = LogLength();
        ToolResult start = await PgCtlStartAsync();
        if (start.ExitCode != 0)
        {
            throw StartFailed(start, logStart);
        }

        IsRunning = true;
    }

    /// <summary>Stops the server and starts it again on the same data directory and port.</summary>
    /// <param name="immediate">Whether to stop it as in a crash; see <see cref="StopAsync"/>.</param>
    public async Task RestartAsync(bool immediate = true)
    {
        await StopAsync(immediate);
        await StartAgainAsync();
    }

    /// <summary>Creates a fresh, empty database on this cluster.</summary>
    /// <param name="name">The database's name (lower-case letters, digits, underscores); a unique one when <see langword="null"/>.</param>
    /// <returns>The superuser's connection string to the new database.</returns>
    public Task<string> CreateDatabaseAsync(string? name = null) => PostgreSqlDatabases.CreateAsync(ConnectionString, name);

    /// <summary>Stops the server (immediately: nothing in it is kept) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        // The lock file rather than IsRunning: a start that timed out may have left a server behind.
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await _tools.RunAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"], RootDirectory);
            IsRunning = false;
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory is not worth failing a test over.
        }
    }

    private async Task InitializeDataDirectoryAsync()
    {
        // --no-sync: initdb's own final flush to disk; a throw-away cluster does not outlive the machine. The server's
        // fsync stays at its default, so a crash (stop -m immediate) behaves as in production.
        ToolResult initdb = await _tools.RunAsync(
            "initdb",
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            RootDirectory);
        if (initdb.ExitCode != 0)
        {
            string asUser = _tools.RunsAsServerUser
                ? $" as the OS user '{PostgreSqlTools.ServerUser}' (who must be able to enter every parent directory of {RootDirectory})"
                : string.Empty;
            throw new InvalidOperationException($"Could not create a PostgreSQL cluster in {DataDirectory}{asUser}. {initdb}");
        }

        // Appended, so they win over initdb's defaults; the port is given at each start.
        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"""

            # TokenSdk tests: a throw-away cluster reachable from this machine only.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{RootDirectory}'
            """);

        // Trust, for the loopback address and the socket in the cluster's own directory: nothing else.
        await File.WriteAllTextAsync(
            Path.Combine(DataDirectory, "pg_hba.conf"),
            """
            local all all trust
            host all all 127.0.0.1/32 trust
            """);
    }

    private async Task StartOnFreePortAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            long logStart = LogLength();
            ToolResult start = await PgCtlStartAsync();
            if (start.ExitCode == 0)
            {
                IsRunning = true;
                return;
            }

            // Another process may take the port between our probe and the server's bind: try another.
            bool portTaken = ServerLog(logStart).Contains("could not bind", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt == StartAttempts)
            {
                throw StartFailed(start, logStart);
            }
        }
    }

    private Task<ToolResult> PgCtlStartAsync() =>
        _tools.RunAsync(
            "pg_ctl",
            ["start", "-D", DataDirectory, "-l", LogPath, "-w", "-t", "60", "-o", $"-p {Port}"],
            RootDirectory);

    private InvalidOperationException StartFailed(ToolResult start, long logStart) =>
        new($"Could not start the PostgreSQL cluster in {DataDirectory} on 127.0.0.1:{Port}. {start}{ServerLog(logStart)}");

    private long LogLength() => File.Exists(LogPath) ? new FileInfo(LogPath).Length : 0;

    /// <summary>The server's log from <paramref name="start"/> on, headed for a failure message.</summary>
    private string ServerLog(long start)
    {
        if (!File.Exists(LogPath))
        {
            return string.Empty;
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return $"{Environment.NewLine}Server log ({LogPath}):{Environment.NewLine}{reader.ReadToEnd().TrimEnd()}";
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
