using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Benchmarks;

/// <summary>
/// Verification of one token against an in-memory store, beside the floor: the least any correct
/// implementation does (one SHA-256 of 32 bytes, one dictionary lookup, one comparison).
/// </summary>
[MemoryDiagnoser]
public class VerificationBenchmarks
{
    private TokenVerifier _verifier = null!;
    private string _checksummed = null!;
    private string _astra = null!;
    private string _clientId = null!;
    private string _secret = null!;
    private string _malformed = null!;
    private string _badChecksum = null!;

    private Dictionary<string, byte[]> _floorStore = null!;
    private byte[] _floorHash = null!;
    private string _floorKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TokenSdkOptions();
        var store = new InMemoryTokenStore();
        var generator = new TokenGenerator(options);
        _verifier = new TokenVerifier(store, new RoleCatalog(), options);

        IssuedToken checksummed = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser));
        IssuedToken astra = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser) { Format = TokenFormatKind.Astra });
        store.TryAddAsync(checksummed.Record).GetAwaiter().GetResult();
        store.TryAddAsync(astra.Record).GetAwaiter().GetResult();

        _checksummed = checksummed.Details.Token;
        _astra = astra.Details.Token;
        _clientId = checksummed.Details.ClientId;
        _secret = checksummed.Details.Secret;
        _malformed = "not-a-token-" + new string('x', 60);
        _badChecksum = _checksummed[..^1] + (_checksummed[^1] == '0' ? '1' : '0');

        _floorHash = RandomNumberGenerator.GetBytes(32);
        _floorKey = _clientId;
        _floorStore = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [_floorKey] = SHA256.HashData(_floorHash) };
    }

    [Benchmark(Baseline = true, Description = "Floor: SHA-256(32 B) + lookup + compare")]
    public bool Floor()
    {
        Span<byte> computed = stackalloc byte[32];
        SHA256.HashData(_floorHash, computed);
        return _floorStore.TryGetValue(_floorKey, out byte[]? stored) && CryptographicOperations.FixedTimeEquals(computed, stored);
    }

    [Benchmark(Description = "Verify checksummed token")]
    public VerificationStatus VerifyChecksummed() => _verifier.VerifyAsync(_checksummed).Result.Status;

    [Benchmark(Description = "Verify Astra token")]
    public VerificationStatus VerifyAstra() => _verifier.VerifyAsync(_astra).Result.Status;

    [Benchmark(Description = "Verify clientId + secret")]
    public VerificationStatus VerifyClientSecret() => _verifier.VerifyClientSecretAsync(_clientId, _secret).Result.Status;

    [Benchmark(Description = "Reject malformed token")]
    public VerificationStatus RejectMalformed() => _verifier.VerifyAsync(_malformed).Result.Status;

    [Benchmark(Description = "Reject bad checksum")]
    public VerificationStatus RejectBadChecksum() => _verifier.VerifyAsync(_badChecksum).Result.Status;
}
