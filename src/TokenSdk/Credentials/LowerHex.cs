using System.Runtime.CompilerServices;

namespace TokenSdk.Credentials;

/// <summary>Strict lowercase hexadecimal decoding (uppercase is rejected, as the Astra token pattern requires).</summary>
internal static class LowerHex
{
    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            int high = Value(hex[2 * i]);
            int low = Value(hex[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    public static bool TryParseUInt32(ReadOnlySpan<char> hex, out uint value)
    {
        value = 0;
        if (hex.Length != 8)
        {
            return false;
        }

        foreach (char c in hex)
        {
            int digit = Value(c);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Value(char c)
    {
        uint digit = (uint)c - '0';
        if (digit <= 9)
        {
            return (int)digit;
        }

        uint letter = (uint)c - 'a';
        return letter <= 5 ? (int)letter + 10 : -1;
    }
}
