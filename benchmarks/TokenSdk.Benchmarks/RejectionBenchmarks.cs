using BenchmarkDotNet.Attributes;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Benchmarks;

/// <summary>Rejection of input that never reaches hashing or the store, and generation of a token.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Rejection")]
public class RejectionBenchmarks
{
    private TokenVerifier _verifier = null!;
    private TokenGenerator _generator = null!;
    private TokenGenerationRequest _request = null!;
    private string _malformed = null!;
    private string _badChecksum = null!;
    private string _wrongLengthAstra = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TokenSdkOptions();
        var store = new InMemoryTokenStore();
        _generator = new TokenGenerator(options);
        _verifier = new TokenVerifier(store, new RoleCatalog(), options);
        _request = new TokenGenerationRequest(DefaultRoles.ReadWriteUser);
        string valid = _generator.Generate(_request).Details.Token;
        _malformed = "Bearer not-a-token-at-all-" + new string('x', 40);
        _badChecksum = valid[..^1] + (valid[^1] == '0' ? '1' : '0');
        _wrongLengthAstra = "AstraCS:" + new string('A', 24) + ":" + new string('a', 63);
    }

    [Benchmark(Description = "Reject malformed token")]
    public VerificationStatus RejectMalformed() => _verifier.VerifyAsync(_malformed).Result.Status;

    [Benchmark(Description = "Reject bad checksum")]
    public VerificationStatus RejectBadChecksum() => _verifier.VerifyAsync(_badChecksum).Result.Status;

    [Benchmark(Description = "Reject Astra token of wrong length")]
    public VerificationStatus RejectWrongLength() => _verifier.VerifyAsync(_wrongLengthAstra).Result.Status;

    [Benchmark(Description = "Generate a token")]
    public IssuedToken Generate() => _generator.Generate(_request);
}
