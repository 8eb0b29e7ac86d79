using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Testing;
using TokenSdk.Verification;

namespace TokenSdk.Tests.Management;

public class TokenManagerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OriginalFlow_PickRoleGenerateExportVerifyListDelete_WorksEndToEnd()
    {
        // Arrange: Settings > Tokens, as an Organization Administrator of acme.
        using var fixture = new ManagementFixture();
        var alice = new TokenCaller("alice", "acme", [DefaultRoles.OrganizationAdministrator]);
        IReadOnlyList<Role> offered = fixture.Roles.GetRoles();
        Role picked = Assert.Single(offered, r => r.Name == "Read/Write User");

        // Act 1: "Select a role to see its permissions", then "Generate Token".
        IReadOnlySet<string> shownPermissions = picked.Permissions;
        ManagementResult<GeneratedToken> generated = await fixture.Manager.GenerateAsync(
            alice, picked.Name, new TokenGenerateOptions { Description = "orders service" }, Ct);

        // Assert 1: the Token Details dialog.
        Assert.Equal(DefaultRoles.All.Count, offered.Count);
        Assert.Contains(Permissions.DbTableModify, shownPermissions);
        Assert.DoesNotContain(Permissions.OrgTokenWrite, shownPermissions);
        Assert.True(generated.Succeeded, generated.ToString());
        GeneratedToken details = generated.Value!;
        Assert.Matches("^[A-Za-z]{24}$", details.ClientId);
        Assert.Matches("^[A-Za-z0-9]{44}$", details.Secret);
        Assert.StartsWith("tsdk_" + details.ClientId + "_", details.Token, StringComparison.Ordinal);
        Assert.Contains(ManagementFixture.HexOfT(details), details.Token, StringComparison.Ordinal);
        Assert.Equal(picked.Id, details.RoleId);
        Assert.Equal("Read/Write User", details.RoleName);
        Assert.Equal("acme", details.OrganizationId);
        Assert.Equal(ManagementFixture.Start, details.GeneratedOn);
        Assert.Equal("orders service", details.Description);
        Assert.Null(details.ExpiresAt);

        // Act 2: download the details as GeneratedToken.csv and as JSON, and read both back.
        IReadOnlyList<string[]> csv = ParseCsv(details.ToCsv());
        using JsonDocument json = JsonDocument.Parse(details.ToJson());
        JsonElement root = json.RootElement;

        // Assert 2
        Assert.Equal(2, csv.Count);
        Assert.Equal(["Client Id", "Client Secret", "Role", "Token"], csv[0]);
        Assert.Equal([details.ClientId, details.Secret, "Read/Write User", details.Token], csv[1]);
        Assert.Equal(
            ["clientId", "secret", "orgId", "roles", "token", "generatedOn"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(details.ClientId, root.GetProperty("clientId").GetString());
        Assert.Equal(details.Secret, root.GetProperty("secret").GetString());
        Assert.Equal("acme", root.GetProperty("orgId").GetString());
        Assert.Equal([picked.Id], root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(details.Token, root.GetProperty("token").GetString());
        Assert.Equal(ManagementFixture.Start, DateTimeOffset.Parse(root.GetProperty("generatedOn").GetString()!, CultureInfo.InvariantCulture));

        // Act 3: the application presents the token; the portal lists and reads it.
        TokenVerificationResult verified = await fixture.VerifyAsync(details.Token);
        TokenVerificationResult verifiedPair = await fixture.Verifier.VerifyClientSecretAsync(details.ClientId, details.Secret, Ct);
        TokenPage listed = (await fixture.Manager.ListAsync(alice, cancellationToken: Ct)).GetValueOrThrow();
        TokenInfo read = (await fixture.Manager.GetAsync(alice, details.ClientId, Ct)).GetValueOrThrow();

        // Assert 3: it works with its role and organization; listings show metadata and no secret.
        Assert.Equal(VerificationStatus.Valid, verified.Status);
        Assert.Same(DefaultRoles.ReadWriteUser, Assert.Single(verified.Roles));
        Assert.Equal("acme", verified.OrganizationId);
        Assert.Equal(details.ClientId, verified.ClientId);
        Assert.True(verifiedPair.IsValid);
        TokenInfo info = Assert.Single(listed.Tokens);
        Assert.Null(listed.NextAfter);
        AssertMetadata(details, info, createdBy: "alice");
        AssertMetadata(details, read, createdBy: "alice");
        AssertHoldsNoSecret(info, details);
        AssertHoldsNoSecret(read, details);

        // Act 4: Manage Existing Tokens > Delete.
        ManagementResult deleted = await fixture.Manager.DeleteAsync(alice, details.ClientId, DeletionReason.Compromised, Ct);
        TokenVerificationResult afterDelete = await fixture.VerifyAsync(details.Token);
        TokenVerificationResult pairAfterDelete = await fixture.Verifier.VerifyClientSecretAsync(details.ClientId, details.Secret, Ct);
        TokenPage listedAfter = (await fixture.Manager.ListAsync(alice, cancellationToken: Ct)).GetValueOrThrow();
        ManagementResult<TokenInfo> readAfter = await fixture.Manager.GetAsync(alice, details.ClientId, Ct);

        // Assert 4: gone at once, everywhere.
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.Same(ManagementResult.Success, deleted);
        Assert.Equal(VerificationStatus.UnknownClient, afterDelete.Status);
        Assert.Equal(VerificationStatus.UnknownClient, pairAfterDelete.Status);
        Assert.Empty(listedAfter.Tokens);
        Assert.Equal(ManagementStatus.NotFound, readAfter.Status);
        Assert.Null(readAfter.Value);
        Assert.Null(await fixture.MemoryStore.FindAsync(details.ClientId, Ct));
    }

    [Fact]
    public async Task GenerateAsync_RoleNameWithQuotesAndCommas_ExportsParseBackExactly()
    {
        var quoted = new Role("west-team", "West \"Orders\", EU; \"quoted\"", [Permissions.DbTableSelect]);
        using var fixture = new ManagementFixture(customRoles: [quoted]);

        GeneratedToken details = await fixture.GenerateAsync(quoted);
        IReadOnlyList<string[]> csv = ParseCsv(details.ToCsv());
        using JsonDocument json = JsonDocument.Parse(details.ToJson(indented: true));

        Assert.Equal([details.ClientId, details.Secret, quoted.Name, details.Token], csv[1]);
        Assert.Contains("\"West \"\"Orders\"\", EU; \"\"quoted\"\"\"", details.ToCsv(), StringComparison.Ordinal);
        Assert.Equal("west-team", json.RootElement.GetProperty("roles")[0].GetString());
    }

    [Theory]
    [InlineData(TokenFormatKind.Checksummed, "tsdk_")]
    [InlineData(TokenFormatKind.Astra, "AstraCS:")]
    public async Task GenerateAsync_Format_IssuesThatFormatAndItVerifies(TokenFormatKind format, string prefix)
    {
        using var fixture = new ManagementFixture();

        GeneratedToken details = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions { Format = format });

        Assert.Equal(format, details.Format);
        Assert.StartsWith(prefix + details.ClientId, details.Token, StringComparison.Ordinal);
        Assert.True((await fixture.VerifyAsync(details.Token)).IsValid);
    }

    [Fact]
    public async Task GenerateAsync_RoleById_AcceptsIdAsWellAsName()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> byId = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), "read-only-user", cancellationToken: Ct);
        ManagementResult<GeneratedToken> byName = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), "read only user", cancellationToken: Ct);

        Assert.Equal("read-only-user", byId.GetValueOrThrow().RoleId);
        Assert.Equal("read-only-user", byName.GetValueOrThrow().RoleId);
    }

    [Fact]
    public async Task GenerateAsync_UnknownRole_IsRoleNotFoundAndStoresNothing()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), "Chief Token Officer", cancellationToken: Ct);

        Assert.Equal(ManagementStatus.RoleNotFound, result.Status);
        Assert.Contains("Chief Token Officer", result.Message, StringComparison.Ordinal);
        Assert.Null(result.Value);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("bidi \u202E override")]
    public async Task GenerateAsync_UnsafeDescription_IsInvalidRequestAndStoresNothing(string description)
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { Description = description }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.DoesNotContain("(Parameter", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task GenerateAsync_TooLongDescription_IsInvalidRequest()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<GeneratedToken> result = await fixture.Manager.GenerateAsync(
            ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id,
            new TokenGenerateOptions { Description = new string('d', TokenGenerationRequest.MaxDescriptionLength + 1) }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    [Fact]
    public async Task ManagementOperations_CallerFromVerifiedAdministratorToken_CanManageTokens()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken adminToken = await fixture.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        TokenVerificationResult verified = await fixture.VerifyAsync(adminToken.Token);
        TokenCaller tokenCaller = TokenCaller.FromVerification(verified);

        ManagementResult<GeneratedToken> generated = await fixture.Manager.GenerateAsync(tokenCaller, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);
        ManagementResult<TokenPage> listed = await fixture.Manager.ListAsync(tokenCaller, cancellationToken: Ct);
        ManagementResult<GeneratedToken> rotated = await fixture.Manager.RotateAsync(tokenCaller, generated.Value!.ClientId, cancellationToken: Ct);
        ManagementResult deleted = await fixture.Manager.DeleteAsync(tokenCaller, rotated.Value!.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Assert.Equal(adminToken.ClientId, tokenCaller.Id);
        Assert.Equal("acme", tokenCaller.OrganizationId);
        Assert.True(generated.Succeeded, generated.ToString());
        Assert.Equal("acme", generated.Value.OrganizationId);
        Assert.Equal(2, listed.GetValueOrThrow().Tokens.Count);
        Assert.Equal(adminToken.ClientId, Assert.Single(listed.Value!.Tokens, t => t.ClientId == generated.Value.ClientId).CreatedBy);
        Assert.True(rotated.Succeeded, rotated.ToString());
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.Contains(fixture.Audit.Events, e => e.Kind == TokenAuditEventKind.Deleted && e.ActorId == adminToken.ClientId);
    }

    [Fact]
    public async Task ManagementOperations_CallerFromVerifiedReadOnlyToken_IsDenied()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken readOnly = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken other = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        TokenCaller tokenCaller = TokenCaller.FromVerification(await fixture.VerifyAsync(readOnly.Token));
        string before = await fixture.SnapshotAsync();

        ManagementResult<GeneratedToken> generated = await fixture.Manager.GenerateAsync(tokenCaller, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);
        ManagementResult<TokenPage> listed = await fixture.Manager.ListAsync(tokenCaller, cancellationToken: Ct);
        ManagementResult deleted = await fixture.Manager.DeleteAsync(tokenCaller, other.ClientId, DeletionReason.Compromised, Ct);

        Assert.Equal(ManagementStatus.PermissionDenied, generated.Status);
        Assert.Equal(Permissions.OrgTokenWrite, generated.MissingPermission);
        Assert.Equal(ManagementStatus.PermissionDenied, listed.Status);
        Assert.Equal(Permissions.OrgTokenRead, listed.MissingPermission);
        Assert.Equal(ManagementStatus.PermissionDenied, deleted.Status);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.All(fixture.Audit.OfKind(TokenAuditEventKind.Denied), e => Assert.Equal(readOnly.ClientId, e.ActorId));
    }

    [Fact]
    public async Task FromVerification_DeletedToken_CannotActAsCaller()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), token.ClientId, DeletionReason.Compromised, Ct)).ThrowIfFailed();
        TokenVerificationResult result = await fixture.VerifyAsync(token.Token);

        ArgumentException error = Assert.Throws<ArgumentException>(() => TokenCaller.FromVerification(result));

        Assert.Contains(nameof(VerificationStatus.UnknownClient), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_ExistingToken_ReturnsMetadata()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken details = await fixture.GenerateAsync(
            DefaultRoles.DatabaseAdministrator, ManagementFixture.Admin(id: "bob"), new TokenGenerateOptions { Description = "ci pipeline" });

        ManagementResult<TokenInfo> result = await fixture.Manager.GetAsync(ManagementFixture.Admin(), details.ClientId, Ct);

        TokenInfo info = result.GetValueOrThrow();
        AssertMetadata(details, info, createdBy: "bob");
        Assert.Equal("Database Administrator", info.RoleName);
        Assert.Equal($"{details.ClientId} (Database Administrator)", info.ToString());
    }

    [Theory]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWX")]
    [InlineData("")]
    [InlineData("not a client id")]
    public async Task GetAsync_UnknownOrMalformedClientId_IsNotFound(string clientId)
    {
        using var fixture = new ManagementFixture();
        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult<TokenInfo> result = await fixture.Manager.GetAsync(ManagementFixture.Admin(), clientId, Ct);

        Assert.Equal(ManagementStatus.NotFound, result.Status);
        Assert.Null(result.Value);
        Assert.Null(result.MissingPermission);
    }

    [Fact]
    public async Task ListAsync_250TokensInPagesOf100_ReturnsEveryTokenOnceInClientIdOrder()
    {
        using var fixture = new ManagementFixture();
        TokenCaller admin = ManagementFixture.Admin();
        var issued = new List<string>();
        for (int i = 0; i < 250; i++)
        {
            issued.Add((await fixture.GenerateAsync(i % 2 == 0 ? DefaultRoles.ReadOnlyUser : DefaultRoles.ReadWriteUser)).ClientId);
        }

        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, ManagementFixture.Admin("globex"));

        var pages = new List<TokenPage>();
        string? after = null;
        do
        {
            TokenPage page = (await fixture.Manager.ListAsync(admin, new TokenListOptions { Limit = 100, After = after }, Ct)).GetValueOrThrow();
            pages.Add(page);
            after = page.NextAfter;
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([100, 100, 50], pages.Select(p => p.Tokens.Count));
        Assert.Null(pages[^1].NextAfter);
        Assert.Equal(pages[0].Tokens[^1].ClientId, pages[0].NextAfter);
        List<string> listed = [.. pages.SelectMany(p => p.Tokens).Select(t => t.ClientId)];
        Assert.Equal(issued.Order(StringComparer.Ordinal), listed);
        Assert.All(pages.SelectMany(p => p.Tokens), t => Assert.Equal("acme", t.OrganizationId));
    }

    [Fact]
    public async Task ListAsync_RoleFilterAcrossPages_ReturnsOnlyThatRoleOnce()
    {
        using var fixture = new ManagementFixture();
        TokenCaller admin = ManagementFixture.Admin();
        var readWrite = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            GeneratedToken token = await fixture.GenerateAsync(i % 7 == 0 ? DefaultRoles.ReadWriteUser : DefaultRoles.ReadOnlyUser);
            if (token.RoleId == DefaultRoles.ReadWriteUser.Id)
            {
                readWrite.Add(token.ClientId);
            }
        }

        var listed = new List<TokenInfo>();
        string? after = null;
        int pages = 0;
        do
        {
            TokenPage page = (await fixture.Manager.ListAsync(
                admin, new TokenListOptions { Limit = 3, After = after, RoleId = DefaultRoles.ReadWriteUser.Id }, Ct)).GetValueOrThrow();
            listed.AddRange(page.Tokens);
            after = page.NextAfter;
            pages++;
        }
        while (after is not null && pages < 20);

        Assert.Equal(9, readWrite.Count);
        Assert.Equal(readWrite.Order(StringComparer.Ordinal), listed.Select(t => t.ClientId));
        Assert.All(listed, t => Assert.Equal(DefaultRoles.ReadWriteUser.Id, t.RoleId));
    }

    [Fact]
    public async Task ListAsync_RoleFilterInOtherCase_ListsThatRole()
    {
        using var fixture = new ManagementFixture();
        GeneratedToken readWrite = await fixture.GenerateAsync(DefaultRoles.ReadWriteUser);
        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        TokenPage page = (await fixture.Manager.ListAsync(
            ManagementFixture.Admin(), new TokenListOptions { RoleId = "READ-WRITE-USER" }, Ct)).GetValueOrThrow();

        Assert.Equal([readWrite.ClientId], page.Tokens.Select(t => t.ClientId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(TokenListQuery.MaxLimit + 1)]
    public async Task ListAsync_LimitOutOfRange_IsInvalidRequest(int limit)
    {
        using var fixture = new ManagementFixture();
        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult<TokenPage> result = await fixture.Manager.ListAsync(ManagementFixture.Admin(), new TokenListOptions { Limit = limit }, Ct);

        Assert.Equal(ManagementStatus.InvalidRequest, result.Status);
        Assert.Contains(TokenListQuery.MaxLimit.ToString(CultureInfo.InvariantCulture), result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(TokenListQuery.MaxLimit)]
    public async Task ListAsync_LimitAtBounds_Succeeds(int limit)
    {
        using var fixture = new ManagementFixture();
        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        ManagementResult<TokenPage> result = await fixture.Manager.ListAsync(ManagementFixture.Admin(), new TokenListOptions { Limit = limit }, Ct);

        Assert.Equal(Math.Min(limit, 2), result.GetValueOrThrow().Tokens.Count);
    }

    [Fact]
    public async Task DeleteAsync_EightConcurrentDeletesOfOneToken_ExactlyOneSucceedsEveryTime()
    {
        using var fixture = new ManagementFixture();
        TokenCaller admin = ManagementFixture.Admin();
        const int Callers = 8;

        for (int round = 0; round < 30; round++)
        {
            GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

            ManagementResult[] results = await Racers.RunAsync(
                Callers,
                _ => fixture.Manager.DeleteAsync(admin, token.ClientId, DeletionReason.NoLongerNeeded, Ct),
                Ct);

            Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ManagementStatus.NotFound, r.Status));
            Assert.Single(fixture.Audit.OfKind(TokenAuditEventKind.Deleted), e => e.ClientId == token.ClientId);
            Assert.Equal(VerificationStatus.UnknownClient, (await fixture.VerifyAsync(token.Token)).Status);
        }

        Assert.Equal(0, fixture.MemoryStore.Count);
    }

    private static void AssertMetadata(GeneratedToken details, TokenInfo info, string createdBy)
    {
        Assert.Equal(details.ClientId, info.ClientId);
        Assert.Equal(details.OrganizationId, info.OrganizationId);
        Assert.Equal(details.RoleId, info.RoleId);
        Assert.Equal(details.RoleName, info.RoleName);
        Assert.Equal(details.GeneratedOn, info.GeneratedOn);
        Assert.Equal(details.Description, info.Description);
        Assert.Equal(createdBy, info.CreatedBy);
        Assert.Equal(details.ExpiresAt, info.ExpiresAt);
    }

    private static void AssertHoldsNoSecret(TokenInfo info, GeneratedToken details)
    {
        string[] forbiddenNames = ["Secret", "Token", "Verifier", "Hash"];
        PropertyInfo[] properties = typeof(TokenInfo).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.DoesNotContain(properties, p => forbiddenNames.Any(n => p.Name.Contains(n, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(
            typeof(TokenInfo).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance),
            f => f.FieldType == typeof(StoredToken) || f.FieldType == typeof(StoredVerifier) || f.FieldType == typeof(byte[]));

        string hexOfT = ManagementFixture.HexOfT(details);
        IEnumerable<string> shown = properties.Select(p => Convert.ToString(p.GetValue(info), CultureInfo.InvariantCulture) ?? "").Append(info.ToString());
        foreach (string text in shown)
        {
            Assert.DoesNotContain(details.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(details.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(hexOfT[..16], text, StringComparison.Ordinal);
        }
    }

    /// <summary>An RFC 4180 reader: quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF rows.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                Assert.True(field.Length == 0, "A quote may only open a field.");
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                Assert.True(c is not ('\r' or '\n'), "Rows must end with CRLF.");
                field.Append(c);
            }
        }

        Assert.False(quoted, "A quoted field is not closed.");
        Assert.True(row.Count == 0 && field.Length == 0, "The last row must end with CRLF.");
        return rows;
    }
}
