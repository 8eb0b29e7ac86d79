using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Tests.Authentication;

public sealed class ApplicationTokenHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authenticate_BearerHeader_Succeeds()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Authenticate_ValidToken_PrincipalCarriesClientOrganizationRoleAndPermissions()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(
            $"ApplicationToken|{token.ClientId}|default|read-only-user|{DefaultRoles.ReadOnlyUser.Permissions.Count}|read-only",
            body);
    }

    [Fact]
    public async Task CreateIdentity_TokenOfTwoRoles_OneRoleClaimPerRoleInOrderAndPermissionClaimsTheirUnion()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.BillingAdministrator.Id, TestApp.OrdersReaderRoleId);
        TokenVerificationResult result = await app.App.Services.GetRequiredService<ITokenVerifier>().VerifyAsync(token.Token, Ct);

        System.Security.Claims.ClaimsIdentity identity = ApplicationTokenHandler.CreateIdentity(result, "ApplicationToken", "issuer");

        Assert.Equal(
            [DefaultRoles.BillingAdministrator.Id, TestApp.OrdersReaderRoleId],
            identity.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value));
        Assert.True(identity.IsAuthenticated);
        Assert.True(identity.HasClaim(System.Security.Claims.ClaimTypes.Role, TestApp.OrdersReaderRoleId));
        string[] union = [.. DefaultRoles.BillingAdministrator.Permissions.Append(Permissions.DbTableSelect).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(union, identity.FindAll(TokenClaimTypes.Permission).Select(c => c.Value));
        Assert.Equal(token.ClientId, identity.FindFirst(TokenClaimTypes.ClientId)?.Value);
    }

    [Fact]
    public async Task Authenticate_TokenOfTwoRoles_LogsBothRoleIds()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.BillingAdministrator.Id, TestApp.OrdersReaderRoleId);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Microsoft.Extensions.Logging.Testing.FakeLogRecord success = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Name == "AuthenticationSucceeded");
        Assert.Contains($"with role billing-administrator,{TestApp.OrdersReaderRoleId} ", success.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Cassandra-Token")]
    [InlineData("Token")]
    public async Task Authenticate_TokenInHeader_Succeeds(string header)
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me");
        request.Headers.Add(header, token.Token);

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Authenticate_BasicWithTokenUserName_Succeeds()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.AcceptBasic = true);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = BasicRequest("token", token.Token);

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Authenticate_BasicWithClientIdAndSecret_Succeeds()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.AcceptBasic = true);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = BasicRequest(token.ClientId, token.Secret);

        using HttpResponseMessage response = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"ApplicationToken|{token.ClientId}|", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_BasicWithWrongSecret_Returns401()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.AcceptBasic = true);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken other = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = BasicRequest(token.ClientId, other.Secret);

        using HttpResponseMessage response = await app.SendAsync(request);

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_BasicByDefault_IsNotRead()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = BasicRequest("token", token.Token);

        using HttpResponseMessage response = await app.SendAsync(request);

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_QueryStringByDefault_IsNotRead()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync($"/me?token={Uri.EscapeDataString(token.Token)}");

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_QueryStringWhenEnabled_Succeeds()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.AcceptQueryString = true);
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync($"/me?token={Uri.EscapeDataString(token.Token)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("X-Cassandra-Token")]
    [InlineData("Token")]
    public async Task Authenticate_SourceSwitchedOff_IsNotRead(string source)
    {
        await using TestApp app = await TestApp.StartAsync(o =>
        {
            o.AcceptBearerHeader = source != "Bearer";
            o.AcceptCassandraTokenHeader = source != "X-Cassandra-Token";
            o.AcceptTokenHeader = source != "Token";
        });
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me", source == "Bearer" ? token.Token : null);
        if (source != "Bearer")
        {
            request.Headers.Add(source, token.Token);
        }

        using HttpResponseMessage response = await app.SendAsync(request);

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_NoCredential_Returns401WithBearerChallenge()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/me");

        await AssertBare401Async(response);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AstraCS:short")]
    [InlineData("tsdk_0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Authenticate_MalformedToken_Returns401WithoutDetail(string presented)
    {
        await using TestApp app = await TestApp.StartAsync();
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + presented);

        using HttpResponseMessage response = await app.SendAsync(request);

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_WrongSecretInWellFormedToken_Returns401WithoutDetail()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        string wrong = TokenWithOtherSecret(token);

        using HttpResponseMessage response = await app.GetAsync("/me", wrong);

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_DeletedToken_Returns401WithoutDetail()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, token.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        await AssertBare401Async(response);
    }

    [Fact]
    public async Task Authenticate_UnknownAndWrongSecret_AreIndistinguishable()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken deleted = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, deleted.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();

        using HttpResponseMessage wrong = await app.GetAsync("/me", TokenWithOtherSecret(token));
        using HttpResponseMessage unknown = await app.GetAsync("/me", deleted.Token);

        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(wrong.Headers.WwwAuthenticate.ToString(), unknown.Headers.WwwAuthenticate.ToString());
        Assert.Equal(await wrong.Content.ReadAsByteArrayAsync(Ct), await unknown.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Authenticate_Failure_LogsReasonWithMaskedTokenOnly()
    {
        await using TestApp app = await TestApp.StartAsync();
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);
        (await app.Manager.DeleteAsync(TestApp.Admin, token.ClientId, DeletionReason.NoLongerNeeded, Ct)).ThrowIfFailed();

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Microsoft.Extensions.Logging.Testing.FakeLogRecord failure = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.Contains("unknownclient", failure.Message, StringComparison.Ordinal);
        Assert.Contains(TokenMask.MaskToken(token.Token), failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token, app.AllLogText(), StringComparison.Ordinal);
        Assert.DoesNotContain(token.Secret, app.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_VerifierAnswersDefaultResult_FailsWithStatusNone()
    {
        // A custom verifier that returns an unfilled result must not authenticate anyone.
        await using TestApp app = await TestApp.StartAsync(
            configureServices: services => services.AddSingleton<ITokenVerifier>(new DefaultResultVerifier()));
        GeneratedToken token = await app.GenerateAsync(DefaultRoles.ReadOnlyUser);

        using HttpResponseMessage response = await app.GetAsync("/me", token.Token);

        await AssertBare401Async(response);
        Microsoft.Extensions.Logging.Testing.FakeLogRecord failure = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.Contains("with status none:", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_AnonymousEndpoint_NeedsNoToken()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.GetAsync("/anonymous");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Validate_QueryStringWithoutParameterName_Fails()
    {
        var options = new ApplicationTokenOptions { AcceptQueryString = true, QueryParameterName = " " };

        ValidateOptionsResult result = new ApplicationTokenOptionsValidator().Validate(ApplicationTokenDefaults.AuthenticationScheme, options);

        Assert.True(result.Failed);
        Assert.Contains("QueryParameterName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoSourceEnabled_FailsAtStart()
    {
        Task<TestApp> start = TestApp.StartAsync(o =>
        {
            o.AcceptBearerHeader = false;
            o.AcceptCassandraTokenHeader = false;
            o.AcceptTokenHeader = false;
        });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => start);
        Assert.Contains("AcceptBearerHeader", error.Message, StringComparison.Ordinal);
    }

    internal static string TokenWithOtherSecret(GeneratedToken token)
    {
        // Change one hex digit of the token hash and fix nothing else: a checksummed token then fails its checksum,
        // so build a well-formed token with another secret through the format instead.
        var format = new ChecksummedTokenFormat();
        byte[] otherHash = new byte[32];
        otherHash[0] = 1;
        return format.Format(token.ClientId, otherHash);
    }

    private sealed class DefaultResultVerifier : ITokenVerifier
    {
        public ValueTask<TokenVerificationResult> VerifyAsync(string token, CancellationToken cancellationToken = default) => default;

        public ValueTask<TokenVerificationResult> VerifyClientSecretAsync(string clientId, string secret, CancellationToken cancellationToken = default) => default;
    }

    private static HttpRequestMessage BasicRequest(string user, string password)
    {
        HttpRequestMessage request = TestApp.Request(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }

    private static async Task AssertBare401Async(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AuthenticationHeaderValue challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Null(challenge.Parameter);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }
}
