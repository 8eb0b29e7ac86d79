using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Credentials;

public class GeneratedTokenTests
{
    private const string CsvHeader = "Client Id,Client Secret,Role,Token";

    [Theory]
    [InlineData(TokenFormatKind.Checksummed)]
    [InlineData(TokenFormatKind.Astra)]
    public void ToString_GeneratedToken_ContainsNeitherSecretNorTokenNorHashPart(TokenFormatKind format)
    {
        // Arrange
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { Format = format });
        GeneratedToken details = issued.Details;
        string hashHex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(details.Secret)));

        // Act
        string text = details.ToString();
        string issuedText = issued.ToString();

        // Assert
        Assert.Contains(hashHex, details.Token, StringComparison.Ordinal);
        Assert.DoesNotContain(details.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(details.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(hashHex, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(hashHex[..16], text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(TokenMask.MaskToken(details.Token), text, StringComparison.Ordinal);
        Assert.Contains(details.ClientId, text, StringComparison.Ordinal);
        Assert.Contains(details.RoleName, text, StringComparison.Ordinal);
        Assert.Equal(text, issuedText);
    }

    [Fact]
    public void ToCsv_GeneratedToken_HasHeaderThenOneFullyQuotedRowThatParsesBack()
    {
        // Arrange
        GeneratedToken details = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Act
        string csv = details.ToCsv();

        // Assert
        string[] lines = csv.Split("\r\n");
        Assert.Equal([CsvHeader, $"\"{details.ClientId}\",\"{details.Secret}\",\"{details.RoleName}\",\"{details.Token}\"", ""], lines);
        List<string[]> rows = ParseCsv(csv);
        Assert.Equal(2, rows.Count);
        Assert.Equal(["Client Id", "Client Secret", "Role", "Token"], rows[0]);
        Assert.Equal([details.ClientId, details.Secret, "Read Only User", details.Token], rows[1]);
    }

    [Fact]
    public void ToCsv_RoleNameWithQuoteAndComma_ParsesBackExactly()
    {
        // Arrange: a real custom role, generated end to end.
        var role = new Role("quoted", "Reader \"Ops\", EU", [Permissions.OrgRead]);
        GeneratedToken details = new TokenGenerator().Generate(new TokenGenerationRequest(role)).Details;

        // Act
        List<string[]> rows = ParseCsv(details.ToCsv());

        // Assert
        Assert.Equal(2, rows.Count);
        Assert.Equal([details.ClientId, details.Secret, "Reader \"Ops\", EU", details.Token], rows[1]);
    }

    [Theory]
    [InlineData("Say \"hi\"")]
    [InlineData("a,b")]
    [InlineData("\"")]
    [InlineData("\"\"")]
    [InlineData(",")]
    [InlineData("line one\r\nline two")]
    [InlineData("line one\nline two")]
    [InlineData("\r\n")]
    [InlineData("all of it: \"quoted\", comma,\r\nnew line \n and \"\" more")]
    [InlineData("")]
    public void ToCsv_OddRoleName_ParsesBackExactly(string roleName)
    {
        // Arrange
        GeneratedToken details = Create(roleName: roleName);

        // Act
        string csv = details.ToCsv();
        List<string[]> rows = ParseCsv(csv);

        // Assert
        Assert.StartsWith(CsvHeader + "\r\n", csv, StringComparison.Ordinal);
        Assert.EndsWith("\"\r\n", csv, StringComparison.Ordinal);
        Assert.Equal(2, rows.Count);
        Assert.Equal([details.ClientId, details.Secret, roleName, details.Token], rows[1]);
    }

    [Fact]
    public void ToJson_GeneratedToken_HasExactlyTheAstraFields()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 7, 8, 9, 10, 123, TimeSpan.Zero));
        GeneratedToken details = new TokenGenerator(timeProvider: time)
            .Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = "acme" }).Details;

        // Act
        string json = details.ToJson();

        // Assert
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        Assert.Equal(
            ["clientId", "generatedOn", "orgId", "roles", "secret", "token"],
            root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(details.ClientId, root.GetProperty("clientId").GetString());
        Assert.Equal(details.Secret, root.GetProperty("secret").GetString());
        Assert.Equal("acme", root.GetProperty("orgId").GetString());
        Assert.Equal(["read-only-user"], root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(details.Token, root.GetProperty("token").GetString());
        Assert.Equal("2025-06-07T08:09:10.123Z", root.GetProperty("generatedOn").GetString());
    }

    [Fact]
    public void ToJson_GeneratedOnWithOffset_WritesIso8601UtcEndingInZ()
    {
        // Arrange: 07:06:07.089 at +02:00 is 05:06:07.089 UTC.
        var generatedOn = new DateTimeOffset(2025, 3, 4, 7, 6, 7, 89, TimeSpan.FromHours(2));
        GeneratedToken details = Create(generatedOn: generatedOn);

        // Act
        using JsonDocument document = JsonDocument.Parse(details.ToJson());
        string? text = document.RootElement.GetProperty("generatedOn").GetString();

        // Assert
        Assert.Equal("2025-03-04T05:06:07.089Z", text);
        DateTimeOffset parsed = DateTimeOffset.Parse(text!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
        Assert.Equal(generatedOn, parsed);
    }

    [Fact]
    public void ToJson_Indented_HasTheSameContentOnSeveralLines()
    {
        // Arrange
        GeneratedToken details = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser)).Details;

        // Act
        string compact = details.ToJson();
        string indented = details.ToJson(indented: true);

        // Assert
        Assert.DoesNotContain('\n', compact);
        Assert.Contains('\n', indented);
        using JsonDocument a = JsonDocument.Parse(compact);
        using JsonDocument b = JsonDocument.Parse(indented);
        Assert.True(JsonElement.DeepEquals(a.RootElement, b.RootElement));
    }

    [Fact]
    public void ToJson_CharactersThatNeedEscaping_ParseBackExactly()
    {
        // Arrange
        const string odd = "q\"uote \\ back\nslash </script> & 'é' \U0001F600";
        GeneratedToken details = Create(roleId: odd, organizationId: odd);

        // Act
        using JsonDocument document = JsonDocument.Parse(details.ToJson());

        // Assert
        Assert.Equal(odd, document.RootElement.GetProperty("orgId").GetString());
        Assert.Equal(odd, document.RootElement.GetProperty("roles")[0].GetString());
    }

    [Fact]
    public async Task SaveCsvAsync_NewFile_WritesTheCsvOwnerOnlyWithoutByteOrderMark()
    {
        using var directory = new TestSupport.TemporaryDirectory();
        GeneratedToken details = Create();
        string path = directory.Combine(GeneratedToken.CsvFileName);

        await details.SaveCsvAsync(path, TestContext.Current.CancellationToken);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(Encoding.UTF8.GetBytes(details.ToCsv()), bytes);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task SaveJsonAsync_FileExists_ThrowsAndLeavesItAsItWas()
    {
        using var directory = new TestSupport.TemporaryDirectory();
        string path = directory.Combine("details.json");
        File.WriteAllText(path, "keep me");

        await Assert.ThrowsAsync<IOException>(() => Create().SaveJsonAsync(path, TestContext.Current.CancellationToken));

        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public async Task SaveJsonAsync_NewFile_WritesIndentedJsonWithoutByteOrderMark()
    {
        using var directory = new TestSupport.TemporaryDirectory();
        GeneratedToken details = Create();
        string path = directory.Combine("details.json");

        await details.SaveJsonAsync(path, TestContext.Current.CancellationToken);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]);
        using JsonDocument json = JsonDocument.Parse(bytes);
        Assert.Equal(details.Token, json.RootElement.GetProperty("token").GetString());
    }

    private static GeneratedToken Create(
        string roleId = "read-only-user",
        string roleName = "Read Only User",
        string organizationId = "default",
        DateTimeOffset? generatedOn = null)
    {
        const string clientId = "IFmJlTkNvptFzTDEQpQIEJud";
        const string secret = "pQ3xZ9kLm2Nv8RtY5wB7cD1eF4gH6jK0sU2vX3yA5bC7";
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return new GeneratedToken(
            clientId, secret, ChecksummedTokenFormat.Default.Format(clientId, hash), [roleId], [roleName], organizationId,
            generatedOn ?? new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), null, null, TokenFormatKind.Checksummed);
    }

    /// <summary>A strict RFC 4180 reader: CRLF records, optional quotes, <c>""</c> for a quote inside quotes.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        List<string[]> records = [];
        List<string> fields = [];
        var field = new StringBuilder();
        bool inQuotes = false;
        bool wasQuoted = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c != '"')
                {
                    field.Append(c);
                    i++;
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                }
                else
                {
                    inQuotes = false;
                    i++;
                }

                continue;
            }

            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
                i++;
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                records.Add([.. fields]);
                fields.Clear();
                field.Clear();
                wasQuoted = false;
                i += 2;
            }
            else if (c == '"' && field.Length == 0 && !wasQuoted)
            {
                inQuotes = true;
                wasQuoted = true;
                i++;
            }
            else if (wasQuoted || c is '"' or '\r' or '\n')
            {
                throw new FormatException($"Not RFC 4180: unexpected '{c}' at {i}.");
            }
            else
            {
                field.Append(c);
                i++;
            }
        }

        if (inQuotes)
        {
            throw new FormatException("Not RFC 4180: unterminated quoted field.");
        }

        if (field.Length > 0 || fields.Count > 0 || wasQuoted)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }
}
