using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Benchmarks;

/// <summary>
/// Verification throughput on one thread and on every core (the time per operation; divide to compare), beside the
/// floor's own (SHA-256 + lookup + compare on a per-thread hash object) and a CPU reference (arithmetic only, nothing
/// in memory, nothing shared): what the machine and the BCL's SHA-256 allow.
/// </summary>
/// <remarks>
/// Each invocation runs <see cref="Operations"/> operations, a few hundred milliseconds: threads that start or finish
/// a few milliseconds apart (the usual wake-up skew on a shared VM) would otherwise count as lost throughput.
/// </remarks>
[MemoryDiagnoser]
[BenchmarkCategory("Throughput")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ThroughputBenchmarks
{
    /// <summary>Operations per invocation, split between the threads on all cores.</summary>
    public const int Operations = 200_000;

    // Multiply-add steps per reference operation: about as long as one verification here.
    private const int ReferenceSteps = 600;

    [ThreadStatic]
    private static IncrementalHash? t_floorSha256;

    private TokenVerifier _verifier = null!;
    private string[] _tokens = null!;
    private Dictionary<string, byte[]> _floorStore = null!;
    private string[] _floorKeys = null!;
    private byte[][] _floorHashes = null!;

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

        _floorStore = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        _floorKeys = new string[_tokens.Length];
        _floorHashes = new byte[_tokens.Length][];
        for (int i = 0; i < _tokens.Length; i++)
        {
            _floorKeys[i] = CredentialGenerator.NewClientId();
            _floorHashes[i] = RandomNumberGenerator.GetBytes(32);
            _floorStore[_floorKeys[i]] = SHA256.HashData(_floorHashes[i]);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "1 thread")]
    [BenchmarkCategory("TokenSdk")]
    public int OneThread() => VerifyRange(0, Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "All cores")]
    [BenchmarkCategory("TokenSdk")]
    public int AllCores() => OnAllCores(VerifyRange);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "Floor, 1 thread")]
    [BenchmarkCategory("Floor")]
    public int FloorOneThread() => FloorRange(0, Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "Floor, all cores")]
    [BenchmarkCategory("Floor")]
    public int FloorAllCores() => OnAllCores(FloorRange);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "CPU reference, 1 thread")]
    [BenchmarkCategory("Reference")]
    public int ReferenceOneThread() => ReferenceRange(0, Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "CPU reference, all cores")]
    [BenchmarkCategory("Reference")]
    public int ReferenceAllCores() => OnAllCores(ReferenceRange);

    // A chain of dependent multiply-adds in registers: what a core gives to code that shares nothing.
    private static int ReferenceRange(int start, int count)
    {
        ulong state = (ulong)start;
        for (int i = 0; i < count; i++)
        {
            for (int step = 0; step < ReferenceSteps; step++)
            {
                state = (state * 6364136223846793005UL) + 1442695040888963407UL;
            }
        }

        return (int)(state >> 63);
    }

    private static int OnAllCores(Func<int, int, int> range)
    {
        int threads = Environment.ProcessorCount;
        int valid = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int share = Operations / threads;
            Interlocked.Add(ref valid, range(t * share, share));
        });
        return valid;
    }

    private int FloorRange(int start, int count)
    {
        IncrementalHash sha256 = t_floorSha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> computed = stackalloc byte[32];
        int valid = 0;
        for (int i = start; i < start + count; i++)
        {
            sha256.AppendData(_floorHashes[i & 63]);
            sha256.GetHashAndReset(computed);
            if (_floorStore.TryGetValue(_floorKeys[i & 63], out byte[]? stored) && FixedTime.Equals32(computed, stored))
            {
                valid++;
            }
        }

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
