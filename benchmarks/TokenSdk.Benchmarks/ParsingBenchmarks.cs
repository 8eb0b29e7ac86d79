using BenchmarkDotNet.Attributes;
using TokenSdk.Credentials;

namespace TokenSdk.Benchmarks;

/// <summary>Where verification time goes before hashing: parsing each format.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Parsing")]
public class ParsingBenchmarks
{
    private readonly byte[] _hash = new byte[32];
    private string _checksummed = null!;
    private string _astra = null!;

    [GlobalSetup]
    public void Setup()
    {
        var generator = new TokenGenerator();
        _checksummed = generator.Generate(new TokenGenerationRequest(TokenSdk.Roles.DefaultRoles.ReadOnlyUser)).Details.Token;
        _astra = generator.Generate(new TokenGenerationRequest(TokenSdk.Roles.DefaultRoles.ReadOnlyUser) { Format = TokenFormatKind.Astra }).Details.Token;
    }

    [Benchmark(Description = "Parse checksummed token")]
    public bool ParseChecksummed() => ChecksummedTokenFormat.Default.TryParse(_checksummed, out _, _hash);

    [Benchmark(Description = "Parse Astra token")]
    public bool ParseAstra() => AstraTokenFormat.Instance.TryParse(_astra, out _, _hash);

    [Benchmark(Description = "CRC-32C of the checksummed body (ASCII, one pass)")]
    public uint Crc()
    {
        Crc32C.TryComputeAscii(_checksummed.AsSpan(0, _checksummed.Length - 8), out uint crc);
        return crc;
    }

    [Benchmark(Description = "Validate a client id (24 letters)")]
    public bool ValidateClientId() => CredentialGenerator.IsClientId(_astra.AsSpan(8, 24));

    [Benchmark(Description = "Decode 64 lowercase hex digits")]
    public bool DecodeHex() => LowerHex.TryDecode(_astra.AsSpan(33, 64), _hash);
}
