using System.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.Benchmarks;

/// <summary>
/// Retained memory per stored token and file store open time, which BenchmarkDotNet's allocation counts cannot show:
/// <c>dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- footprint</c>.
/// </summary>
internal static class Footprint
{
    public static int Run()
    {
        int[] sizes = StoreFiller.Smoke ? [1_000] : [100_000, 1_000_000];
        Console.WriteLine("| Store | Tokens | Retained bytes per token | Open time |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (int size in sizes)
        {
            StoredToken[] records = StoreFiller.Records(size).ToArray();
            long before = Retained();
            var store = new InMemoryTokenStore();
            foreach (StoredToken record in records)
            {
                store.TryAddAsync(record).GetAwaiter().GetResult();
            }

            // The records were created outside the store; count them as stored (the store keeps them alive).
            records = [];
            long after = Retained();
            long recordBytes = RecordBytes(size);
            Console.WriteLine($"| InMemoryTokenStore | {size:N0} | {(after - before + recordBytes) / (double)size:F0} | - |");
            GC.KeepAlive(store);
        }

        foreach (int size in sizes)
        {
            string directory = Path.Combine(Path.GetTempPath(), "tokensdk-footprint-" + Guid.NewGuid().ToString("N"));
            StoreFiller.WriteFileStore(directory, size);
            try
            {
                long before = Retained();
                var clock = Stopwatch.StartNew();
                using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = directory });
                clock.Stop();
                long after = Retained();
                Console.WriteLine($"| FileTokenStore | {store.Count:N0} | {(after - before) / (double)size:F0} | {clock.Elapsed.TotalSeconds:F2} s |");
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return 0;
    }

    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    // Bytes of the records themselves (StoredToken + client id string), measured by building them apart.
    private static long RecordBytes(int size)
    {
        long before = Retained();
        StoredToken[] records = StoreFiller.Records(size).ToArray();
        long after = Retained();
        long arrayBytes = 24 + (8L * size);
        GC.KeepAlive(records);
        return after - before - arrayBytes;
    }
}
