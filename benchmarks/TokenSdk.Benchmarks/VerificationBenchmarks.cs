using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Identity;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Benchmarks;

/// <summary>
/// Verification of a valid credential against an in-memory store of 1, 100,000 and 1,000,000 tokens, beside the
/// floor (the least any correct implementation does) and the peers a user would otherwise build; a token of one role
/// and one of two (resolved through the verifier's role-set cache to their union).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Verification")]
public class VerificationBenchmarks
{
    private TokenVerifier _verifier = null!;
    private TokenVerifier _trackingVerifier = null!;
    private TokenVerifier _controlVerifier = null!;
    private TokenSdk.Usage.TokenUsageTracker _usage = null!;
    private string _checksummed = null!;
    private string _astra = null!;
    private string _twoRoles = null!;
    private string _runtimeRole = null!;
    private string _runtimeAndDefaultRole = null!;
    private string _clientId = null!;
    private string _secret = null!;

    // The floor: T arrives decoded; one SHA-256 of 32 bytes, one lookup, one constant-time compare.
    private Dictionary<string, byte[]> _floorStore = null!;
    private byte[] _floorHash = null!;
    private string _floorKey = null!;
    private IncrementalHash _floorSha256 = null!;

    // Peers.
    private Dictionary<string, string> _plaintextStore = null!;
    private Dictionary<string, string> _hexStore = null!;
    private string _apiKey = null!;
    private PasswordHasher<object> _passwordHasher = null!;
    private string _passwordHash = null!;

    /// <summary>Tokens in the store.</summary>
    [ParamsSource(nameof(Sizes))]
    public int StoreSize { get; set; }

    /// <summary>The sizes measured.</summary>
    public static IEnumerable<int> Sizes => StoreFiller.Smoke ? [2] : [2, 100_000, 1_000_000];

