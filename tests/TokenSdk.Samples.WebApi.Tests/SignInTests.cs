using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenSdk.Samples.WebApi.Tests.TestSupport;

namespace TokenSdk.Samples.WebApi.Tests;

/// <summary>
/// The sample's sign-in, against the real sample process: a person pastes an application token, and a cookie session
/// in that token's name manages tokens, with antiforgery on its writes, until the token is deleted.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class SignInTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly CookieContainer _cookies = new();
    private SampleServer? _server;
    private HttpClient? _client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client => _client!;

    private string BootstrapPath => _temp.Combine("bootstrap", "bootstrap-token.json");

    public async ValueTask InitializeAsync()
    {
        _server = await SampleServer.StartAsync(_temp.Combine("store"), BootstrapPath);
        _client = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = _server.Address };
    }

    [Fact]
    public async Task SignInPage_IsAFormWithAnAntiforgeryFieldAndStrictHeaders()
    {
        HttpResponseMessage response = await Client.GetAsync(new Uri("/signin", UriKind.Relative), Ct);
        string html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.Contains("type=\"password\"", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"token\">", html, StringComparison.Ordinal);
        Assert.Matches(AntiforgeryField(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignIn_WrongToken_Is401WithoutEchoAndWithoutSession()
    {
        const string wrong = "tsdk_notARealClientIdAtAll_0000000000000000000000000000000000000000000000000000000000000000aaaaaaaa";

        HttpResponseMessage response = await PostSignInAsync(wrong);
        string html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not a valid application token", html, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, html, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, _server!.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync(new Uri("/v2/clientIdSecrets", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRefused()
    {
        BootstrapFile admin = BootstrapFile.Read(BootstrapPath);
        using var form = new FormUrlEncodedContent([new("token", admin.Token)]);

        HttpResponseMessage response = await Client.PostAsync(new Uri("/signin", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(_cookies.GetCookies(_server!.Address), c => c.Name == "tokensdk.sample");
    }

    [Fact]
    public async Task SignIn_BootstrapToken_StartsASessionThatManagesTokensWithAntiforgeryOnWrites()
    {
        BootstrapFile admin = BootstrapFile.Read(BootstrapPath);

        HttpResponseMessage signedIn = await PostSignInAsync(admin.Token);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        string setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tokensdk.sample=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(admin.Secret, setCookie, StringComparison.Ordinal);

        HttpResponseMessage list = await Client.GetAsync(new Uri("/v2/clientIdSecrets", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(admin.ClientId, await list.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var create = new StringContent("""{"roles": ["read-only-user"]}""", Encoding.UTF8, "text/plain");
        HttpResponseMessage forged = await Client.PostAsync(new Uri("/v2/clientIdSecrets", UriKind.Relative), create, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await forged.Content.ReadAsStringAsync(Ct));
        Assert.Equal(40003, problem.RootElement.GetProperty("errors")[0].GetProperty("ID").GetInt32());
    }

    [Fact]
    public async Task Session_EndsWhenItsTokenIsDeleted()
    {
        BootstrapFile admin = BootstrapFile.Read(BootstrapPath);
        string second = await CreateAdministratorTokenAsync(admin.Token);
        using JsonDocument details = JsonDocument.Parse(second);
        Assert.Equal(HttpStatusCode.Redirect, (await PostSignInAsync(details.RootElement.GetProperty("token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(new Uri("/v2/clientIdSecrets", UriKind.Relative), Ct)).StatusCode);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/v2/clientIdSecrets/{details.RootElement.GetProperty("clientId").GetString()}?reason=compromised");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        using var bearerClient = new HttpClient { BaseAddress = _server!.Address };
        Assert.Equal(HttpStatusCode.NoContent, (await bearerClient.SendAsync(delete, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync(new Uri("/v2/clientIdSecrets", UriKind.Relative), Ct)).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _temp.Dispose();
    }

    private async Task<HttpResponseMessage> PostSignInAsync(string token)
    {
        string page = await Client.GetStringAsync(new Uri("/signin", UriKind.Relative), Ct);
        Match field = AntiforgeryField().Match(page);
        using var form = new FormUrlEncodedContent([new(field.Groups["name"].Value, WebUtility.HtmlDecode(field.Groups["value"].Value)), new("token", token)]);
        return await Client.PostAsync(new Uri("/signin", UriKind.Relative), form, Ct);
    }

    private async Task<string> CreateAdministratorTokenAsync(string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/clientIdSecrets")
        {
            Content = new StringContent("""{"roles": ["organization-administrator"]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var bearerClient = new HttpClient { BaseAddress = _server!.Address };
        HttpResponseMessage response = await bearerClient.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
