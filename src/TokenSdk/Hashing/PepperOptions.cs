namespace TokenSdk.Hashing;

/// <summary>A secret key (pepper) for <see cref="VerifierAlgorithm.HmacSha256"/> verifiers, with the id verifiers record.</summary>
/// <remarks>Load the key from a secret store, not from a checked-in file. <see cref="ToString"/> never shows it.</remarks>
public sealed class PepperOptions
{
    /// <summary>The least pepper length, in bytes.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>Gets or sets the key id: 1 to 32 ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</summary>
    /// <value>The default value is <see langword="null"/>, which fails validation.</value>
    public string? KeyId { get; set; }

    /// <summary>Gets or sets the key as base64 text; at least <see cref="MinimumKeyLength"/> bytes once decoded.</summary>
    /// <value>The default value is <see langword="null"/>, which fails validation.</value>
    public string? Key { get; set; }

    /// <summary>Returns the key id only.</summary>
    /// <returns>A description without the key.</returns>
    public override string ToString() => $"Pepper {KeyId} (key hidden)";

    internal static bool IsValidKeyId(string? keyId)
    {
        if (string.IsNullOrEmpty(keyId) || keyId.Length > 32)
        {
            return false;
        }

        foreach (char c in keyId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    internal byte[]? TryDecodeKey()
    {
        if (Key is null)
        {
            return null;
        }

        byte[] buffer = new byte[Key.Length];
        return Convert.TryFromBase64String(Key, buffer, out int written) ? buffer[..written] : null;
    }
}
