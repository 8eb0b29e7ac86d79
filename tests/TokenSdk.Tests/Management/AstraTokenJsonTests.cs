using System.Text;
using System.Text.Json;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Management;

public sealed class AstraTokenJsonTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteTokenList_TokensWithAndWithoutDescriptionAndExpiry_WritesTheAstraListShape()
    {
        // Arrange
        var options = new TokenSdkOptions();
        options.Management.AllowExpiry = true;
        using var fixture = new ManagementFixture(options);
        GeneratedToken plain = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, options: new TokenGenerateOptions());
        GeneratedToken expiring = await fixture.GenerateAsync(DefaultRoles.DatabaseAdministrator, options: new TokenGenerateOptions
        {
            Description = "nightly \"export\"",
            ExpiresAt = new DateTimeOffset(2099, 1, 31, 12, 0, 0, TimeSpan.FromHours(2)),
        });
        IReadOnlyList<TokenInfo> tokens = (await fixture.Manager.ListAllAsync(ManagementFixture.Admin(), Ct)).GetValueOrThrow();
        TokenInfo plainInfo = tokens.Single(t => t.ClientId == plain.ClientId);

        // Act
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            AstraTokenJson.WriteTokenList(writer, [plainInfo, tokens.Single(t => t.ClientId == expiring.ClientId)]);
        }

        // Assert
        using JsonDocument json = JsonDocument.Parse(buffer.ToArray());
        JsonElement[] clients = [.. json.RootElement.GetProperty("clients").EnumerateArray()];
        Assert.Equal(2, clients.Length);
        Assert.Equal("", clients[0].GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, clients[0].GetProperty("tokenExpiry").ValueKind);
        Assert.Equal(AstraTokenJson.FormatInstant(plain.GeneratedOn), clients[0].GetProperty("generatedOn").GetString());
        Assert.Equal("nightly \"export\"", clients[1].GetProperty("description").GetString());
        Assert.Equal("2099-01-31T10:00:00.000Z", clients[1].GetProperty("tokenExpiry").GetString());
        Assert.Equal(DefaultRoles.DatabaseAdministrator.Id, Assert.Single(clients[1].GetProperty("roles").EnumerateArray()).GetString());
        Assert.DoesNotContain(expiring.Secret, Encoding.UTF8.GetString(buffer.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteTokenList_TokenOfSeveralRoles_ListsEveryRoleIdInOrder()
    {
        // Arrange
        using var fixture = new ManagementFixture(new TokenSdkOptions());
        string[] roleIds = [DefaultRoles.DatabaseAdministrator.Id, DefaultRoles.BillingAdministrator.Id];
        (await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), roleIds, cancellationToken: Ct)).GetValueOrThrow();
        IReadOnlyList<TokenInfo> tokens = (await fixture.Manager.ListAllAsync(ManagementFixture.Admin(), Ct)).GetValueOrThrow();

        // Act
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            AstraTokenJson.WriteTokenList(writer, tokens);
        }

        // Assert
        using JsonDocument json = JsonDocument.Parse(buffer.ToArray());
        JsonElement client = Assert.Single(json.RootElement.GetProperty("clients").EnumerateArray());
        Assert.Equal(roleIds, client.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void FormatInstant_AnyOffset_IsUtcWithMillisecondsAndZ()
    {
        string text = AstraTokenJson.FormatInstant(new DateTimeOffset(2026, 11, 28, 6, 23, 39, 641, TimeSpan.FromHours(2)));

        Assert.Equal("2026-11-28T04:23:39.641Z", text);
    }
}
