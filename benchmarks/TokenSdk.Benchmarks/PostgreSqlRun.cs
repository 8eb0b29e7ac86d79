using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TokenSdk.Credentials;
using TokenSdk.PostgreSql;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Benchmarks;

/// <summary>
/// The PostgreSQL store's numbers that a BenchmarkDotNet method cannot express (they need two nodes and a server):
/// revocation propagation from node A to node B (with notifications, and with notifications lost), creates per second
/// with 1 and 16 writers, start-up time and memory per token of a node joining a large database, and verification on
/// the node's replica against the in-memory store (time ratio and allocation).
/// </summary>
/// <remarks>
/// <c>TOKENSDK_POSTGRES=&lt;connection string&gt; dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- postgres
/// [--deletions 1000] [--lost 30] [--creates 2000] [--join 1000000]</c>. It creates and drops the schema
/// <c>tokensdk_bench</c> in that database. Nodes A and B are two stores in this process, each with its own
/// connections (pool and LISTEN), so both see the same clock.
/// </remarks>
internal static class PostgreSqlRun
{
    private const string Schema = "tokensdk_bench";

    public static async Task<int> RunAsync(string[] args)
    {
        string? connectionString = Environment.GetEnvironmentVariable("TOKENSDK_POSTGRES");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Console.Error.WriteLine("Set TOKENSDK_POSTGRES to the connection string of a PostgreSQL database where the schema 'tokensdk_bench' may be created.");
            return 2;
        }

        bool smoke = Environment.GetEnvironmentVariable("TOKENSDK_BENCH_SMOKE") == "1";
        int deletions = Option(args, "--deletions", smoke ? 20 : 1000);
        int lost = Option(args, "--lost", smoke ? 3 : 30);
        int creates = Option(args, "--creates", smoke ? 64 : 2000);
        int join = Option(args, "--join", smoke ? 1000 : 1_000_000);

        await using NpgsqlDataSource admin = NpgsqlDataSource.Create(connectionString);
        Console.WriteLine($"# PostgreSQL store, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();

        await ResetAsync(admin);
        await RevocationAsync(connectionString, deletions, listen: true);
        await RevocationAsync(connectionString, lost, listen: false);
        await CreatesAsync(connectionString, creates);
        await VerificationAsync(connectionString);
        await JoinAsync(admin, connectionString, join);
        await DropAsync(admin);
        return 0;
    }

