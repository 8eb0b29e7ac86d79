using System.Security.Cryptography;
using TokenSdk.Hashing;

namespace TokenSdk.Tests.Hashing;

public class VerifierHasherTests
{
    private static readonly byte[] s_oldPepper = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] s_newPepper = RandomNumberGenerator.GetBytes(48);

    [Fact]
    public void Create_DefaultOptions_IsSha256OfTheTokenHash()
    {
        // Arrange
        var hasher = new VerifierHasher(new HashingOptions());
        byte[] t = RandomNumberGenerator.GetBytes(32);

        // Act
        StoredVerifier verifier = hasher.Create(t);

        // Assert
        Assert.Equal(VerifierAlgorithm.Sha256, verifier.Algorithm);
        Assert.Null(verifier.KeyId);
        Assert.Equal(SHA256.HashData(t), Value(verifier));
    }

    [Fact]
    public void Create_HmacOptions_IsHmacOfTheTokenHashWithTheCurrentPepper()
    {
        // Arrange
        var hasher = new VerifierHasher(Hmac("old", ("old", s_oldPepper)));
        byte[] t = RandomNumberGenerator.GetBytes(32);

        // Act
        StoredVerifier verifier = hasher.Create(t);

        // Assert
        Assert.Equal(VerifierAlgorithm.HmacSha256, verifier.Algorithm);
        Assert.Equal("old", verifier.KeyId);
        Assert.Equal(HMACSHA256.HashData(s_oldPepper, t), Value(verifier));
    }

    public static TheoryData<string> Configurations => ["sha256", "hmac"];

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Check_RightTokenHash_ReturnsMatch(string configuration)
    {
        // Arrange
        VerifierHasher hasher = CreateHasher(configuration);
        byte[] t = RandomNumberGenerator.GetBytes(32);
        StoredVerifier verifier = hasher.Create(t);

        // Act
        VerifierCheck check = hasher.Check(verifier, t);

        // Assert
        Assert.Equal(VerifierCheck.Match, check);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Check_AnyOtherTokenHash_ReturnsMismatch(string configuration)
    {
        // Arrange: every single-bit change of T, and a few unrelated values.
        VerifierHasher hasher = CreateHasher(configuration);
        byte[] t = RandomNumberGenerator.GetBytes(32);
        StoredVerifier verifier = hasher.Create(t);
        List<byte[]> others = [new byte[32], RandomNumberGenerator.GetBytes(32), Value(verifier)];
        for (int bit = 0; bit < 256; bit++)
        {
            byte[] other = (byte[])t.Clone();
            other[bit / 8] ^= (byte)(1 << (bit % 8));
            others.Add(other);
        }

        // Act
        VerifierCheck[] checks = [.. others.Select(o => hasher.Check(verifier, o))];

        // Assert
        Assert.All(checks, c => Assert.Equal(VerifierCheck.Mismatch, c));
    }

    [Fact]
    public void Check_KeyIdNoLongerConfigured_ReturnsUnknownKey()
    {
        // Arrange
        byte[] t = RandomNumberGenerator.GetBytes(32);
        StoredVerifier verifier = new VerifierHasher(Hmac("old", ("old", s_oldPepper))).Create(t);
        var withoutOldPepper = new VerifierHasher(Hmac("new", ("new", s_newPepper)));
        var withoutPeppers = new VerifierHasher(new HashingOptions());

        // Act
        VerifierCheck right = withoutOldPepper.Check(verifier, t);
        VerifierCheck wrong = withoutOldPepper.Check(verifier, RandomNumberGenerator.GetBytes(32));
        VerifierCheck sha256Only = withoutPeppers.Check(verifier, t);

        // Assert
        Assert.Equal(VerifierCheck.UnknownKey, right);
        Assert.Equal(VerifierCheck.UnknownKey, wrong);
        Assert.Equal(VerifierCheck.UnknownKey, sha256Only);
    }

    [Fact]
    public void Check_SameKeyIdWithADifferentPepper_ReturnsMismatch()
    {
        // Arrange: a key id reused for another key must not verify old tokens.
        byte[] t = RandomNumberGenerator.GetBytes(32);
        StoredVerifier verifier = new VerifierHasher(Hmac("k1", ("k1", s_oldPepper))).Create(t);
        var hasher = new VerifierHasher(Hmac("k1", ("k1", s_newPepper)));

        // Act
        VerifierCheck check = hasher.Check(verifier, t);

        // Assert
        Assert.Equal(VerifierCheck.Mismatch, check);
    }

    [Fact]
    public void Check_AfterPepperRotation_OldVerifierStillMatchesWhileOldPepperIsKept()
    {
        // Arrange
        byte[] oldT = RandomNumberGenerator.GetBytes(32);
        byte[] newT = RandomNumberGenerator.GetBytes(32);
        StoredVerifier oldVerifier = new VerifierHasher(Hmac("old", ("old", s_oldPepper))).Create(oldT);
        var rotated = new VerifierHasher(Hmac("new", ("old", s_oldPepper), ("new", s_newPepper)));

        // Act
        StoredVerifier newVerifier = rotated.Create(newT);
        VerifierCheck oldCheck = rotated.Check(oldVerifier, oldT);
        VerifierCheck oldWrong = rotated.Check(oldVerifier, newT);
        VerifierCheck newCheck = rotated.Check(newVerifier, newT);
        VerifierCheck newWrong = rotated.Check(newVerifier, oldT);

        // Assert
        Assert.Equal("new", newVerifier.KeyId);
        Assert.Equal(HMACSHA256.HashData(s_newPepper, newT), Value(newVerifier));
        Assert.Equal(VerifierCheck.Match, oldCheck);
        Assert.Equal(VerifierCheck.Mismatch, oldWrong);
        Assert.Equal(VerifierCheck.Match, newCheck);
        Assert.Equal(VerifierCheck.Mismatch, newWrong);
    }

    [Fact]
    public void Check_AfterSwitchingAlgorithm_VerifiersOfBothAlgorithmsStillMatch()
    {
        // Arrange
        byte[] t1 = RandomNumberGenerator.GetBytes(32);
        byte[] t2 = RandomNumberGenerator.GetBytes(32);
        StoredVerifier sha256Verifier = new VerifierHasher(new HashingOptions()).Create(t1);
        StoredVerifier hmacVerifier = new VerifierHasher(Hmac("old", ("old", s_oldPepper))).Create(t2);

        // Act: HMAC configured now, and back to SHA-256 with the pepper still listed.
        var hmacNow = new VerifierHasher(Hmac("old", ("old", s_oldPepper)));
        HashingOptions sha256Again = Hmac("old", ("old", s_oldPepper));
        sha256Again.Algorithm = VerifierAlgorithm.Sha256;
        var sha256Now = new VerifierHasher(sha256Again);

        // Assert
        Assert.Equal(VerifierCheck.Match, hmacNow.Check(sha256Verifier, t1));
        Assert.Equal(VerifierCheck.Match, sha256Now.Check(hmacVerifier, t2));
        Assert.Equal(VerifierCheck.Mismatch, hmacNow.Check(sha256Verifier, t2));
        Assert.Equal(VerifierAlgorithm.Sha256, sha256Now.Create(t1).Algorithm);
    }

    [Fact]
    public void Check_EmptyVerifier_ReturnsUnknownKey()
    {
        // Arrange
        var hasher = new VerifierHasher(new HashingOptions());

        // Act
        VerifierCheck check = hasher.Check(default(StoredVerifier), new byte[32]);

        // Assert
        Assert.Equal(VerifierCheck.UnknownKey, check);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("hmac")]
    public void Check_Record_AgreesWithCheckingItsVerifier(string algorithm)
    {
        // Arrange: the verifier read in place from a record, as verification does.
        VerifierHasher hasher = CreateHasher(algorithm);
        byte[] t = RandomNumberGenerator.GetBytes(32);
        var record = new TokenSdk.Storage.StoredToken(new string('a', 24), "org", "role", hasher.Create(t), DateTimeOffset.UnixEpoch);
        byte[] other = RandomNumberGenerator.GetBytes(32);

        // Act
        VerifierCheck right = hasher.Check(record, t);
        VerifierCheck wrong = hasher.Check(record, other);

        // Assert
        Assert.Equal(VerifierCheck.Match, right);
        Assert.Equal(hasher.Check(record.Verifier, t), right);
        Assert.Equal(VerifierCheck.Mismatch, wrong);
        Assert.Equal(hasher.Check(record.Verifier, other), wrong);
    }

    [Fact]
    public void Check_ParsedVerifier_MatchesLikeTheOriginal()
    {
        // Arrange: a verifier that went through a store's text form.
        VerifierHasher hasher = CreateHasher("hmac");
        byte[] t = RandomNumberGenerator.GetBytes(32);
        StoredVerifier parsed = StoredVerifier.Parse(hasher.Create(t).Encode());

        // Act
        VerifierCheck check = hasher.Check(parsed, t);

        // Assert
        Assert.Equal(VerifierCheck.Match, check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(55)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Sha256_AnyInput_EqualsSha256HashData(int length)
    {
        // Arrange
        byte[] source = RandomNumberGenerator.GetBytes(length);
        byte[] first = new byte[32];
        byte[] second = new byte[32];

        // Act: twice, so a hash object that was not reset would show.
        VerifierHasher.Sha256(source, first);
        VerifierHasher.Sha256(source, second);

        // Assert
        Assert.Equal(SHA256.HashData(source), first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Sha256_ConcurrentCallers_EachGetTheirOwnDigest()
    {
        // Arrange
        byte[][] inputs = [.. Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(100))];
        byte[][] results = new byte[inputs.Length][];

        // Act
        Parallel.For(0, inputs.Length, i =>
        {
            byte[] digest = new byte[32];
            for (int repeat = 0; repeat < 50; repeat++)
            {
                VerifierHasher.Sha256(inputs[i], digest);
            }

            results[i] = digest;
        });

        // Assert
        Assert.All(Enumerable.Range(0, inputs.Length), i => Assert.Equal(SHA256.HashData(inputs[i]), results[i]));
    }

    private static VerifierHasher CreateHasher(string configuration) => configuration == "hmac"
        ? new VerifierHasher(Hmac("old", ("old", s_oldPepper)))
        : new VerifierHasher(new HashingOptions());

    private static HashingOptions Hmac(string currentKeyId, params (string KeyId, byte[] Key)[] peppers)
    {
        var options = new HashingOptions { Algorithm = VerifierAlgorithm.HmacSha256, CurrentKeyId = currentKeyId };
        foreach ((string keyId, byte[] key) in peppers)
        {
            options.Peppers.Add(new PepperOptions { KeyId = keyId, Key = Convert.ToBase64String(key) });
        }

        return options;
    }

    private static byte[] Value(StoredVerifier verifier)
    {
        byte[] value = new byte[32];
        verifier.CopyValueTo(value);
        return value;
    }
}
