using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Credentials;

public class TokenGeneratorTests
{
    private static readonly DateTimeOffset s_now = new(2025, 5, 6, 7, 8, 9, 10, TimeSpan.Zero);

    [Fact]
    public void Generate_FakeTime_StampsGeneratedOnAndCreatedAt()
    {
        // Arrange
        var time = new FakeTimeProvider(s_now);
        var generator = new TokenGenerator(timeProvider: time);

        // Act
        IssuedToken first = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        time.Advance(TimeSpan.FromHours(3));
        IssuedToken second = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        // Assert
        Assert.Equal(s_now, first.Details.GeneratedOn);
        Assert.Equal(s_now, first.Record.CreatedAt);
        Assert.Equal(s_now.AddHours(3), second.Details.GeneratedOn);
        Assert.Equal(s_now.AddHours(3), second.Record.CreatedAt);
    }

    [Fact]
    public void Generate_Request_CopiesRoleAndMetadataToDetailsAndRecord()
    {
        // Arrange
        var time = new FakeTimeProvider(s_now);
        var generator = new TokenGenerator(timeProvider: time);
        var request = new TokenGenerationRequest(DefaultRoles.DatabaseAdministrator)
        {
            Description = "CI pipeline",
            CreatedBy = "alice",
            ExpiresAt = s_now.AddDays(30),
        };

        // Act
        IssuedToken issued = generator.Generate(request);

        // Assert
        Assert.Equal(issued.Details.ClientId, issued.Record.ClientId);
        Assert.True(CredentialGenerator.IsClientId(issued.Details.ClientId));
        Assert.Equal("database-administrator", issued.Details.RoleId);
        Assert.Equal("Database Administrator", issued.Details.RoleName);
        Assert.Equal("database-administrator", issued.Record.RoleId);
        Assert.Equal("CI pipeline", issued.Details.Description);
        Assert.Equal("CI pipeline", issued.Record.Description);
        Assert.Equal("alice", issued.Record.CreatedBy);
        Assert.Equal(s_now.AddDays(30), issued.Details.ExpiresAt);
        Assert.Equal(s_now.AddDays(30), issued.Record.ExpiresAt);
    }

