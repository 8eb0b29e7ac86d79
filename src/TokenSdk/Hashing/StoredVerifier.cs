using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Hashing;

/// <summary>
/// The stored check value V of a token: a one-way function of the token's hash part T, never the secret and
/// never T itself. Self-describing: it records its format version, its <see cref="VerifierAlgorithm"/> and, for
/// keyed verifiers, the pepper's key id, so verifiers made under an older configuration keep working.
/// </summary>
/// <remarks>
/// The text form (<see cref="Encode"/>) is <c>v1$sha256$&lt;base64url V&gt;</c> or
/// <c>v1$hmac-sha256$&lt;key id&gt;$&lt;base64url V&gt;</c>; stores persist that string.
/// </remarks>
public readonly struct StoredVerifier : IEquatable<StoredVerifier>
{
    /// <summary>The current format version.</summary>
    public const int CurrentVersion = 1;

    private const string Sha256Name = "sha256";
    private const string HmacSha256Name = "hmac-sha256";

    private const int EncodedValueLength = 43;

    private static readonly System.Buffers.SearchValues<char> s_base64UrlChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly Bytes32 _value;

    internal StoredVerifier(VerifierAlgorithm algorithm, string? keyId, ReadOnlySpan<byte> value)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        Version = CurrentVersion;
        value.CopyTo(_value);
    }

    /// <summary>Gets the algorithm that produced the value; <c>0</c> for a <see langword="default"/> (empty) instance.</summary>
    public VerifierAlgorithm Algorithm { get; }

    /// <summary>Gets the format version (currently <see cref="CurrentVersion"/>).</summary>
    public int Version { get; }

    /// <summary>Gets the key id of the pepper for <see cref="VerifierAlgorithm.HmacSha256"/>; otherwise <see langword="null"/>.</summary>
    public string? KeyId { get; }

    /// <summary>Gets whether this is a <see langword="default"/> instance that holds no verifier.</summary>
    public bool IsEmpty => Algorithm == 0;

    /// <summary>Copies the 32-byte value V to <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void CopyValueTo(Span<byte> destination)
    {
        if (destination.Length < Bytes32.Length)
        {
            throw new ArgumentException("The destination must hold at least 32 bytes.", nameof(destination));
        }

        ReadOnlySpan<byte> value = _value;
        value.CopyTo(destination);
    }

    /// <summary>Returns the text form, for example <c>v1$sha256$…</c>, which <see cref="Parse"/> reads back.</summary>
    /// <returns>The encoded verifier.</returns>
    /// <exception cref="InvalidOperationException">The instance is empty.</exception>
    public string Encode()
    {
        if (IsEmpty)
        {
            throw new InvalidOperationException("An empty StoredVerifier cannot be encoded.");
        }

        ReadOnlySpan<byte> value = _value;
        string encoded = Base64Url.EncodeToString(value);
        return Algorithm == VerifierAlgorithm.HmacSha256
            ? $"v{Version}${HmacSha256Name}${KeyId}${encoded}"
            : $"v{Version}${Sha256Name}${encoded}";
    }

    /// <summary>Parses the text form written by <see cref="Encode"/>.</summary>
    /// <param name="encoded">The encoded verifier.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="encoded"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not an encoded verifier.</exception>
    public static StoredVerifier Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return TryParse(encoded, out StoredVerifier verifier)
            ? verifier
            : throw new FormatException("The text is not an encoded verifier; expected 'v1$sha256$<value>' or 'v1$hmac-sha256$<key id>$<value>'.");
    }

    /// <summary>Tries to parse the text form written by <see cref="Encode"/>.</summary>
    /// <param name="encoded">The encoded verifier.</param>
    /// <param name="verifier">The verifier when parsing succeeded.</param>
    /// <returns><see langword="true"/> when the text is a well-formed verifier.</returns>
    public static bool TryParse([NotNullWhen(true)] string? encoded, out StoredVerifier verifier)
    {
        verifier = default;
        if (encoded is null)
        {
            return false;
        }

        string[] parts = encoded.Split('$');
        if (parts.Length < 3 || parts[0] != "v1")
        {
            return false;
        }

        VerifierAlgorithm algorithm;
        string? keyId = null;
        string value;
        if (parts.Length == 3 && parts[1] == Sha256Name)
        {
            algorithm = VerifierAlgorithm.Sha256;
            value = parts[2];
        }
        else if (parts.Length == 4 && parts[1] == HmacSha256Name && PepperOptions.IsValidKeyId(parts[2]))
        {
            algorithm = VerifierAlgorithm.HmacSha256;
            keyId = parts[2];
            value = parts[3];
        }
        else
        {
            return false;
        }

        // Exactly 43 base64url characters, no padding or whitespace: one verifier has one text form.
        if (value.Length != EncodedValueLength || value.AsSpan().ContainsAnyExcept(s_base64UrlChars))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Bytes32.Length + 3];
        if (Base64Url.DecodeFromChars(value, bytes, out int consumed, out int written) != System.Buffers.OperationStatus.Done
            || consumed != value.Length || written != Bytes32.Length)
        {
            return false;
        }

        verifier = new StoredVerifier(algorithm, keyId, bytes[..Bytes32.Length]);
        return true;
    }

    /// <summary>Compares the stored value with a freshly computed one in constant time.</summary>
    internal bool ValueEquals(ReadOnlySpan<byte> computed)
    {
        ReadOnlySpan<byte> value = _value;
        return FixedTime.Equals32(value, computed);
    }

    /// <inheritdoc/>
    public bool Equals(StoredVerifier other)
    {
        ReadOnlySpan<byte> otherValue = other._value;
        return Algorithm == other.Algorithm && Version == other.Version
            && string.Equals(KeyId, other.KeyId, StringComparison.Ordinal) && ValueEquals(otherValue);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StoredVerifier other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Algorithm, KeyId);

    /// <summary>Returns the algorithm and key id only, for example <c>v1 hmac-sha256 key 2024-01</c>.</summary>
    /// <returns>A description without the value.</returns>
    public override string ToString() => IsEmpty
        ? "(empty)"
        : Algorithm == VerifierAlgorithm.HmacSha256 ? $"v{Version} {HmacSha256Name} key {KeyId}" : $"v{Version} {Sha256Name}";

    /// <summary>Compares two verifiers.</summary>
    /// <param name="left">The first verifier.</param>
    /// <param name="right">The second verifier.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(StoredVerifier left, StoredVerifier right) => left.Equals(right);

    /// <summary>Compares two verifiers.</summary>
    /// <param name="left">The first verifier.</param>
    /// <param name="right">The second verifier.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(StoredVerifier left, StoredVerifier right) => !left.Equals(right);
}
