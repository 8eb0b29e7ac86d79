using Microsoft.Playwright;

namespace TokenSdk.AspNetCore.Ui.Tests.TestSupport;

/// <summary>One signed-in person in a fresh browser context (cookies, clipboard, viewport), with its console captured.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) => { lock (ConsoleMessages) { ConsoleMessages.Add(message.Text); } };
        page.Dialog += (_, dialog) => { lock (ConsoleMessages) { ConsoleMessages.Add("window dialog: " + dialog.Message); } _ = dialog.DismissAsync(); };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Every console message and every alert/confirm the page raised.</summary>
    public List<string> ConsoleMessages { get; } = [];

    public static async Task<BrowserSession> OpenAsync(
        BrowserFixture fixture, string user, string organization, int width = 1280, int height = 900, ColorScheme colorScheme = ColorScheme.Light)
    {
        string origin = fixture.App.BaseAddress.ToString().TrimEnd('/');
        IBrowserContext context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = origin,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
            AcceptDownloads = true,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = origin });
        context.SetDefaultTimeout(15_000);
        IPage page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        await page.GotoAsync($"/test/signin?as={user}&org={Uri.EscapeDataString(organization)}");
        return session;
    }

    /// <summary>Waits until the script has drawn the page (roles and token list).</summary>
    public Task ReadyAsync() => Page.Locator("body[data-ready='true']").WaitForAsync();

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
