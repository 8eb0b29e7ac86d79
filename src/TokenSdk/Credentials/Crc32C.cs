using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    public static bool TryComputeAscii(ReadOnlySpan<char> text, out uint crc)
    {
        uint state = uint.MaxValue;
        ref ushort start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int i = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian && text.Length >= 8)
        {
            Vector128<ushort> nonAscii = Vector128<ushort>.Zero;
            for (; i <= text.Length - 16; i += 16)
            {
                Vector128<ushort> lower = Vector128.LoadUnsafe(ref start, (nuint)i);
                Vector128<ushort> upper = Vector128.LoadUnsafe(ref start, (nuint)(i + 8));
                nonAscii |= lower | upper;
                Vector128<ulong> bytes = Vector128.Narrow(lower, upper).AsUInt64();
                state = BitOperations.Crc32C(state, bytes.GetElement(0));
                state = BitOperations.Crc32C(state, bytes.GetElement(1));
            }

            // Eight characters left or more: one more 8-byte step rather than eight 1-byte ones (each is a dependent
            // crc32 instruction of the same latency).
            if (i <= text.Length - 8)
            {
                Vector128<ushort> last = Vector128.LoadUnsafe(ref start, (nuint)i);
                nonAscii |= last;
                state = BitOperations.Crc32C(state, Vector128.Narrow(last, last).AsUInt64().ToScalar());
                i += 8;
            }

            if ((nonAscii & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero)
            {
                crc = 0;
                return false;
            }
        }

        // Four characters (one 64-bit read) at a time, packed into the four bytes of one 4-byte step.
        ulong nonAsciiBits = 0;
        for (; BitConverter.IsLittleEndian && i <= text.Length - 4; i += 4)
        {
            ulong four = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref start, i)));
            nonAsciiBits |= four;
            uint packed = (uint)(four & 0xFF) | (uint)((four >> 8) & 0xFF00) | (uint)((four >> 16) & 0xFF_0000) | (uint)((four >> 24) & 0xFF00_0000);
            state = BitOperations.Crc32C(state, packed);
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            nonAsciiBits |= c;
            state = BitOperations.Crc32C(state, (byte)c);
        }

        if ((nonAsciiBits & 0xFF80_FF80_FF80_FF80UL) != 0)
        {
            crc = 0;
            return false;
        }

        crc = ~state;
        return true;
    }

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
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
