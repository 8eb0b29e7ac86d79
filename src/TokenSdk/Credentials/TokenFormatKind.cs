namespace TokenSdk.Credentials;

/// <summary>The token string formats TokenSdk writes and reads.</summary>
public enum TokenFormatKind
{
    /// <summary>
    /// The default: <c>&lt;prefix&gt;_&lt;clientId&gt;_&lt;hex T&gt;&lt;CRC-32C&gt;</c>. Selectable with a double-click,
    /// recognisable by secret scanners, and a typo is rejected by its checksum without hashing or a store lookup.
    /// See <see cref="ChecksummedTokenFormat"/>.
    /// </summary>
    Checksummed = 0,

    /// <summary>
    /// Astra-compatible: <c>AstraCS:&lt;clientId&gt;:&lt;hex T&gt;</c>, 97 characters. See <see cref="AstraTokenFormat"/>.
    /// </summary>
    Astra = 1,
}
