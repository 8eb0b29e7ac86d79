using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TokenSdk.Credentials;

/// <summary>CRC-32C (Castagnoli), hardware-accelerated through <see cref="BitOperations.Crc32C(uint, ulong)"/> where the CPU has it.</summary>
internal static class Crc32C
{
    /// <summary>Computes the standard CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>The CRC-32C of <paramref name="first"/> followed by <paramref name="second"/>, without copying them together.</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => ~Append(Append(uint.MaxValue, first), second);

    /// <summary>
    /// Computes the CRC-32C of the ASCII bytes of <paramref name="text"/> in one pass (narrowing and checksumming
    /// together, no copy); <see langword="false"/> when a character is not ASCII.
    /// </summary>
    public static bool TryComputeAscii(ReadOnlySpan<char> text, out uint crc) => TryComputeAscii(uint.MaxValue, text, out crc);

    /// <summary>
    /// The same, continued from the state <paramref name="initialState"/> (see <see cref="Append"/>): the CRC-32C of
    /// text that follows the text that state was computed over.
    /// </summary>
    internal static bool TryComputeAscii(uint initialState, ReadOnlySpan<char> text, out uint crc)
    {
        // The state is carried as 64 bits: the 8-byte crc32 instruction takes and returns it so, and a 32-bit state
        // would cost a zero-extending move on the chain of dependent steps at every one of them.
        ulong state = initialState;
        ref ushort start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int i = 0;
        ulong nonAsciiBits = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            Vector128<ushort> nonAscii = Vector128<ushort>.Zero;
            for (; i <= text.Length - 16; i += 16)
            {
                Vector128<ushort> lower = Vector128.LoadUnsafe(ref start, (nuint)i);
                Vector128<ushort> upper = Vector128.LoadUnsafe(ref start, (nuint)(i + 8));
                nonAscii |= lower | upper;
                Vector128<ulong> bytes = Vector128.Narrow(lower, upper).AsUInt64();
                state = Step(state, bytes.GetElement(0));
                state = Step(state, bytes.GetElement(1));
            }

            // Eight characters left or more: one more 8-byte step rather than eight 1-byte ones (each a dependent
            // crc32 instruction of the same latency).
            if (i <= text.Length - 8)
            {
                Vector128<ushort> last = Vector128.LoadUnsafe(ref start, (nuint)i);
                nonAscii |= last;
                state = Step(state, Vector128.Narrow(last, last).AsUInt64().ToScalar());
                i += 8;
            }

            // Four characters left or more: one 4-byte step.
            if (i <= text.Length - 4)
            {
                ulong four = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref start, i)));
                nonAsciiBits |= four;
                Vector128<ushort> chars = Vector128.CreateScalarUnsafe(four).AsUInt16();
                state = BitOperations.Crc32C((uint)state, Vector128.Narrow(chars, chars).AsUInt32().ToScalar());
                i += 4;
            }

            nonAsciiBits |= (nonAscii | Vector128.Shuffle(nonAscii, Vector128.Create((ushort)4, 5, 6, 7, 0, 1, 2, 3))).AsUInt64().ToScalar();
        }

        uint state32 = (uint)state;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            nonAsciiBits |= c;
            state32 = BitOperations.Crc32C(state32, (byte)c);
        }

        if ((nonAsciiBits & 0xFF80_FF80_FF80_FF80UL) != 0)
        {
            crc = 0;
            return false;
        }

        crc = ~state32;
        return true;
    }

    /// <summary>One 8-byte step of the CRC-32C state, kept in 64 bits (see <see cref="TryComputeAscii(uint, ReadOnlySpan{char}, out uint)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Step(ulong state, ulong data) =>
        Sse42.X64.IsSupported ? Sse42.X64.Crc32(state, data) : BitOperations.Crc32C((uint)state, data);

    /// <summary>Continues the CRC-32C state <paramref name="crc"/> (not inverted: start from <see cref="uint.MaxValue"/>, invert at the end) over <paramref name="data"/>.</summary>
    internal static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