    [GlobalSetup]
    public void Setup()
    {
        var options = new TokenSdkOptions();
        var store = new InMemoryTokenStore();
        var generator = new TokenGenerator(options);
        // As dependency injection builds it: the catalog also reads the roles created at run time in the token store.
        var roles = new RoleCatalog(customRoles: null, roleStore: store);
        _verifier = new TokenVerifier(store, roles, options);

        // As dependency injection builds it: successful verifications mark their token's last use for the tracker.
        _usage = new TokenSdk.Usage.TokenUsageTracker(store, options);
        _trackingVerifier = new TokenVerifier(store, roles, options, usage: _usage);

        // The control for it: an identical verifier without tracking, created the same way (a second instance measures
        // a few points slower than the first whatever it does, so the tracked one is compared with this one).
        _controlVerifier = new TokenVerifier(store, roles, options, usage: null);

        IssuedToken checksummed = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser));
        IssuedToken astra = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteUser) { Format = TokenFormatKind.Astra });
        IssuedToken twoRoles = generator.Generate(new TokenGenerationRequest([DefaultRoles.ReadWriteUser, DefaultRoles.BillingAdministrator]));
        store.TryAddAsync(checksummed.Record).GetAwaiter().GetResult();
        store.TryAddAsync(astra.Record).GetAwaiter().GetResult();
        store.TryAddAsync(twoRoles.Record).GetAwaiter().GetResult();

        // A custom role created at run time (a UUID id, kept in the store), alone and beside a default role.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var stored = new StoredRole(Guid.NewGuid().ToString("D"), options.DefaultOrganizationId, "Orders Reader", [Permissions.DbCql, Permissions.DbTableSelect], ["drn:astra:org:*:db:orders"], null, now, now, "benchmark", 1);
        store.AddRoleAsync(stored).GetAwaiter().GetResult();
        Role runtime = roles.FindRole(stored.Id, options.DefaultOrganizationId)!;
        IssuedToken runtimeRole = generator.Generate(new TokenGenerationRequest(runtime));
        IssuedToken runtimeAndDefault = generator.Generate(new TokenGenerationRequest([runtime, DefaultRoles.BillingAdministrator]));
        store.TryAddAsync(runtimeRole.Record).GetAwaiter().GetResult();
        store.TryAddAsync(runtimeAndDefault.Record).GetAwaiter().GetResult();
        _runtimeRole = runtimeRole.Details.Token;
        _runtimeAndDefaultRole = runtimeAndDefault.Details.Token;
        StoreFiller.Fill(store, Math.Max(0, StoreSize - 5)); // the smallest store, 2, holds the five measured tokens

        _checksummed = checksummed.Details.Token;
        _astra = astra.Details.Token;
        _twoRoles = twoRoles.Details.Token;
        _clientId = checksummed.Details.ClientId;
        _secret = checksummed.Details.Secret;

        _floorSha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _floorHash = RandomNumberGenerator.GetBytes(32);
        _floorKey = _clientId;
        _floorStore = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [_floorKey] = SHA256.HashData(_floorHash) };

        _apiKey = checksummed.Details.Token;
        _plaintextStore = new Dictionary<string, string>(StringComparer.Ordinal) { [_apiKey] = DefaultRoles.ReadWriteUser.Id };
        _hexStore = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [_clientId] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_secret))),
        };
        _passwordHasher = new PasswordHasher<object>();
        _passwordHash = _passwordHasher.HashPassword(new object(), _secret);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floorSha256.Dispose();
        _usage.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Floor: SHA-256(32 B) + lookup + compare")]
    public bool Floor()
    {
        Span<byte> computed = stackalloc byte[32];
        _floorSha256.AppendData(_floorHash);
        _floorSha256.GetHashAndReset(computed);
        return _floorStore.TryGetValue(_floorKey, out byte[]? stored) && FixedTime.Equals32(computed, stored);
    }

    [Benchmark(Description = "TokenSdk: checksummed token")]
    public VerificationStatus VerifyChecksummed() => _verifier.VerifyAsync(_checksummed).Result.Status;

    [Benchmark(Description = "TokenSdk: checksummed token, untracked control")]
    public VerificationStatus VerifyChecksummedControl() => _controlVerifier.VerifyAsync(_checksummed).Result.Status;

    [Benchmark(Description = "TokenSdk: checksummed token, last use tracked")]
    public VerificationStatus VerifyChecksummedTracked() => _trackingVerifier.VerifyAsync(_checksummed).Result.Status;

    [Benchmark(Description = "TokenSdk: checksummed token, two roles")]
    public VerificationStatus VerifyTwoRoles() => _verifier.VerifyAsync(_twoRoles).Result.Status;

    [Benchmark(Description = "TokenSdk: checksummed token, custom role created at run time")]
    public VerificationStatus VerifyRuntimeRole() => _verifier.VerifyAsync(_runtimeRole).Result.Status;

    [Benchmark(Description = "TokenSdk: checksummed token, run-time and default role")]
    public VerificationStatus VerifyRuntimeAndDefaultRole() => _verifier.VerifyAsync(_runtimeAndDefaultRole).Result.Status;

    [Benchmark(Description = "TokenSdk: Astra token")]
    public VerificationStatus VerifyAstra() => _verifier.VerifyAsync(_astra).Result.Status;

    [Benchmark(Description = "TokenSdk: clientId + secret")]
    public VerificationStatus VerifyClientSecret() => _verifier.VerifyClientSecretAsync(_clientId, _secret).Result.Status;

    [Benchmark(Description = "Peer: plaintext key dictionary (insecure)")]
    public bool PlaintextDictionary() => _plaintextStore.TryGetValue(_apiKey, out _);

    [Benchmark(Description = "Peer: SHA-256 to hex string, string compare")]
    public bool NaiveHex() =>
        _hexStore.TryGetValue(_clientId, out string? stored)
        && string.Equals(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_secret))), stored, StringComparison.Ordinal);

    [Benchmark(Description = "Peer: ASP.NET Core Identity PasswordHasher (PBKDF2)")]
    public PasswordVerificationResult IdentityPasswordHasher() => _passwordHasher.VerifyHashedPassword(new object(), _passwordHash, _secret);
}
