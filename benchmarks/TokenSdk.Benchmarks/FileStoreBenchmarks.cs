using BenchmarkDotNet.Attributes;
using TokenSdk.Storage;

namespace TokenSdk.Benchmarks;

/// <summary>File store: opening a store of 100,000 and 1,000,000 tokens.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("FileStore")]
public class FileStoreOpenBenchmarks
{
    private string _directory = null!;

    /// <summary>Tokens in the store.</summary>
    [ParamsSource(nameof(Sizes))]
    public int StoreSize { get; set; }

    /// <summary>The sizes measured.</summary>
    public static IEnumerable<int> Sizes => StoreFiller.Smoke ? [1_000] : [100_000, 1_000_000];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "tokensdk-bench-open-" + StoreSize + "-" + Guid.NewGuid().ToString("N"));
        StoreFiller.WriteFileStore(_directory, StoreSize);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "Open file store")]
    public int Open()
    {
        using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = _directory });
        return store.Count;
    }
}

/// <summary>File store: durable adds (each acknowledged after fsync) by 1 and by 16 concurrent writers.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("FileStore")]
public class FileStoreWriteBenchmarks
{
    private const int Adds = 64;

    private string _directory = null!;
    private FileTokenStore _store = null!;
    private StoredToken[] _records = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "tokensdk-bench-write-" + Guid.NewGuid().ToString("N"));
        _store = new FileTokenStore(new FileTokenStoreOptions { Directory = _directory });
        _records = StoreFiller.Records(200_000).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Adds, Description = "Add, 1 writer")]
    public async Task OneWriter()
    {
        for (int i = 0; i < Adds; i++)
        {
            await _store.TryAddAsync(NextRecord());
        }
    }

    [Benchmark(OperationsPerInvoke = Adds, Description = "Add, 16 concurrent writers")]
    public async Task SixteenWriters()
    {
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (int i = 0; i < Adds / 16; i++)
            {
                await _store.TryAddAsync(NextRecord());
            }
        }));
    }

    private StoredToken NextRecord()
    {
        int index = Interlocked.Increment(ref _next);
        if (index >= _records.Length)
        {
            // Records are unique per client id; past the prepared set, make fresh ones.
            return StoreFiller.Records(1).First();
        }

        return _records[index];
    }
}
