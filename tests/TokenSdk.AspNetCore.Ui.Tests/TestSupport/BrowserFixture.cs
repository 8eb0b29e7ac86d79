using Microsoft.Playwright;

namespace TokenSdk.AspNetCore.Ui.Tests.TestSupport;

/// <summary>
/// One Kestrel host and one headless Chromium for every browser test. The browser is the machine's own Chromium
/// (Debian's <c>chromium</c> package, or <c>TOKENSDK_CHROMIUM</c>): Playwright never downloads one. A missing browser
/// fails the tests with a message saying what to install; they never skip.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] s_candidates = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private IPlaywright? _playwright;

    internal PageTestApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        string executable = FindChromium();
        // CI runs every test project at once on 2 cores: wait longer than Playwright's 5 s before calling a check failed.
        Assertions.SetDefaultExpectTimeout(15_000);
        App = await PageTestApp.StartAsync(kestrel: true);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Chromium's sandbox refuses to run as root, which is how CI runs.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            Timeout = 30_000,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    private static string FindChromium()
    {
        string? configured = Environment.GetEnvironmentVariable("TOKENSDK_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"TOKENSDK_CHROMIUM names '{configured}', which does not exist.");
        }

        return s_candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "The browser tests need Chromium, and none was found at " + string.Join(", ", s_candidates)
            + ". Install it (Debian: apt-get install chromium) or set TOKENSDK_CHROMIUM to its executable. Playwright's own browser download is not used.");
    }
}

/// <summary>The browser tests share one browser and one host, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
