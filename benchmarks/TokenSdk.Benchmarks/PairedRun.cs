using System.Diagnostics;
using System.Globalization;

namespace TokenSdk.Benchmarks;

/// <summary>
/// The floor and each verification measured side by side in one process, in alternating batches, and compared round by
/// round: on a shared machine whose speed drifts from minute to minute, the ratio of two measurements taken a few
/// milliseconds apart holds where the ratio of two BenchmarkDotNet runs taken minutes apart does not.
/// </summary>
/// <remarks>
/// Runs the very methods of <see cref="VerificationBenchmarks"/>, on the same setup. Each round times one batch of
/// every case in turn; a case's ratio for the round is its time per operation over the floor's in that round. The
/// table shows the median over the rounds, and the 10th and 90th percentiles of the ratio. A second table does the same
/// for throughput on all cores against one thread (the methods of <see cref="ThroughputBenchmarks"/>), beside a CPU
/// reference that shares nothing, so that what the machine's cores allow is read next to what verification gets.
/// </remarks>
internal static class PairedRun
{
    private const int WarmupRounds = 5;

    public static int Run(string[] args)
    {
        bool smoke = StoreFiller.Smoke;
        int rounds = smoke ? 2 : ReadOption(args, "--rounds", 60);
        int batch = smoke ? 50 : ReadOption(args, "--batch", 20_000);

        Console.WriteLine($"# Floor and verification side by side: {rounds} rounds of {batch:N0} operations per case, alternating");
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| Tokens in store | Case | Median time | Ratio to floor (median) | Ratio, 10th-90th percentile |");
        Console.WriteLine("|---:|---|---:|---:|---:|");

        foreach (int size in VerificationBenchmarks.Sizes)
        {
            var benchmarks = new VerificationBenchmarks { StoreSize = size };
            benchmarks.Setup();
            try
            {
                (string Name, Func<int> Operation)[] cases =
                [
                    ("Floor: SHA-256(32 B) + lookup + compare", () => benchmarks.Floor() ? 1 : 0),
                    ("TokenSdk: checksummed token", () => (int)benchmarks.VerifyChecksummed()),
                    ("TokenSdk: checksummed token, untracked control", () => (int)benchmarks.VerifyChecksummedControl()),
                    ("TokenSdk: checksummed token, last use tracked", () => (int)benchmarks.VerifyChecksummedTracked()),
                    ("TokenSdk: checksummed token, two roles", () => (int)benchmarks.VerifyTwoRoles()),
                    ("TokenSdk: checksummed token, custom role created at run time", () => (int)benchmarks.VerifyRuntimeRole()),
                    ("TokenSdk: checksummed token, run-time and default role", () => (int)benchmarks.VerifyRuntimeAndDefaultRole()),
                    ("TokenSdk: Astra token", () => (int)benchmarks.VerifyAstra()),
                    ("TokenSdk: clientId + secret", () => (int)benchmarks.VerifyClientSecret()),
                ];
                Measure(size, cases, rounds, batch);
            }
            finally
            {
                benchmarks.Cleanup();
            }
        }

        // --scaling-rounds 0 skips the throughput table (RESULTS.md's side-by-side commands use it).
        int scalingRounds = smoke ? 1 : ReadOption(args, "--scaling-rounds", 12, minimum: 0);
        if (scalingRounds > 0)
        {
            MeasureScaling(scalingRounds);
        }

        return 0;
    }

    // Throughput on all cores against one thread, each pair of runs back to back (ThroughputBenchmarks' methods, each
    // run ThroughputBenchmarks.Operations operations): the speedup is taken pair by pair.
    private static void MeasureScaling(int rounds)
    {
        var benchmarks = new ThroughputBenchmarks();
        benchmarks.Setup();
        (string Name, Func<int> OneThread, Func<int> AllCores)[] cases =
        [
            ("CPU reference (arithmetic, nothing shared)", benchmarks.ReferenceOneThread, benchmarks.ReferenceAllCores),
            ("Floor: SHA-256(32 B) + lookup + compare", benchmarks.FloorOneThread, benchmarks.FloorAllCores),
            ("TokenSdk: checksummed token", benchmarks.OneThread, benchmarks.AllCores),
        ];

        Console.WriteLine();
        Console.WriteLine($"# Throughput on all {Environment.ProcessorCount} cores against one thread: {rounds} rounds of {ThroughputBenchmarks.Operations:N0} operations per run, alternating");
        Console.WriteLine();
        Console.WriteLine("| Case | Time per operation, 1 thread | Time per operation, all cores | Speedup (median) | Speedup, 10th-90th percentile |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var one = cases.Select(_ => new List<double>()).ToArray();
        var all = cases.Select(_ => new List<double>()).ToArray();
        int sink = 0;
        for (int round = 0; round < 1 + rounds; round++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                double oneThread = Time(cases[c].OneThread, ref sink);
                double allCores = Time(cases[c].AllCores, ref sink);
                if (round >= 1)
                {
                    one[c].Add(oneThread);
                    all[c].Add(allCores);
                }
            }
        }

        GC.KeepAlive(sink);
        for (int c = 0; c < cases.Length; c++)
        {
            List<double> speedups = [.. one[c].Zip(all[c], (single, parallel) => single / parallel).Order()];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {cases[c].Name} | {Percentile([.. one[c].Order()], 0.5):N1} ns | {Percentile([.. all[c].Order()], 0.5):N1} ns | {Percentile(speedups, 0.5):F2}x | {Percentile(speedups, 0.1):F2}x-{Percentile(speedups, 0.9):F2}x |"));
        }

        static double Time(Func<int> run, ref int sink)
        {
            long start = Stopwatch.GetTimestamp();
            sink += run();
            return Stopwatch.GetElapsedTime(start).TotalNanoseconds / ThroughputBenchmarks.Operations;
        }
    }

    private static void Measure(int size, (string Name, Func<int> Operation)[] cases, int rounds, int batch)
    {
        var times = cases.Select(_ => new List<double>()).ToArray();
        int sink = 0;
        for (int round = 0; round < WarmupRounds + rounds; round++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                Func<int> operation = cases[c].Operation;
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < batch; i++)
                {
                    sink += operation();
                }

                double nanoseconds = Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch;
                if (round >= WarmupRounds)
                {
                    times[c].Add(nanoseconds);
                }
            }
        }

        GC.KeepAlive(sink);
        for (int c = 0; c < cases.Length; c++)
        {
            List<double> ratios = [.. times[c].Zip(times[0], (time, floor) => time / floor).Order()];
            List<double> sorted = [.. times[c].Order()];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {size:N0} | {cases[c].Name} | {Percentile(sorted, 0.5):N1} ns | {Percentile(ratios, 0.5):F3}x | {Percentile(ratios, 0.1):F3}x-{Percentile(ratios, 0.9):F3}x |"));
        }
    }

    private static double Percentile(List<double> sorted, double fraction) => sorted[(int)Math.Round(fraction * (sorted.Count - 1))];

    private static int ReadOption(string[] args, string name, int fallback, int minimum = 1)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : fallback;
    }
}
