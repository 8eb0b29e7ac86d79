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
        int i = 0;
        if (Vector128.IsHardwareAccelerated && text.Length >= 16)
        {
            ref ushort start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
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

            if ((nonAscii & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero)
            {
                crc = 0;
                return false;
            }
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c > 0x7F)
            {
                crc = 0;
                return false;
            }

            state = BitOperations.Crc32C(state, (byte)c);
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
