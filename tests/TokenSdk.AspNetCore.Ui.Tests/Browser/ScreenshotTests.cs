using Microsoft.Playwright;
using TokenSdk.AspNetCore.Ui.Tests.TestSupport;
using TokenSdk.Roles;
using static Microsoft.Playwright.Assertions;

namespace TokenSdk.AspNetCore.Ui.Tests.Browser;

/// <summary>
/// The screenshots of docs/management-page.md. Always taken (into the test output's <c>screenshots/</c>) and checked to
/// be PNG files of a sensible size; written over docs/images/ only when <c>TOKENSDK_UPDATE_SCREENSHOTS=1</c>.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture)
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Screenshots_EveryStepOfTheWorkflow_WrittenAsSmallPngs()
    {
        const string org = "screenshots";
        PageTestApp app = fixture.App;
        Credentials.GeneratedToken pipeline = await app.GenerateAsync(org, DefaultRoles.DatabaseAdministrator.Id, "CI pipeline");
        string clientId = pipeline.ClientId;

        // One token in use, so the list shows a last-used time beside "Never".
        Assert.True((await app.Verifier.VerifyAsync(pipeline.Token, TestContext.Current.CancellationToken)).IsValid);
        await app.GenerateAsync(org, DefaultRoles.ReadOnlyServiceAccount.Id, "Reporting service");
        await app.GenerateAsync(org, PageTestApp.OrdersReaderRoleId, "Orders dashboard");
        var shots = new List<string>();

        await using (BrowserSession session = await BrowserSession.OpenAsync(fixture, "admin", org, 1024, 760))
        {
            IPage page = session.Page;
            await session.ReadyAsync();
            shots.Add(await ShootAsync(page, "list", page.Locator("section[aria-labelledby='tokens-heading']")));

            // A custom role: scoped to one database, with a permission the host declared ("Other").
            await page.GetByLabel("Orders Reader", new PageGetByLabelOptions { Exact = true }).CheckAsync();
            await page.Locator("#token-description").FillAsync("Orders dashboard");
            await page.Locator("#token-description").BlurAsync();
            // From the custom roles to the Generate button, in page coordinates.
            float[] box = await page.EvaluateAsync<float[]>("""
                (() => {
                  const top = [...document.querySelectorAll('.role-list-title')].at(-1).getBoundingClientRect();
                  const section = document.getElementById('generate-section').getBoundingClientRect();
                  return [section.left, top.top + window.scrollY - 12, section.width, section.bottom - top.top + 12];
                })()
                """);
            shots.Add(await ShootAsync(page, "generate", null, new Clip { X = box[0], Y = box[1], Width = box[2], Height = box[3] }));

            await page.Locator("#generate-button").ClickAsync();
            await Expect(page.Locator("#details-dialog")).ToBeVisibleAsync();
            shots.Add(await ShootAsync(page, "details", null));
            await page.Locator("#details-close").ClickAsync();

            await page.Locator($"#tokens-body tr[data-client-id='{clientId}'] button.more").ClickAsync();
            await page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = "Delete" }).ClickAsync();
            await page.Locator("#delete-dialog").GetByLabel("Compromised").CheckAsync();
            shots.Add(await ShootAsync(page, "delete", null));
        }

        await using (BrowserSession dark = await BrowserSession.OpenAsync(fixture, "admin", org, 1024, 760, ColorScheme.Dark))
        {
            await dark.ReadyAsync();
            await dark.Page.GetByLabel("Database Administrator", new PageGetByLabelOptions { Exact = true }).CheckAsync();
            await dark.Page.Locator("#role-details-heading").EvaluateAsync("h => h.scrollIntoView({ block: 'start' })");
            shots.Add(await ShootAsync(dark.Page, "dark", null));
        }

        Assert.All(shots, file =>
        {
            byte[] png = File.ReadAllBytes(file);
            Assert.Equal(s_pngSignature, png[..8]);
            Assert.InRange(png.Length, 5_000, 150 * 1024);
        });
    }

    private static async Task<string> ShootAsync(IPage page, string name, ILocator? element, Clip? clip = null)
    {
        string file = Path.Combine(AppContext.BaseDirectory, "screenshots", $"token-management-page-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await page.Mouse.MoveAsync(0, 0);
        if (element is null)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = file, Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide, Clip = clip, FullPage = clip is not null,
            });
        }
        else
        {
            await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = file, Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide });
        }

        if (Environment.GetEnvironmentVariable("TOKENSDK_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(file, Path.Combine(RepositoryRoot(), "docs", "images", Path.GetFileName(file)), overwrite: true);
        }

        return file;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TokenSdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("TokenSdk.sln was not found above the test output: run from a clone of the repository.");
    }
}
