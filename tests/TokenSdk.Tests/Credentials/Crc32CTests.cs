using System.Text;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Credentials;

public class Crc32CTests
{
    [Fact]
    public void Compute_StandardCheckInput_ReturnsCheckValue()
    {
        // Arrange: the catalogue check value of CRC-32C is the CRC of the ASCII digits 1 to 9.
        byte[] data = Encoding.ASCII.GetBytes("123456789");

        // Act
        uint crc = Crc32C.Compute(data);

        // Assert
        Assert.Equal(0xE3069283u, crc);
    }

    [Fact]
    public void Compute_Empty_ReturnsZero()
    {
        // Act
        uint crc = Crc32C.Compute([]);

        // Assert
        Assert.Equal(0u, crc);
    }

    public static TheoryData<string, uint> Rfc3720Vectors => new()
    {
        // RFC 3720, appendix B.4: 32 bytes each.
        { "zeros", 0x8A9136AAu },
        { "ones", 0x62A8AB43u },
        { "incrementing", 0x46DD794Eu },
        { "decrementing", 0x113FDB5Cu },
    };

    [Theory]
    [MemberData(nameof(Rfc3720Vectors))]
    public void Compute_Rfc3720Vector_ReturnsPublishedValue(string pattern, uint expected)
    {
        // Arrange
        byte[] data = new byte[32];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = pattern switch
            {
                "zeros" => 0,
                "ones" => 0xFF,
                "incrementing" => (byte)i,
                _ => (byte)(31 - i),
            };
        }

        // Act
        uint crc = Crc32C.Compute(data);

        // Assert
        Assert.Equal(expected, crc);
    }

    [Fact]
    public void Compute_EveryLengthUpTo100_MatchesBitwiseReference()
    {
        // Arrange: lengths that are and are not multiples of 8 exercise both the 8-byte loop and the byte tail.
        var random = new Random(3720);
        byte[] data = new byte[100];
        random.NextBytes(data);
        List<int> wrongLengths = [];

        // Act
        for (int length = 0; length <= data.Length; length++)
        {
            ReadOnlySpan<byte> slice = data.AsSpan(0, length);
            if (Crc32C.Compute(slice) != ReferenceCrc32C(slice))
            {
                wrongLengths.Add(length);
            }
        }

        // Assert
        Assert.Empty(wrongLengths);
    }

    [Fact]
    public void Compute_UnalignedSlice_MatchesBitwiseReference()
    {
        // Arrange: start at an odd offset so the 8-byte reads are unaligned.
        byte[] data = new byte[64];
        new Random(42).NextBytes(data);
        ReadOnlySpan<byte> slice = data.AsSpan(3, 45);

        // Act
        uint crc = Crc32C.Compute(slice);

        // Assert
        Assert.Equal(ReferenceCrc32C(slice), crc);
    }

    [Fact]
    public void Compute_SingleByteChanged_ChangesResult()
    {
        // Arrange
        byte[] original = Encoding.ASCII.GetBytes("tsdk_IFmJlTkNvptFzTDEQpQIEJud_0123456789abcdef");
        byte[] changed = (byte[])original.Clone();
        changed[20] ^= 0x01;

        // Act
        uint before = Crc32C.Compute(original);
        uint after = Crc32C.Compute(changed);

        // Assert
        Assert.NotEqual(before, after);
    }

    // Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78), independent of the hardware intrinsic.
    private static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(28)]
    [InlineData(31)]
    [InlineData(94)]
    [InlineData(98)]
    [InlineData(106)]
    [InlineData(300)]
    public void TryComputeAscii_AnyLength_EqualsComputeOfTheAsciiBytes(int length)
    {
        // Arrange: every ASCII value, so narrowing of each lane is exercised.
        string text = new(Enumerable.Range(0, length).Select(i => (char)((i * 37) % 128)).ToArray());

        // Act
        bool ok = Crc32C.TryComputeAscii(text, out uint crc);

        // Assert
        Assert.True(ok);
        Assert.Equal(Crc32C.Compute(Encoding.ASCII.GetBytes(text)), crc);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(39)]
    [InlineData(40)]
    [InlineData(43)]
    [InlineData(44)]
    [InlineData(46)]
    public void TryComputeAscii_NonAsciiAnywhere_ReturnsFalse(int position)
    {
        // Arrange: 47 characters (two 16-character blocks, one 8-character step, one 4-character step and three single
        // characters) with one above 0x7F; 0x100 would narrow to 0x00.
        foreach (char bad in new[] { '\u0080', '\u00FF', '\u0100', '\u2028', '\uFFFF' })
        {
            char[] chars = Enumerable.Repeat('a', 47).ToArray();
            chars[position] = bad;

            // Act
            bool ok = Crc32C.TryComputeAscii(chars, out _);

            // Assert
            Assert.False(ok, $"U+{(int)bad:X4} at {position}");
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(5, 2)]
    [InlineData(5, 4)]
    [InlineData(7, 6)]
    public void TryComputeAscii_NonAsciiInTextShorterThanAVector_ReturnsFalse(int length, int position)
    {
        // Arrange: too short for the vector path; only the 4-character and single-character steps run.
        char[] chars = Enumerable.Repeat('a', length).ToArray();
        chars[position] = '\u0100';

        // Act
        bool ok = Crc32C.TryComputeAscii(chars, out _);

        // Assert
        Assert.False(ok);
    }
}
