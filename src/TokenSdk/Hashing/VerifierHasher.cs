using System.Collections.Frozen;
using System.Security.Cryptography;

namespace TokenSdk.Hashing;

/// <summary>Computes and checks stored verifiers V from token hashes T, per the configured <see cref="HashingOptions"/>.</summary>
internal sealed class VerifierHasher
{
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private readonly VerifierAlgorithm _algorithm;
    private readonly string? _currentKeyId;
    private readonly byte[]? _currentKey;
    private readonly FrozenDictionary<string, byte[]> _keys;

    /// <summary>Creates a hasher; <paramref name="options"/> must already be valid (see TokenSdkOptionsValidator).</summary>
    public VerifierHasher(HashingOptions options)
    {
        _algorithm = options.Algorithm;
        _keys = options.Peppers.ToFrozenDictionary(p => p.KeyId!, p => p.TryDecodeKey()!, StringComparer.Ordinal);
        if (_algorithm == VerifierAlgorithm.HmacSha256)
        {
            _currentKeyId = options.CurrentKeyId;
            _currentKey = _keys[_currentKeyId!];
        }
    }

    /// <summary>Creates the verifier of a new token from its hash part T.</summary>
    public StoredVerifier Create(ReadOnlySpan<byte> tokenHash)
    {
        Span<byte> value = stackalloc byte[Bytes32.Length];
        if (_algorithm == VerifierAlgorithm.HmacSha256)
        {
            HMACSHA256.HashData(_currentKey!, tokenHash, value);
        }
        else
        {
            Sha256(tokenHash, value);
        }

        return new StoredVerifier(_algorithm, _currentKeyId, value);
    }

    /// <summary>Checks T against a stored verifier in constant time.</summary>
    public VerifierCheck Check(in StoredVerifier stored, ReadOnlySpan<byte> tokenHash)
    {
        Span<byte> value = stackalloc byte[Bytes32.Length];
        stored.CopyValueTo(value);
        return Check(stored.Algorithm, stored.KeyId, value, tokenHash);
    }

    /// <summary>Checks T against a record's verifier in constant time, reading the verifier in place.</summary>
    public VerifierCheck Check(Storage.StoredToken record, ReadOnlySpan<byte> tokenHash) =>
        Check(record.Shared.Algorithm, record.Shared.KeyId, record.VerifierValue, tokenHash);

    private VerifierCheck Check(VerifierAlgorithm algorithm, string? keyId, ReadOnlySpan<byte> storedValue, ReadOnlySpan<byte> tokenHash)
    {
        Span<byte> computed = stackalloc byte[Bytes32.Length];
        switch (algorithm)
        {
            case VerifierAlgorithm.Sha256:
                Sha256(tokenHash, computed);
                return FixedTime.Equals32(storedValue, computed) ? VerifierCheck.Match : VerifierCheck.Mismatch;

            case VerifierAlgorithm.HmacSha256 when keyId is not null && _keys.TryGetValue(keyId, out byte[]? key):
                HMACSHA256.HashData(key, tokenHash, computed);
                return FixedTime.Equals32(storedValue, computed) ? VerifierCheck.Match : VerifierCheck.Mismatch;

            default:
                // A key that is no longer configured (or an unknown algorithm): do the usual work, then refuse.
                Simulate(tokenHash);
                return VerifierCheck.UnknownKey;
        }
    }

    /// <summary>Does the same hashing and comparison work as a check, for a client id that does not exist.</summary>
    public void Simulate(ReadOnlySpan<byte> tokenHash)
    {
        Span<byte> computed = stackalloc byte[Bytes32.Length];
        if (_algorithm == VerifierAlgorithm.HmacSha256)
        {
            HMACSHA256.HashData(_currentKey!, tokenHash, computed);
        }
        else
        {
            Sha256(tokenHash, computed);
        }

        Span<byte> other = stackalloc byte[Bytes32.Length];
        other.Clear();
        _ = FixedTime.Equals32(computed, other);
    }

    /// <summary>SHA-256 through a per-thread <see cref="IncrementalHash"/>: cheaper than <c>SHA256.HashData</c>, allocation-free.</summary>
    internal static void Sha256(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        IncrementalHash hash = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(source);
        hash.GetHashAndReset(destination);
    }
}

/// <summary>The outcome of checking T against a stored verifier.</summary>
internal enum VerifierCheck
{
    Match,
    Mismatch,
    UnknownKey,
}
