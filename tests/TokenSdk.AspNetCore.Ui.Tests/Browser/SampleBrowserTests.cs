using System.Text.Json;
using Microsoft.Playwright;
using TokenSdk.AspNetCore.Ui.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace TokenSdk.AspNetCore.Ui.Tests.Browser;

/// <summary>
/// The README's promise, in a real browser against the real web sample process: run the sample, open /signin, paste
/// the bootstrap administrator's token, manage tokens on the page, sign out.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class SampleBrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokensdk-sample-browser-" + Guid.NewGuid().ToString("N"));
    private SampleServer? _server;

    private string BootstrapPath => Path.Combine(_root, "bootstrap", "bootstrap-token.json");

    public async ValueTask InitializeAsync() => _server = await SampleServer.StartAsync(Path.Combine(_root, "store"), BootstrapPath);

    [Fact]
    public async Task Sample_SignInWithTheBootstrapToken_ManageTokensOnThePage_SignOut()
    {
        string origin = _server!.Address.ToString().TrimEnd('/');
        string bootstrapToken;
        string bootstrapClientId;
        using (JsonDocument bootstrap = JsonDocument.Parse(await File.ReadAllBytesAsync(BootstrapPath, TestContext.Current.CancellationToken)))
        {
            bootstrapToken = bootstrap.RootElement.GetProperty("token").GetString()!;
            bootstrapClientId = bootstrap.RootElement.GetProperty("clientId").GetString()!;
        }

        IBrowserContext context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = origin, Locale = "en-US" });
        await using (context)
        {
            context.SetDefaultTimeout(15_000);
            IPage page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, message) => console.Add(message.Text);

            // The page sends a person who is not signed in to the sign-in form.
            await page.GotoAsync("/settings/tokens");
            Assert.StartsWith($"{origin}/signin", page.Url, StringComparison.Ordinal);

            await page.GetByLabel("Application token").FillAsync(bootstrapToken);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
            await page.Locator("body[data-ready='true']").WaitForAsync();
            Assert.Equal($"{origin}/settings/tokens", page.Url);
            await Expect(page.Locator("#caller")).ToContainTextAsync(bootstrapClientId);
            await Expect(page.Locator($"#tokens-body tr[data-client-id='{bootstrapClientId}']")).ToBeVisibleAsync();

            // Generate a token for a role, as the portal does; the details are shown once.
            await page.GetByLabel("Read Only User", new PageGetByLabelOptions { Exact = true }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Generate token" }).ClickAsync();
            ILocator dialog = page.Locator("#details-dialog");
            await Expect(dialog).ToBeVisibleAsync();
            string clientId = (await dialog.Locator("#detail-client-id").TextContentAsync())!.Trim();
            await page.Locator("#details-close").ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator($"#tokens-body tr[data-client-id='{clientId}'] td").Nth(1)).ToHaveTextAsync("Read Only User");

            // The session's cookie holds no token; nothing of it is in the browser's storage or address.
            IReadOnlyList<BrowserContextCookiesResult> cookies = await context.CookiesAsync();
            Assert.DoesNotContain(cookies, c => c.Value.Contains(bootstrapToken, StringComparison.Ordinal));
            Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
            Assert.DoesNotContain(console, m => m.Contains(bootstrapToken, StringComparison.Ordinal));

            // Sign out: back to the sign-in form, and the page is closed to this browser again.
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(origin)}/signin"));
            await Expect(page.GetByLabel("Application token")).ToBeVisibleAsync();
            IResponse? again = await page.GotoAsync("/settings/tokens");
            Assert.StartsWith($"{origin}/signin", page.Url, StringComparison.Ordinal);
            Assert.NotNull(again);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test over.
        }
    }
}
