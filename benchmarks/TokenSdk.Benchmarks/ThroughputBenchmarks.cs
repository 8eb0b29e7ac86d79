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
/// floor's own (SHA-256 + lookup + compare on a per-thread hash object): what the machine and the BCL's SHA-256 allow.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Throughput")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ThroughputBenchmarks
{
    private const int Operations = 20_000;

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
