using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian && hex.Length % 64 == 0)
        {
            return TryDecodeVector256(hex, destination);
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
    private static bool TryDecodeVector256(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex));
        ref byte target = ref MemoryMarshal.GetReference(destination);
        Vector256<ushort> wide = Vector256<ushort>.Zero;
        Vector256<byte> invalid = Vector256<byte>.Zero;
        for (int i = 0; i < hex.Length; i += 64)
        {
            Decode64(ref Unsafe.Add(ref source, i), ref Unsafe.Add(ref target, i / 2), ref wide, ref invalid);
        }

        return ((wide & Vector256.Create((ushort)0xFF80)) | invalid.AsUInt16()) == Vector256<ushort>.Zero;
    }

    /// <summary>
    /// Decodes the 64 characters at <paramref name="source"/> into the 32 bytes at <paramref name="target"/> (256-bit
    /// vectors only). Nothing is checked here: the characters are OR-ed into <paramref name="wide"/> (any bit of 0xFF80
    /// set means non-ASCII) and a lane of <paramref name="invalid"/> is set for anything else not a lowercase hex digit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Decode64(ref ushort source, ref byte target, ref Vector256<ushort> wide, ref Vector256<byte> invalid)
    {
        Vector256<ushort> c0 = Vector256.LoadUnsafe(ref source);
        Vector256<ushort> c1 = Vector256.LoadUnsafe(ref source, 16);
        Vector256<ushort> c2 = Vector256.LoadUnsafe(ref source, 32);
        Vector256<ushort> c3 = Vector256.LoadUnsafe(ref source, 48);
        wide |= c0 | c1 | c2 | c3;

        Vector256<byte> firstNibbles = Nibbles(Vector256.Narrow(c0, c1), ref invalid);
        Vector256<byte> secondNibbles = Nibbles(Vector256.Narrow(c2, c3), ref invalid);
        Vector256.Narrow(Pairs(firstNibbles), Pairs(secondNibbles)).StoreUnsafe(ref target);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles(Vector256<byte> chars, ref Vector256<byte> invalid)
    {
        Vector256<byte> isDigit = Vector256.LessThan(chars - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
        Vector256<byte> isLetter = Vector256.LessThan(chars - Vector256.Create((byte)'a'), Vector256.Create((byte)6));
        invalid |= ~(isDigit | isLetter);
        return (chars & Vector256.Create((byte)0x0F)) + (isLetter & Vector256.Create((byte)9));
    }

    private static Vector256<ushort> Pairs(Vector256<byte> nibbles)
    {
        Vector256<ushort> lanes = nibbles.AsUInt16();
        return ((lanes & Vector256.Create((ushort)0x0F)) << 4) | (lanes >>> 8);
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
