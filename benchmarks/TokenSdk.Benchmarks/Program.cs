using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// Run all:            dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- --filter '*'
// One group:          dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- --filter '*Verification*'
// Smoke (CI, fast):   dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- --filter '*' --job dry --inProcess
// Memory per stored token and file store open time: dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- footprint
// Floor and verification side by side (ratios on a noisy machine): dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- paired
if (args is ["footprint", ..])
{
    return TokenSdk.Benchmarks.Footprint.Run();
}

if (args is ["paired", ..])
{
    return TokenSdk.Benchmarks.PairedRun.Run(args);
}

// The PostgreSQL store (revocation node to node, creates per second, a node joining, verification on the replica):
// TOKENSDK_POSTGRES=<connection string> dotnet run -c Release --project benchmarks/TokenSdk.Benchmarks -- postgres
if (args is ["postgres", ..])
{
    return await TokenSdk.Benchmarks.PostgreSqlRun.RunAsync(args);
}

IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

// Non-zero when a benchmark failed to run, so a smoke run in CI catches benchmarks that rot.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
