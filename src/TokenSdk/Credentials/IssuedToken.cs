using TokenSdk.Storage;

namespace TokenSdk.Credentials;

/// <summary>
/// A freshly generated token: the <see cref="Details"/> to hand to the user once, and the <see cref="Record"/> to
/// put in the store (which holds no secret).
/// </summary>
public sealed class IssuedToken
{
    internal IssuedToken(GeneratedToken details, StoredToken record)
    {
        Details = details;
        Record = record;
    }

    /// <summary>Gets the details shown once: client id, secret, token.</summary>
    public GeneratedToken Details { get; }

    /// <summary>Gets the record to store: client id, verifier, role id, metadata.</summary>
    public StoredToken Record { get; }

    /// <summary>Returns the masked details.</summary>
    /// <returns>A description without secret.</returns>
    public override string ToString() => Details.ToString();
}
