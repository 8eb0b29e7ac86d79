using System.Security.Cryptography;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class LowerHexTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(48)]
    [InlineData(64)]
    [InlineData(128)]
    public void TryDecode_RandomBytes_RoundTripsThroughLowercaseHex(int length)
    {
        for (int round = 0; round < 200; round++)
        {
            // Arrange
            byte[] expected = RandomNumberGenerator.GetBytes(length);
            string hex = Convert.ToHexStringLower(expected);
            byte[] actual = new byte[length];

            // Act
            bool ok = LowerHex.TryDecode(hex, actual);

            // Assert
            Assert.True(ok, hex);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void TryDecode_EveryByteValue_DecodesLikeTheBcl()
    {
        // Arrange: all 256 values, in 32-byte blocks so the vectorized path sees each one in every lane position.
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int shift = 0; shift < 32; shift++)
        {
            byte[] rotated = all.Skip(shift).Concat(all.Take(shift)).ToArray();
            string hex = Convert.ToHexStringLower(rotated);
            byte[] actual = new byte[rotated.Length];

            // Act
            bool ok = LowerHex.TryDecode(hex, actual);

            // Assert
            Assert.True(ok);
            Assert.Equal(rotated, actual);
        }
    }

    [Fact]
    public void TryDecode_AnyForeignCharacterAtAnyPosition_IsRejected()
    {
        // Uppercase, the neighbours of each range, separators, and characters that narrow to a hex digit (U+0130 -> '0', U+0161 -> 'a').
        char[] foreign = ['A', 'F', 'G', 'g', '/', ':', '`', ' ', '\0', '\u00e0', '\u0130', '\u0161', '\u3030', '\uff10', '\uffff'];
        string valid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        byte[] destination = new byte[32];

        foreach (char bad in foreign)
        {
            for (int position = 0; position < valid.Length; position++)
            {
                char[] chars = valid.ToCharArray();
                chars[position] = bad;

                Assert.False(LowerHex.TryDecode(chars, destination), $"U+{(int)bad:X4} at {position}");
            }
        }
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(0)]
    public void TryDecode_LengthNotTwiceTheDestination_IsRejected(int length)
    {
        string hex = new('a', length);

        Assert.False(LowerHex.TryDecode(hex, new byte[32]));
    }

    [Theory]
    [InlineData("00000000", 0u)]
    [InlineData("deadbeef", 0xDEADBEEFu)]
    [InlineData("ffffffff", 0xFFFFFFFFu)]
    public void TryParseUInt32_LowercaseHex_Parses(string hex, uint expected)
    {
        Assert.True(LowerHex.TryParseUInt32(hex, out uint value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("DEADBEEF")]
    [InlineData("deadbee")]
    [InlineData("deadbeefa")]
    [InlineData("deadbeeg")]
    [InlineData("dead\u0130eef")]
    public void TryParseUInt32_Invalid_IsRejected(string hex)
    {
        Assert.False(LowerHex.TryParseUInt32(hex, out _));
    }

    [Fact]
    public void TryParseUInt32_RandomValues_RoundTripThroughX8()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            uint expected = (uint)random.NextInt64(0, 1L << 32);

            Assert.True(LowerHex.TryParseUInt32(expected.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), out uint value));
            Assert.Equal(expected, value);
        }
    }

    [Fact]
    public void TryParseUInt32_ForeignCharacterAtAnyPosition_IsRejected()
    {
        char[] foreign = ['A', 'F', 'g', '/', ':', '`', ' ', '\0', '\u0130', '\u0161', '\uff10'];
        foreach (char bad in foreign)
        {
            for (int position = 0; position < 8; position++)
            {
                char[] chars = "0123abcd".ToCharArray();
                chars[position] = bad;

                Assert.False(LowerHex.TryParseUInt32(chars, out _), $"U+{(int)bad:X4} at {position}");
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void DecodeUInt32_EveryCharacterAtAPosition_AgreesWithTryParseUInt32(int position)
    {
        // Arrange: the AVX2 decoding of a token's checksum, against the portable parser, for all 65,536 UTF-16 units.
        Assert.SkipUnless(System.Runtime.Intrinsics.X86.Avx2.IsSupported, "This machine has no AVX2: only the portable path runs.");
        char[] hex = "0badf00d".ToCharArray();
        List<int> wrong = [];

        // Act
        for (int c = 0; c <= char.MaxValue; c++)
        {
            hex[position] = (char)c;
            bool expected = LowerHex.TryParseUInt32(hex, out uint expectedValue);
            uint value = LowerHex.DecodeUInt32(ref System.Runtime.CompilerServices.Unsafe.As<char, ushort>(ref hex[0]), out bool valid);
            if (valid != expected || (valid && value != expectedValue))
            {
                wrong.Add(c);
            }
        }

        // Assert
        Assert.Empty(wrong);
    }
}