    [Fact]
    public void Generate_TwoCalls_GiveDifferentClientIdsSecretsAndTokens()
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        GeneratedToken a = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;
        GeneratedToken b = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Assert
        Assert.NotEqual(a.ClientId, b.ClientId);
        Assert.NotEqual(a.Secret, b.Secret);
        Assert.NotEqual(a.Token, b.Token);
    }

    [Fact]
    public void Generate_NoOrganization_UsesTheDefaultOrganizationOption()
    {
        // Arrange
        var options = new TokenSdkOptions { DefaultOrganizationId = "acme-corp" };
        var generator = new TokenGenerator(options);

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
        IssuedToken withDefaults = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        // Assert
        Assert.Equal("acme-corp", issued.Details.OrganizationId);
        Assert.Equal("acme-corp", issued.Record.OrganizationId);
        Assert.Equal("default", withDefaults.Record.OrganizationId);
    }

    [Fact]
    public void Generate_RequestOrganization_OverridesTheDefault()
    {
        // Arrange
        var options = new TokenSdkOptions { DefaultOrganizationId = "acme-corp" };
        var generator = new TokenGenerator(options);

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "other.org_2" });

        // Assert
        Assert.Equal("other.org_2", issued.Details.OrganizationId);
        Assert.Equal("other.org_2", issued.Record.OrganizationId);
    }

    [Fact]
    public void Generate_OptionsChangedAfterConstruction_KeepsTheOptionsItWasCreatedWith()
    {
        // Arrange
        var options = new TokenSdkOptions { DefaultOrganizationId = "acme-corp" };
        var generator = new TokenGenerator(options);

        // Act
        options.DefaultOrganizationId = "other";
        options.GenerationFormat = TokenFormatKind.Astra;
        options.TokenPrefix = "acme";
        GeneratedToken details = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Assert
        Assert.Equal("acme-corp", details.OrganizationId);
        Assert.Equal(TokenFormatKind.Checksummed, details.Format);
        Assert.StartsWith("tsdk_", details.Token, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_DefaultOptions_WritesChecksummedTokenWithTsdkPrefix()
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        GeneratedToken details = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Assert
        Assert.Equal(TokenFormatKind.Checksummed, details.Format);
        Assert.Matches(ChecksummedTokenFormat.Default.Pattern, details.Token);
        AssertTokenCarries(ChecksummedTokenFormat.Default, details);
    }

    [Fact]
    public void Generate_AstraGenerationFormat_WritesAstraToken()
    {
        // Arrange
        var generator = new TokenGenerator(new TokenSdkOptions { GenerationFormat = TokenFormatKind.Astra });

        // Act
        GeneratedToken details = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Assert
        Assert.Equal(TokenFormatKind.Astra, details.Format);
        Assert.Equal(97, details.Token.Length);
        Assert.Matches(AstraTokenFormat.RegexPattern, details.Token);
        AssertTokenCarries(AstraTokenFormat.Instance, details);
    }

    [Fact]
    public void Generate_CustomPrefix_WritesTokensMatchingThePatternOfThatPrefix()
    {
        // Arrange
        var options = new TokenSdkOptions { TokenPrefix = "acme" };
        options.AdditionalTokenPrefixes.Add("tsdk");
        var generator = new TokenGenerator(options);
        var format = new ChecksummedTokenFormat("acme", ["tsdk"]);

        // Act
        GeneratedToken details = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Assert
        Assert.StartsWith("acme_", details.Token, StringComparison.Ordinal);
        Assert.Matches(format.Pattern, details.Token);
        AssertTokenCarries(format, details);
    }

    [Theory]
    [InlineData(TokenFormatKind.Checksummed, TokenFormatKind.Astra)]
    [InlineData(TokenFormatKind.Astra, TokenFormatKind.Checksummed)]
    [InlineData(TokenFormatKind.Astra, TokenFormatKind.Astra)]
    public void Generate_RequestFormat_OverridesTheGenerationFormat(TokenFormatKind configured, TokenFormatKind requested)
    {
        // Arrange
        var generator = new TokenGenerator(new TokenSdkOptions { GenerationFormat = configured });

        // Act
        GeneratedToken details = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Format = requested }).Details;

        // Assert
        Assert.Equal(requested, details.Format);
        ITokenFormat format = requested == TokenFormatKind.Astra ? AstraTokenFormat.Instance : ChecksummedTokenFormat.Default;
        Assert.Matches(format.Pattern, details.Token);
        AssertTokenCarries(format, details);
    }

    [Fact]
    public void Generate_Record_HoldsNeitherTheSecretNorTheTokenHash()
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        // Assert
        AssertRecordHoldsNoSecret(issued);
    }

    [Fact]
    public void Generate_Record_HmacVerifierHoldsNeitherTheSecretNorTheTokenHash()
    {
        // Arrange
        var generator = new TokenGenerator(HmacOptions("2025-01", RandomNumberGenerator.GetBytes(32)));

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        // Assert
        AssertRecordHoldsNoSecret(issued);
    }

    [Fact]
    public void Generate_DefaultAlgorithm_VerifierIsSha256OfTheTokenHash()
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        // Assert
        byte[] t = SHA256.HashData(Encoding.UTF8.GetBytes(issued.Details.Secret));
        Assert.Equal(VerifierAlgorithm.Sha256, issued.Record.Verifier.Algorithm);
        Assert.Null(issued.Record.Verifier.KeyId);
        Assert.Equal(SHA256.HashData(t), VerifierValue(issued.Record.Verifier));
        Assert.StartsWith("v1$sha256$", issued.Record.Verifier.Encode(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_HmacAlgorithm_VerifierIsHmacOfTheTokenHashWithTheCurrentPepper()
    {
        // Arrange
        byte[] pepper = RandomNumberGenerator.GetBytes(32);
        TokenSdkOptions options = HmacOptions("2025-01", pepper);
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = "2024-01", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) });
        var generator = new TokenGenerator(options);

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));

        // Assert
        byte[] t = SHA256.HashData(Encoding.UTF8.GetBytes(issued.Details.Secret));
        Assert.Equal(VerifierAlgorithm.HmacSha256, issued.Record.Verifier.Algorithm);
        Assert.Equal("2025-01", issued.Record.Verifier.KeyId);
        Assert.Equal(HMACSHA256.HashData(pepper, t), VerifierValue(issued.Record.Verifier));
        Assert.NotEqual(SHA256.HashData(t), VerifierValue(issued.Record.Verifier));
        Assert.StartsWith("v1$hmac-sha256$2025-01$", issued.Record.Verifier.Encode(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_DebugLogging_LogsTheMaskedTokenButNoSecret()
    {
        // Arrange
        var logger = new FakeLogger<TokenGenerator>();
        var generator = new TokenGenerator(logger: logger);

        // Act
        GeneratedToken details = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Assert
        FakeLogRecord record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Contains(TokenMask.MaskToken(details.Token), record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(details.Secret, record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(details.Token, record.Message, StringComparison.Ordinal);
        Assert.All(record.StructuredState ?? [], pair => Assert.DoesNotContain(details.Secret, pair.Value ?? "", StringComparison.Ordinal));
        Assert.All(record.StructuredState ?? [], pair => Assert.NotEqual(details.Token, pair.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" acme")]
    [InlineData("-acme")]
    [InlineData("ac me")]
    [InlineData("acme/prod")]
    [InlineData("acmé")]
    [InlineData("a12345678901234567890123456789012345678901234567890123456789012345")]
    public void Generate_MalformedOrganizationId_ThrowsArgumentException(string organizationId)
    {
        // Arrange
        var generator = new TokenGenerator();
        var request = new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = organizationId };

        // Act
        void Act() => generator.Generate(request);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Contains("Organization id", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(501, "")]
    [InlineData(10, "\n")]
    [InlineData(10, "\r")]
    [InlineData(10, "\t")]
    [InlineData(10, "\0")]
    [InlineData(10, "\u001B")]
    [InlineData(10, "\u0085")]
    public void Generate_DescriptionTooLongOrWithControlCharacters_ThrowsArgumentException(int length, string control)
    {
        // Arrange
        var generator = new TokenGenerator();
        string description = new string('d', length) + control;
        var request = new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Description = description };

        // Act
        void Act() => generator.Generate(request);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Contains("description", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Description500Characters_IsAccepted()
    {
        // Arrange
        var generator = new TokenGenerator();
        string description = new('d', TokenGenerationRequest.MaxDescriptionLength);

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Description = description });

        // Assert
        Assert.Equal(description, issued.Record.Description);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-86_400_000)]
    public void Generate_ExpiryNotInTheFuture_ThrowsArgumentException(int millisecondsFromNow)
    {
        // Arrange
        var generator = new TokenGenerator(timeProvider: new FakeTimeProvider(s_now));
        var request = new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { ExpiresAt = s_now.AddMilliseconds(millisecondsFromNow) };

        // Act
        void Act() => generator.Generate(request);

        // Assert
        ArgumentException exception = Assert.Throws<ArgumentException>(Act);
        Assert.Contains("future", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ExpiryJustAfterNow_IsAccepted()
    {
        // Arrange
        var generator = new TokenGenerator(timeProvider: new FakeTimeProvider(s_now));

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { ExpiresAt = s_now.AddMilliseconds(1) });

        // Assert
        Assert.Equal(s_now.AddMilliseconds(1), issued.Record.ExpiresAt);
    }

    [Fact]
    public void Generate_UnknownFormat_ThrowsArgumentException()
    {
        // Arrange
        var generator = new TokenGenerator();
        var request = new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Format = (TokenFormatKind)42 };

        // Act
        void Act() => generator.Generate(request);

        // Assert
        Assert.Throws<ArgumentException>(Act);
    }

    [Fact]
    public void Generate_NullRequest_ThrowsArgumentNullException()
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        void Act() => generator.Generate(null!);

        // Assert
        Assert.Throws<ArgumentNullException>(Act);
    }

    [Theory]
    [InlineData("Bad-Prefix")]
    [InlineData("t")]
    [InlineData("1tsdk")]
    public void Constructor_InvalidTokenPrefix_ThrowsOptionsValidationExceptionNamingThePrefix(string prefix)
    {
        // Arrange
        var options = new TokenSdkOptions { TokenPrefix = prefix };

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains($"'{prefix}' is invalid", exception.Message, StringComparison.Ordinal);
        Assert.Contains("2 to 16 lowercase ASCII letters or digits", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidAdditionalPrefix_ThrowsOptionsValidationException()
    {
        // Arrange
        var options = new TokenSdkOptions();
        options.AdditionalTokenPrefixes.Add("Old_Prefix");

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("'Old_Prefix' is invalid", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PepperShorterThan32Bytes_ThrowsOptionsValidationExceptionGivingTheMinimum()
    {
        // Arrange
        TokenSdkOptions options = HmacOptions("2025-01", RandomNumberGenerator.GetBytes(31));

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("is 31 bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains("at least 32", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PepperNotBase64_ThrowsOptionsValidationException()
    {
        // Arrange
        var options = new TokenSdkOptions();
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = "not base64!" });

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("not base64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_HmacWithoutCurrentKeyId_ThrowsOptionsValidationExceptionAskingForIt()
    {
        // Arrange
        var options = new TokenSdkOptions();
        options.Hashing.Algorithm = VerifierAlgorithm.HmacSha256;
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("CurrentKeyId is required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CurrentKeyIdNamingNoPepper_ThrowsOptionsValidationException()
    {
        // Arrange
        TokenSdkOptions options = HmacOptions("k1", RandomNumberGenerator.GetBytes(32));
        options.Hashing.CurrentKeyId = "k2";

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("'k2' names no configured pepper", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicatePepperKeyId_ThrowsOptionsValidationException()
    {
        // Arrange
        TokenSdkOptions options = HmacOptions("k1", RandomNumberGenerator.GetBytes(32));
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("appears twice", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidDefaultOrganization_ThrowsOptionsValidationException()
    {
        // Arrange
        var options = new TokenSdkOptions { DefaultOrganizationId = "no spaces" };

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Contains("DefaultOrganizationId 'no spaces' is invalid", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralProblems_ReportsEachOfThem()
    {
        // Arrange
        var options = new TokenSdkOptions { TokenPrefix = "BAD" };
        options.Hashing.Algorithm = VerifierAlgorithm.HmacSha256;
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = "k1", Key = Convert.ToBase64String(new byte[8]) });

        // Act
        TokenGenerator Act() => new(options);

        // Assert
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(Act);
        Assert.Equal(3, exception.Failures.Count());
        Assert.Equal(typeof(TokenSdkOptions), exception.OptionsType);
    }

    private static TokenSdkOptions HmacOptions(string keyId, byte[] pepper)
    {
        var options = new TokenSdkOptions();
        options.Hashing.Algorithm = VerifierAlgorithm.HmacSha256;
        options.Hashing.CurrentKeyId = keyId;
        options.Hashing.Peppers.Add(new PepperOptions { KeyId = keyId, Key = Convert.ToBase64String(pepper) });
        return options;
    }

    private static byte[] VerifierValue(StoredVerifier verifier)
    {
        byte[] value = new byte[32];
        verifier.CopyValueTo(value);
        return value;
    }

    private static void AssertTokenCarries(ITokenFormat format, GeneratedToken details)
    {
        byte[] hash = new byte[32];
        Assert.True(format.TryParse(details.Token, out ReadOnlySpan<char> clientId, hash));
        Assert.Equal(details.ClientId, clientId.ToString());
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(details.Secret)), hash);
        Assert.Matches(new Regex("^[A-Za-z0-9]{44}$"), details.Secret);
    }

    private static void AssertRecordHoldsNoSecret(IssuedToken issued)
    {
        string secret = issued.Details.Secret;
        byte[] secretBytes = Encoding.UTF8.GetBytes(secret);
        byte[] t = SHA256.HashData(secretBytes);
        byte[] v = VerifierValue(issued.Record.Verifier);
        string[] forbidden =
        [
            secret,
            issued.Details.Token,
            Convert.ToHexStringLower(t),
            Convert.ToHexString(t),
            Base64Url.EncodeToString(t),
            Convert.ToBase64String(t),
        ];
        string encoded = issued.Record.Verifier.Encode();
        string recordText = issued.Record.ToString();
        string verifierText = issued.Record.Verifier.ToString();

        Assert.NotEqual(t, v);
        Assert.NotEqual(secretBytes[..32], v);
        Assert.False(v.AsSpan().IndexOf(t.AsSpan(0, 8)) >= 0);
        Assert.All(forbidden, f => Assert.DoesNotContain(f, encoded, StringComparison.Ordinal));
        Assert.All(forbidden, f => Assert.DoesNotContain(f, recordText, StringComparison.Ordinal));
        Assert.All(forbidden, f => Assert.DoesNotContain(f, verifierText, StringComparison.Ordinal));
        Assert.All(forbidden, f => Assert.DoesNotContain(f, issued.Record.Description ?? "", StringComparison.Ordinal));
        Assert.DoesNotContain(Base64Url.EncodeToString(v), recordText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line\u2028separator")]
    [InlineData("bidi \u202Eoverride")]
    [InlineData("isolate \u2066x\u2069")]
    [InlineData("tab\tinside")]
    public void Generate_DescriptionWithUnsafeText_Throws(string description)
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Description = description }));

        // Assert
        Assert.Contains("description", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Generate_DescriptionWithLoneSurrogate_Throws()
    {
        // Arrange
        var generator = new TokenGenerator();
        string description = "before " + '\ud83d' + " after";

        // Act + Assert
        Assert.Throws<ArgumentException>(() =>
            generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Description = description }));
    }

    [Fact]
    public void Generate_DescriptionWithEmoji_IsKept()
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Description = "orders 🚀 service" });

        // Assert
        Assert.Equal("orders 🚀 service", issued.Record.Description);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad\nname")]
    public void Generate_InvalidCreatedBy_Throws(string createdBy)
    {
        // Arrange
        var generator = new TokenGenerator();

        // Act
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { CreatedBy = createdBy }));

        // Assert
        Assert.Contains("CreatedBy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_SeveralRoles_RecordAndDetailsHoldThemAll()
    {
        IssuedToken issued = new TokenGenerator().Generate(
            new TokenGenerationRequest([DefaultRoles.BillingAdministrator, DefaultRoles.ReadOnlyUser]));

        Assert.Equal(["billing-administrator", "read-only-user"], issued.Record.RoleIds);
        Assert.Equal(["billing-administrator", "read-only-user"], issued.Details.RoleIds);
        Assert.Equal(["Billing Administrator", "Read Only User"], issued.Details.RoleNames);
    }

    [Fact]
    public void TokenGenerationRequest_BadRoleList_Throws()
    {
        Role twin = new("read-only-USER", "Twin", [Permissions.DbCql]);

        Assert.Throws<ArgumentNullException>(() => new TokenGenerationRequest((IEnumerable<Role>)null!));
        Assert.Contains("0 were given", Assert.Throws<ArgumentException>(() => new TokenGenerationRequest(Array.Empty<Role>())).Message, StringComparison.Ordinal);
        Assert.Contains("null", Assert.Throws<ArgumentException>(() => new TokenGenerationRequest([DefaultRoles.ReadOnlyUser, null!])).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new TokenGenerationRequest([DefaultRoles.ReadOnlyUser, twin])).Message, StringComparison.Ordinal);
        Assert.Equal([DefaultRoles.ReadOnlyUser], new TokenGenerationRequest([DefaultRoles.ReadOnlyUser]).Roles);
    }
}
