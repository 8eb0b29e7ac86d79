using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authentication;

/// <summary>
/// Failures anyone can cause at will (a bad token, no token, a token without the permission) must not write one
/// Information line per request under a TokenSdk category, including the lines of ASP.NET Core's
/// <c>AuthenticationHandler</c> base class, whose category is the handler's type name.
/// </summary>
public sealed class AuthenticationFailureLoggingTests
{
    private const string HandlerCategory = "TokenSdk.AspNetCore.Authentication.ApplicationTokenHandler";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authenticate_FailuresAnyoneCanCause_WriteNothingAtInformationOrAboveUnderTokenSdk()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken deleted = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, deleted.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();
        app.Logs.Clear();

        HttpStatusCode[] statuses =
        [
            await StatusAsync(app, "/me", "not-a-token"),
            await StatusAsync(app, "/me", ApplicationTokenHandlerTests.TokenWithOtherSecret(token)),
            await StatusAsync(app, "/me", deleted.Token),
            await StatusAsync(app, "/me", bearer: null),
            await StatusAsync(app, "/billing", token.Token),
        ];

        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden],
            statuses);
        IReadOnlyList<FakeLogRecord> records = app.Logs.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.DoesNotContain(records, r => r.Category?.StartsWith("TokenSdk", StringComparison.Ordinal) == true && r.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task Authenticate_Failure_HandlerLineIsKeptAtDebug()
    {
        await using TestApp app = await TestApp.StartAsync();

        await StatusAsync(app, "/me", "not-a-token");

        FakeLogRecord failure = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.Equal(LogLevel.Debug, failure.Level);
        Assert.Equal(HandlerCategory, failure.Category);
    }

    [Theory]
    [InlineData(7, "/me", false)]     // AuthenticationSchemeNotAuthenticatedWithFailure
    [InlineData(12, "/me", false)]    // AuthenticationSchemeChallenged
    [InlineData(13, "/billing", true)] // AuthenticationSchemeForbidden
    public async Task Authenticate_BaseClassLines_AreDemotedToDebugNotDropped(int eventId, string path, bool validToken)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        await StatusAsync(app, path, validToken ? token.Token : "not-a-token");

        FakeLogRecord line = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == eventId && r.Category == HandlerCategory);
        Assert.Equal(LogLevel.Debug, line.Level);
    }

    [Fact]
    public async Task Authenticate_OtherCategories_KeepTheirLevels()
    {
        await using TestApp app = await TestApp.StartAsync();
        app.Logs.Clear();

        await StatusAsync(app, "/me", "not-a-token");

        // The authorization service's own line is the host's to filter; only the handler's category is quietened.
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Category == "Microsoft.AspNetCore.Authorization.DefaultAuthorizationService" && r.Level == LogLevel.Information);
    }

    internal static async Task<HttpStatusCode> StatusAsync(TestApp app, string path, string? bearer)
    {
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }

        using HttpResponseMessage response = await app.SendAsync(request);
        return response.StatusCode;
    }
}
