using BenchmarkDotNet.Attributes;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Benchmarks;

/// <summary>Verification throughput on one thread and on every core (the time per operation; divide to compare).</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Throughput")]
public class ThroughputBenchmarks
{
    private const int Operations = 20_000;

    private TokenVerifier _verifier = null!;
    private string[] _tokens = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TokenSdkOptions();
        var store = new InMemoryTokenStore();
        var generator = new TokenGenerator(options);
        _verifier = new TokenVerifier(store, new RoleCatalog(), options);
        _tokens = new string[64];
        for (int i = 0; i < _tokens.Length; i++)
        {
            IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser));
            store.TryAddAsync(issued.Record).GetAwaiter().GetResult();
            _tokens[i] = issued.Details.Token;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "1 thread")]
    public int OneThread() => VerifyRange(0, Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "All cores")]
    public int AllCores()
    {
        int threads = Environment.ProcessorCount;
        int valid = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int share = Operations / threads;
            Interlocked.Add(ref valid, VerifyRange(t * share, share));
        });
        return valid;
    }

    private int VerifyRange(int start, int count)
    {
        int valid = 0;
        for (int i = start; i < start + count; i++)
        {
            if (_verifier.VerifyAsync(_tokens[i & 63]).Result.IsValid)
            {
                valid++;
            }
        }

        return valid;
    }
}