    private static async Task RevocationAsync(string connectionString, int count, bool listen)
    {
        var generator = new TokenGenerator();
        await using PostgreSqlTokenStore a = await OpenAsync(connectionString, listen: true);
        await using PostgreSqlTokenStore b = await OpenAsync(connectionString, listen);
        List<IssuedToken> tokens = [.. Enumerable.Range(0, count).Select(_ => generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)))];
        foreach (IssuedToken token in tokens)
        {
            await a.TryAddAsync(token.Record);
        }

        await b.RefreshAsync();
        var latencies = new List<double>(count);
        foreach (IssuedToken token in tokens)
        {
            // From the moment the deletion committed (DeleteAsync returned) until node B rejects the token.
            await a.DeleteAsync(token.Record.ClientId);
            long committed = Stopwatch.GetTimestamp();
            while (b.TryFind(token.Record.ClientId, out _))
            {
                Thread.Yield();
            }

            latencies.Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
        }

        latencies.Sort();
        string title = listen
            ? "Revocation, node A to node B, notifications flowing"
            : "Revocation, node A to node B, notifications lost (the poll every RefreshInterval = 1 s is the backstop)";
        Console.WriteLine($"## {title}: {count} deletions");
        Console.WriteLine();
        Console.WriteLine("| p50 | p90 | p99 | max |");
        Console.WriteLine("|---:|---:|---:|---:|");
        Console.WriteLine($"| {Ms(Percentile(latencies, 0.50))} | {Ms(Percentile(latencies, 0.90))} | {Ms(Percentile(latencies, 0.99))} | {Ms(latencies[^1])} |");
        Console.WriteLine();
    }

    private static async Task CreatesAsync(string connectionString, int count)
    {
        var generator = new TokenGenerator();
        await using PostgreSqlTokenStore store = await OpenAsync(connectionString, listen: true);
        Console.WriteLine($"## Creates per second ({count} adds, each committed before it returns; a node's concurrent adds share a commit)");
        Console.WriteLine();
        Console.WriteLine("| Concurrent writers | Creates per second | Mean time per add |");
        Console.WriteLine("|---:|---:|---:|");
        foreach (int writers in new[] { 1, 16 })
        {
            StoredToken[] records = [.. Enumerable.Range(0, count).Select(_ => generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Record)];
            int next = -1;
            long started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < records.Length)
                {
                    await store.TryAddAsync(records[index]);
                }
            })));
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"| {writers} | {count / elapsed.TotalSeconds:N0} | {Ms(elapsed.TotalMilliseconds / count)} |");
        }

        Console.WriteLine();
    }

    private static async Task VerificationAsync(string connectionString)
    {
        var generator = new TokenGenerator();
        var roles = new RoleCatalog();
        await using PostgreSqlTokenStore store = await OpenAsync(connectionString, listen: true);
        var memory = new InMemoryTokenStore();
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        await store.TryAddAsync(issued.Record);
        await memory.TryAddAsync(issued.Record);
        var onPostgres = new TokenVerifier(store, roles);
        var inMemory = new TokenVerifier(memory, roles);
        string token = issued.Details.Token;
        const int Batch = 20_000;
        const int Rounds = 40;
        var ratios = new List<double>(Rounds);
        long allocated = 0;
        for (int round = 0; round < Rounds; round++)
        {
            double memoryNs = Time(inMemory, token, Batch);
            long before = GC.GetAllocatedBytesForCurrentThread();
            double postgresNs = Time(onPostgres, token, Batch);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            ratios.Add(postgresNs / memoryNs);
        }

        ratios.Sort();
        Console.WriteLine($"## Verification on the node's replica against the in-memory store ({Rounds} alternating rounds of {Batch:N0})");
        Console.WriteLine();
        Console.WriteLine("| Ratio, median | Ratio, 10th-90th percentile | Allocated per verification |");
        Console.WriteLine("|---:|---:|---:|");
        Console.WriteLine($"| {Percentile(ratios, 0.5):0.000}x | {Percentile(ratios, 0.1):0.000}x-{Percentile(ratios, 0.9):0.000}x | {allocated / (double)(Rounds * Batch):0.##} B |");
        Console.WriteLine();

        static double Time(TokenVerifier verifier, string token, int count)
        {
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                ValueTask<TokenVerificationResult> pending = verifier.VerifyAsync(token);
                if (!pending.IsCompletedSuccessfully || !pending.Result.IsValid)
                {
                    throw new InvalidOperationException("Verification did not complete synchronously and successfully.");
                }
            }

            return Stopwatch.GetElapsedTime(started).TotalNanoseconds / count;
        }
    }

    private static async Task JoinAsync(NpgsqlDataSource admin, string connectionString, int count)
    {
        await ResetAsync(admin);
        var generator = new TokenGenerator();
        // The shape of the footprint benchmark (one organization, one role, no description), so the numbers compare.
        IssuedToken sample = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteServiceAccount));
        string verifier = sample.Record.Verifier.Encode();
        await using (NpgsqlConnection connection = await admin.OpenConnectionAsync())
        await using (NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync(
            $"COPY {Schema}.tokens (client_id, organization_id, role_id, verifier, created_at, created_offset_minutes) FROM STDIN (FORMAT BINARY)"))
        {
            // The same verifier text for every row is enough to measure loading; each client id is distinct.
            DateTimeOffset now = DateTimeOffset.UtcNow;
            for (int i = 0; i < count; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(ClientId(i));
                await copy.WriteAsync(TokenSdkOptions.DefaultOrganization);
                await copy.WriteAsync(DefaultRoles.ReadWriteServiceAccount.Id);
                await copy.WriteAsync(verifier);
                await copy.WriteAsync(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await copy.WriteAsync((short)0);
            }

            await copy.CompleteAsync();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long started = Stopwatch.GetTimestamp();
        await using PostgreSqlTokenStore node = await OpenAsync(connectionString, listen: true);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"## A node joining a database of {count:N0} tokens");
        Console.WriteLine();
        Console.WriteLine("| Tokens | Start-up (connect, check schema, stream the replica) | Managed memory per token |");
        Console.WriteLine("|---:|---:|---:|");
        Console.WriteLine($"| {node.Count:N0} | {elapsed.TotalSeconds:0.00} s | {(after - before) / (double)count:0} B |");
        Console.WriteLine();
        GC.KeepAlive(node);

        static string ClientId(int i)
        {
            Span<char> id = stackalloc char[24];
            id.Fill('A');
            for (int position = 23; i > 0; position--, i /= 26)
            {
                id[position] = (char)('A' + (i % 26));
            }

            return new string(id);
        }
    }

    private static async Task<PostgreSqlTokenStore> OpenAsync(string connectionString, bool listen) =>
        await PostgreSqlTokenStore.OpenAsync(new PostgreSqlTokenStoreOptions { ConnectionString = connectionString, Schema = Schema, Listen = listen });

    private static async Task ResetAsync(NpgsqlDataSource admin)
    {
        await DropAsync(admin);
        await PostgreSqlSchema.MigrateAsync(admin, Schema);
    }

    private static async Task DropAsync(NpgsqlDataSource admin)
    {
        await using NpgsqlCommand drop = admin.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Ms(double milliseconds) => milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static int Option(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out int value) ? value : fallback;
    }
}
