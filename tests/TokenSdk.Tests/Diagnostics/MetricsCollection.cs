namespace TokenSdk.Tests.Diagnostics;

/// <summary>
/// Tests that listen to the shared <c>TokenSdk</c> meter (of components built without an IMeterFactory) run alone: a listener sees every other test's
/// verifications (so exact counts need quiet), and a recording listener allocates on the thread that verifies (which
/// the verifier's allocation tests, run without a listener, must not see).
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection
{
}
