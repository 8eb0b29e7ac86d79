using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text.Unicode;
using TokenSdk.Hashing;

namespace TokenSdk.Credentials;

/// <summary>Creates client ids and secrets from the OS CSPRNG, and derives the token hash T.</summary>
internal static class CredentialGenerator
{
    /// <summary>Length of a client id: 24 ASCII letters, as in Astra.</summary>
    public const int ClientIdLength = 24;

    /// <summary>Length of a secret: 44 characters of a 62-letter alphabet carry log2(62) * 44 ≈ 262 bits.</summary>
    public const int SecretLength = 44;

    /// <summary>The longest secret accepted for verification; longer input is malformed without hashing.</summary>
    public const int MaxSecretLength = 256;

    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Alphanumerics = Letters + "0123456789";

    private static readonly System.Buffers.SearchValues<char> s_letters = System.Buffers.SearchValues.Create(Letters);

    /// <summary>
    /// A new client id. <see cref="RandomNumberGenerator.GetString"/> picks each character by rejection sampling,
    /// so there is no modulo bias.
    /// </summary>
    public static string NewClientId() => RandomNumberGenerator.GetString(Letters, ClientIdLength);

    /// <summary>
    /// A new secret: URL-safe, and alphanumeric only, so it survives double-click selection, CSV cells and
    /// spreadsheets (no leading '-', '+' or '=').
    /// </summary>
    public static string NewSecret() => RandomNumberGenerator.GetString(Alphanumerics, SecretLength);

    /// <summary>Returns whether <paramref name="clientId"/> has the client id shape: 24 ASCII letters.</summary>
    public static bool IsClientId(ReadOnlySpan<char> clientId) =>
        clientId.Length == ClientIdLength
        && (Vector256.IsHardwareAccelerated
            ? AreLetters24(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(clientId)))
            : !clientId.ContainsAnyExcept(s_letters));

    /// <summary>
    /// Returns whether the 24 characters at <paramref name="source"/> are ASCII letters, in two overlapping 16-character
    /// vectors (256-bit vectors only). A letter folded to lowercase is 'a' to 'z'; in 16-bit lanes nothing else is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool AreLetters24(ref ushort source)
    {
        Vector256<ushort> fold = Vector256.Create((ushort)0x20);
        Vector256<ushort> a = Vector256.Create((ushort)'a');
        Vector256<ushort> first = (Vector256.LoadUnsafe(ref source) | fold) - a;
        Vector256<ushort> last = (Vector256.LoadUnsafe(ref source, ClientIdLength - 16) | fold) - a;
        return Vector256.LessThanAll(Vector256.Max(first, last), Vector256.Create((ushort)26));
    }

    /// <summary>T = SHA-256(UTF-8(secret)); false when the secret is empty, too long or not valid UTF-16.</summary>
    public static bool TryComputeTokenHash(ReadOnlySpan<char> secret, Span<byte> tokenHash)
    {
        if (secret.IsEmpty || secret.Length > MaxSecretLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxSecretLength * 3];
        if (Utf8.FromUtf16(secret, utf8, out _, out int written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        VerifierHasher.Sha256(utf8[..written], tokenHash);
        CryptographicOperations.ZeroMemory(utf8[..written]);
        return true;
    }
}
