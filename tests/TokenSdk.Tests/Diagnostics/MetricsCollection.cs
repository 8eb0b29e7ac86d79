namespace TokenSdk.Tests.Diagnostics;

/// <summary>
/// Tests that listen to the process-wide <c>TokenSdk</c> meter run alone: a listener sees every other test's
/// verifications (so exact counts need quiet), and a recording listener allocates on the thread that verifies (which
/// the verifier's allocation tests, run without a listener, must not see).
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection
{
}
