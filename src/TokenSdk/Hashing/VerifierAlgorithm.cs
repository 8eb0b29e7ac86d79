namespace TokenSdk.Hashing;

/// <summary>The one-way function that turns a token's hash part T into the stored verifier V.</summary>
public enum VerifierAlgorithm
{
    /// <summary>V = SHA-256(T). Needs no key; T carries 256 bits of entropy, so V cannot be reversed.</summary>
    Sha256 = 1,

    /// <summary>
    /// V = HMAC-SHA256(pepper, T) with a host-held pepper identified by a key id. A stolen store is useless without
    /// the pepper, and peppers can rotate: each verifier records the key id it was made with.
    /// </summary>
    HmacSha256 = 2,
}
