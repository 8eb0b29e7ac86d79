using System.Security.Cryptography;
using TokenSdk.Hashing;

namespace TokenSdk.Tests.Hashing;

public class FixedTimeTests
{
    [Fact]
    public void Equals32_SameContent_ReturnsTrue()
    {
        // Arrange: equal contents in distinct arrays, so reference equality cannot be what is compared.
        byte[] left = RandomNumberGenerator.GetBytes(32);
        byte[] right = (byte[])left.Clone();

        // Act
        bool equal = FixedTime.Equals32(left, right);

        // Assert
        Assert.True(equal);
    }

    [Fact]
    public void Equals32_AllZeroValues_ReturnsTrue()
    {
        // Arrange
        byte[] left = new byte[32];
        byte[] right = new byte[32];

        // Act
        bool equal = FixedTime.Equals32(left, right);

        // Assert
        Assert.True(equal);
    }

    [Fact]
    public void Equals32_AnySingleBitDiffers_ReturnsFalse()
    {
        // Arrange
        byte[] left = RandomNumberGenerator.GetBytes(32);
        List<int> bitsNotDetected = [];

        // Act: flip each of the 256 bits in turn, in the right operand and then in the left one.
        for (int bit = 0; bit < 256; bit++)
        {
            byte[] right = (byte[])left.Clone();
            right[bit / 8] ^= (byte)(1 << (bit % 8));
            if (FixedTime.Equals32(left, right) || FixedTime.Equals32(right, left))
            {
                bitsNotDetected.Add(bit);
            }
        }

        // Assert
        Assert.Empty(bitsNotDetected);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(31, 31)]
    [InlineData(33, 33)]
    [InlineData(64, 64)]
    [InlineData(31, 32)]
    [InlineData(32, 31)]
    [InlineData(32, 33)]
    [InlineData(32, 0)]
    public void Equals32_WrongLength_ReturnsFalse(int leftLength, int rightLength)
    {
        // Arrange: zero-filled, so the common bytes are equal and only the length can make them differ.
        byte[] left = new byte[leftLength];
        byte[] right = new byte[rightLength];

        // Act
        bool equal = FixedTime.Equals32(left, right);

        // Assert
        Assert.False(equal);
    }

    [Fact]
    public void Equals32_SlicesOfLongerBuffers_ComparesOnlyTheSlices()
    {
        // Arrange: the 32-byte windows are equal, the bytes around them differ.
        byte[] left = new byte[40];
        byte[] right = new byte[40];
        left[0] = 1;
        left[39] = 1;
        right[0] = 2;
        right[39] = 2;

        // Act
        bool equal = FixedTime.Equals32(left.AsSpan(4, 32), right.AsSpan(4, 32));

        // Assert
        Assert.True(equal);
    }
}
