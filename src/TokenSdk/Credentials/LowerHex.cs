using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSdk.Credentials;

/// <summary>
/// Strict lowercase hexadecimal decoding (uppercase is rejected, as the Astra token pattern requires), without
/// data-dependent branches: random hex digits would otherwise mispredict on every character.
/// </summary>
internal static class LowerHex
{
    private static readonly SearchValues<char> s_lowerHexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// Decodes lowercase hex into <paramref name="destination"/>, which it must fill exactly; <see langword="false"/> for
    /// any other character (uppercase too: one value has one text form).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }

        if (Avx2.IsSupported && hex.Length % 64 == 0)
        {
            return TryDecodeAvx2(hex, destination);
        }

        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian && hex.Length % 32 == 0)
        {
            return TryDecodeVectorized(hex, destination);
        }

        // Both calls are vectorized: validate the alphabet, then decode.
        return !hex.ContainsAnyExcept(s_lowerHexDigits)
            && Convert.FromHexString(hex, destination, out _, out int written) == OperationStatus.Done
            && written == destination.Length;
    }

    // Validates and decodes 64 characters into 32 bytes per step, in one pass (a token's T in one step).
    private static bool TryDecodeAvx2(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex));
        ref byte target = ref MemoryMarshal.GetReference(destination);
        Vector256<byte> invalid = Vector256<byte>.Zero;
        for (int i = 0; i < hex.Length; i += 64)
        {
            invalid |= Decode64(ref Unsafe.Add(ref source, i), ref Unsafe.Add(ref target, i / 2));
        }

        return invalid == Vector256<byte>.Zero;
    }

    /// <summary>
    /// Decodes the 64 characters at <paramref name="source"/> into the 32 bytes at <paramref name="target"/> (AVX2
    /// only) and returns a vector with a lane set for each character that is not a lowercase hex digit; nothing is
    /// checked here. Narrowing saturates: a character above 0xFF becomes 0xFF, one above 0x7FFF becomes 0, neither a
    /// hex digit, so no check for non-ASCII is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<byte> Decode64(ref ushort source, ref byte target)
    {
        // Packing works within each 128-bit lane (8 characters of each input per lane): the byte order is mixed
        // until the one permutation at the end, and nothing in between depends on it.
        Vector256<byte> first = Avx2.PackUnsignedSaturate(Vector256.LoadUnsafe(ref source).AsInt16(), Vector256.LoadUnsafe(ref source, 16).AsInt16());
        Vector256<byte> second = Avx2.PackUnsignedSaturate(Vector256.LoadUnsafe(ref source, 32).AsInt16(), Vector256.LoadUnsafe(ref source, 48).AsInt16());
        Vector256<byte> invalid = Vector256<byte>.Zero;
        Vector256<short> firstBytes = Pairs(Nibbles(first, ref invalid));
        Vector256<short> secondBytes = Pairs(Nibbles(second, ref invalid));
        Vector256<int> packed = Avx2.PackUnsignedSaturate(firstBytes, secondBytes).AsInt32();
        Avx2.PermuteVar8x32(packed, Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte().StoreUnsafe(ref target);
        return invalid;
    }

    /// <summary>
    /// Decodes 8 characters at <paramref name="source"/> as a big-endian 32-bit value (AVX2 only); <paramref name="valid"/>
    /// says whether all 8 are lowercase hex digits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint DecodeUInt32(ref ushort source, out bool valid)
    {
        Vector256<short> chars = Vector128.LoadUnsafe(ref source).ToVector256().AsInt16();
        Vector256<byte> invalid = Vector256<byte>.Zero;
        Vector256<short> bytes = Pairs(Nibbles(Avx2.PackUnsignedSaturate(chars, Vector256<short>.Zero), ref invalid));
        uint bigEndian = Avx2.PackUnsignedSaturate(bytes, bytes).AsUInt32().ToScalar();
        valid = invalid.AsUInt64().ToScalar() == 0;
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bigEndian);
    }

    // Validates and decodes 32 characters into 16 bytes per step, in one pass.
    private static bool TryDecodeVectorized(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex));
        ref byte target = ref MemoryMarshal.GetReference(destination);
        Vector128<ushort> wide = Vector128<ushort>.Zero;
        Vector128<byte> invalid = Vector128<byte>.Zero;
        for (int i = 0; i < hex.Length; i += 32)
        {
            Vector128<ushort> c0 = Vector128.LoadUnsafe(ref source, (nuint)i);
            Vector128<ushort> c1 = Vector128.LoadUnsafe(ref source, (nuint)(i + 8));
            Vector128<ushort> c2 = Vector128.LoadUnsafe(ref source, (nuint)(i + 16));
            Vector128<ushort> c3 = Vector128.LoadUnsafe(ref source, (nuint)(i + 24));

            // A character above 0x7F would alias an ASCII one once narrowed: remember and reject it.
            wide |= c0 | c1 | c2 | c3;
            Vector128<byte> first = Nibbles(Vector128.Narrow(c0, c1), ref invalid);
            Vector128<byte> second = Nibbles(Vector128.Narrow(c2, c3), ref invalid);
            Vector128.Narrow(Pairs(first), Pairs(second)).StoreUnsafe(ref target, (nuint)(i / 2));
        }

        return ((wide & Vector128.Create((ushort)0xFF80)) | invalid.AsUInt16()) == Vector128<ushort>.Zero;
    }

    // '0'-'9' -> 0-9 and 'a'-'f' -> 10-15; anything else is flagged in 'invalid'.
    private static Vector128<byte> Nibbles(Vector128<byte> chars, ref Vector128<byte> invalid)
    {
        Vector128<byte> digit = chars - Vector128.Create((byte)'0');
        Vector128<byte> letter = chars - Vector128.Create((byte)'a');
        Vector128<byte> isDigit = Vector128.LessThan(digit, Vector128.Create((byte)10));
        Vector128<byte> isLetter = Vector128.LessThan(letter, Vector128.Create((byte)6));
        invalid |= ~(isDigit | isLetter);
        return Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10));
    }

    // Each 16-bit lane holds a high nibble (low byte) and a low nibble (high byte): make them one byte value.
    private static Vector128<ushort> Pairs(Vector128<byte> nibbles)
    {
        Vector128<ushort> lanes = nibbles.AsUInt16();
        return ((lanes & Vector128.Create((ushort)0x0F)) << 4) | (lanes >>> 8);
    }

    // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low four bits, plus 9 for a letter; anything else is flagged.
    // Unsigned "at most" as min-and-equal: AVX2 has no unsigned byte comparison.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles(Vector256<byte> chars, ref Vector256<byte> invalid)
    {
        Vector256<byte> digit = chars - Vector256.Create((byte)'0');
        Vector256<byte> letter = chars - Vector256.Create((byte)'a');
        Vector256<byte> isDigit = Avx2.CompareEqual(Avx2.Min(digit, Vector256.Create((byte)9)), digit);
        Vector256<byte> isLetter = Avx2.CompareEqual(Avx2.Min(letter, Vector256.Create((byte)5)), letter);
        invalid |= ~(isDigit | isLetter);
        return (chars & Vector256.Create((byte)0x0F)) + (isLetter & Vector256.Create((byte)9));
    }

    // Each 16-bit lane holds a high nibble (low byte) and a low nibble (high byte): one byte value, 0-255.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Pairs(Vector256<byte> nibbles)
    {
        Vector256<ushort> lanes = nibbles.AsUInt16();
        return (((lanes & Vector256.Create((ushort)0x0F)) << 4) | (lanes >>> 8)).AsInt16();
    }

    public static bool TryParseUInt32(ReadOnlySpan<char> hex, out uint value)
    {
        value = 0;
        if (hex.Length != 8)
        {
            return false;
        }

        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            // All 8 characters in one vector: validate, turn into nibbles, pair them into 4 bytes (most significant first).
            Vector128<ushort> chars = Vector128.LoadUnsafe(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex)));
            Vector128<byte> invalidLanes = Vector128<byte>.Zero;
            Vector128<byte> nibbles = Nibbles(Vector128.Narrow(chars, chars), ref invalidLanes);
            uint bigEndian = Vector128.Narrow(Pairs(nibbles), Pairs(nibbles)).AsUInt32().ToScalar();
            value = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bigEndian);
            return ((chars & Vector128.Create((ushort)0xFF80)) | invalidLanes.AsUInt16()) == Vector128<ushort>.Zero;
        }

        ReadOnlySpan<byte> table = Table;
        int invalid = 0;
        uint result = 0;
        foreach (char c in hex)
        {
            // Characters beyond ASCII index entry 0 of a shifted lookup, which is invalid.
            int digit = table[c < 128 ? c : 0];
            invalid |= digit;
            result = (result << 4) | (uint)(digit & 0xF);
        }

        value = result;
        return (invalid & 0x10) == 0;
    }

    // 0x10 marks a character that is not a lowercase hex digit.
    private static ReadOnlySpan<byte> Table =>
    [
        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
    ];
}
