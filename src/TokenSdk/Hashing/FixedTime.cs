using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TokenSdk.Hashing;

/// <summary>Constant-time comparison of 32-byte digests.</summary>
internal static class FixedTime
{
    /// <summary>
    /// Compares two 32-byte values in time independent of their contents: four 64-bit XORs folded with OR, one
    /// final test. No early exit, no data-dependent branch or memory access. Used instead of
    /// <c>CryptographicOperations.FixedTimeEquals</c>, which is compiled without optimization and costs several times more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equals32(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != Bytes32.Length || right.Length != Bytes32.Length)
        {
            return false;
        }

        ref byte l = ref MemoryMarshal.GetReference(left);
        ref byte r = ref MemoryMarshal.GetReference(right);
        ulong diff =
            (Unsafe.ReadUnaligned<ulong>(ref l) ^ Unsafe.ReadUnaligned<ulong>(ref r))
            | (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref l, 8)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, 8)))
            | (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref l, 16)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, 16)))
            | (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref l, 24)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, 24)));
        return diff == 0;
    }
}
