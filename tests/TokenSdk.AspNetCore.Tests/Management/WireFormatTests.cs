using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TokenSdk.AspNetCore.Management;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// The typed responses (ManagementContracts.cs, written with ManagementJsonContext) are byte for byte what the core's
/// Astra writers produce (<see cref="AstraTokenJson"/>, <see cref="GeneratedToken.ToJson"/>), escaping included, and the
/// error body keeps its member order.
/// </summary>
public sealed class WireFormatTests
{
    private const string Awkward = "<b>Tom & Jerry's \"token\"</b> + é 😀";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenList_IsWhatAstraTokenJsonWrites()
    {
        // Arrange
        await using TestApp app = await TestApp.StartAsync();
        ManagementResult<GeneratedToken> generated = await app.Manager.GenerateAsync(TestApp.Admin, [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id],
            new TokenGenerateOptions { Description = Awkward }, Ct);
        Assert.True(generated.Succeeded, generated.Message);
        await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        IReadOnlyList<TokenInfo> tokens = (await app.Manager.ListAllAsync(TestApp.Admin, Ct)).Value!;

        // Act
        var response = new TokenListResponse { Clients = [.. tokens.Select(AstraRoleJson.ToListEntry)] };
        string typed = JsonSerializer.Serialize(response, ManagementJsonContext.Default.TokenListResponse);

        // Assert
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            AstraTokenJson.WriteTokenList(writer, tokens);
        }

        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), typed);
        Assert.Contains("\"tokenExpiry\":null", typed, StringComparison.Ordinal);
        Assert.Contains("\\u003Cb\\u003ETom \\u0026 Jerry", typed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedToken_IsWhatToJsonWrites()
    {
        // Arrange
        await using TestApp app = await TestApp.StartAsync();
        ManagementResult<GeneratedToken> generated = await app.Manager.GenerateAsync(TestApp.Admin, [DefaultRoles.ReadOnlyUser.Id, DefaultRoles.BillingAdministrator.Id],
            new TokenGenerateOptions { Description = Awkward }, Ct);
        Assert.True(generated.Succeeded, generated.Message);
        GeneratedToken token = generated.Value!;

        // Act
        string typed = JsonSerializer.Serialize(AstraRoleJson.ToResponse(token), ManagementJsonContext.Default.GeneratedTokenResponse);

        // Assert
        Assert.Equal(token.ToJson(), typed);
    }

    [Theory]
    [InlineData(null, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Role in use","status":409,"detail":"d \u003C\u0027\u002B","traceId":"t","errors":[{"ID":40902,"message":"d \u003C\u0027\u002B"}]}""")]
    [InlineData(2, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Role in use","status":409,"detail":"d \u003C\u0027\u002B","traceId":"t","tokenCount":2,"errors":[{"ID":40902,"message":"d \u003C\u0027\u002B"}]}""")]
    public async Task Problem_KeepsItsMembersAndTheirOrder(int? tokenCount, string expected)
    {
        // Arrange
        var context = new DefaultHttpContext { TraceIdentifier = "t" };
        context.Response.Body = new MemoryStream();

        // Act
        await ManagementProblem.WriteAsync(context, ManagementError.RoleInUse, "d <'+", tokenCount);

        // Assert
        Assert.Equal(409, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(expected, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }
}
