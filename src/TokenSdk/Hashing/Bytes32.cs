using System.Runtime.CompilerServices;

namespace TokenSdk.Hashing;

/// <summary>32 bytes held inline (a SHA-256 digest), so digests travel without a heap allocation.</summary>
[InlineArray(Length)]
internal struct Bytes32
{
    public const int Length = 32;

    private byte _element0;
}
