using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TokenSdk.AspNetCore.Ui.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using static Microsoft.Playwright.Assertions;

namespace TokenSdk.AspNetCore.Ui.Tests.Browser;

/// <summary>
/// The page in a real browser (headless Chromium through Playwright) against a real host on Kestrel: the Astra
/// "Settings → Tokens" workflow end to end. Each test works in an organization of its own, so they share one host.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class TokenManagementPageBrowserTests(BrowserFixture fixture)
{
    private const string HostileDescription = "<img src=x onerror=alert(1)>";

    private PageTestApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_EmptyOrganizationThenTokens_EmptyStateThenRows()
    {
        const string org = "browser-list";
        await using BrowserSession session = await OpenAsync("admin", org);
        IPage page = session.Page;

        await Expect(page.Locator("#tokens-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#tokens-table")).ToBeHiddenAsync();

        GeneratedToken dba = await App.GenerateAsync(org, DefaultRoles.DatabaseAdministrator.Id, "ci pipeline");
        GeneratedToken orders = await App.GenerateAsync(org, PageTestApp.OrdersReaderRoleId);
        await page.ReloadAsync();
        await session.ReadyAsync();

        await Expect(page.Locator("#tokens-empty")).ToBeHiddenAsync();
        await Expect(page.Locator("#tokens-body tr")).ToHaveCountAsync(2);
        ILocator row = page.Locator($"#tokens-body tr[data-client-id='{dba.ClientId}']");
        Assert.Equal(
            [dba.ClientId, "Database Administrator", "ci pipeline", "Never"],
            (await row.Locator("td").AllInnerTextsAsync()).Where((_, i) => i is 0 or 1 or 2 or 4).Select(t => t.Trim()));
        await Expect(row.Locator("td").Nth(3).Locator("time")).ToHaveAttributeAsync("datetime", AstraTokenJson.FormatInstant(dba.GeneratedOn));
        await Expect(page.Locator($"#tokens-body tr[data-client-id='{orders.ClientId}'] td").Nth(1)).ToHaveTextAsync("Orders Reader");

        // Last used: the API always sends it, null for a token never used.
        await Expect(page.Locator("th.col-last-used")).ToBeVisibleAsync();
        await Expect(page.Locator("th.col-last-used")).ToHaveTextAsync("Last used");
        await Expect(row.Locator("td.last-used")).ToHaveTextAsync("Never");
        Assert.Equal(0, await row.Locator("td.last-used time").CountAsync());

        // Verifying a token marks it used in this process; the list merges the mark, and the page shows a time.
        Assert.True((await App.Verifier.VerifyAsync(orders.Token, Ct)).IsValid);
        DateTimeOffset lastUsed = (await App.Manager.ListAllAsync(PageTestApp.AdminOf(org), Ct)).GetValueOrThrow()
            .Single(t => t.ClientId == orders.ClientId).LastUsedAt ?? throw new InvalidOperationException("The verified token has no last-used time.");
        await page.ReloadAsync();
        await session.ReadyAsync();
        ILocator used = page.Locator($"#tokens-body tr[data-client-id='{orders.ClientId}'] td.last-used time");
        await Expect(used).ToHaveAttributeAsync("datetime", AstraTokenJson.FormatInstant(lastUsed));
        await Expect(used).Not.ToHaveTextAsync("Never");
        await Expect(page.Locator($"#tokens-body tr[data-client-id='{dba.ClientId}'] td.last-used")).ToHaveTextAsync("Never");
        Assert.True(session.ConsoleMessages.Count == 0, string.Join(" | ", session.ConsoleMessages));
    }

    [Fact]
    public async Task Generate_ChooseRoleCopyDownloadClose_DetailsShownOnceAndNeverKept()
    {
        const string org = "browser-generate";
        await using BrowserSession session = await OpenAsync("admin", org);
        IPage page = session.Page;
        Role role = DefaultRoles.DatabaseAdministrator;

        // Choosing a role shows its permissions, grouped, before anything is generated.
        await page.GetByLabel(role.Name, new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await Expect(page.Locator("#role-details")).ToBeVisibleAsync();
        await Expect(page.Locator("#role-details-name")).ToHaveTextAsync(role.Name);
        Assert.Equal(["organization", "database", "keyspace", "table"],
            await page.Locator("#role-details-groups [data-group]").EvaluateAllAsync<string[]>("groups => groups.map(g => g.dataset.group)"));
        await Expect(page.Locator("#role-details-groups [data-group='table'] li").GetByText("db-table-select", new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#role-details-groups [data-group='organization'] h4")).ToHaveTextAsync("Organization");
        Assert.Empty((await App.Manager.ListAllAsync(PageTestApp.AdminOf(org), Ct)).GetValueOrThrow());

        await page.Locator("#token-description").FillAsync(HostileDescription);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Generate token" }).ClickAsync();

        ILocator dialog = page.Locator("#details-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("#details-warning")).ToContainTextAsync("shown only once");
        string clientId = await dialog.Locator("#detail-client-id").TextContentAsync() ?? "";
        string secret = await dialog.Locator("#detail-secret").TextContentAsync() ?? "";
        string token = await dialog.Locator("#detail-token").TextContentAsync() ?? "";
        Assert.True((await App.Verifier.VerifyAsync(token, Ct)).IsValid);
        Assert.Equal(clientId, (await App.Verifier.VerifyAsync(token, Ct)).ClientId);
        Assert.True((await App.Verifier.VerifyClientSecretAsync(clientId, secret, Ct)).IsValid);
        Assert.Equal("details-dialog", await page.EvaluateAsync<string>("document.activeElement.closest('dialog')?.id ?? ''"));

        // Copy puts the value on the clipboard.
        await dialog.Locator("button[data-copy='detail-token']").ClickAsync();
        await Expect(dialog.Locator("#details-status")).ToHaveTextAsync("Token copied to the clipboard.");
        Assert.Equal(token, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        // Download saves exactly what GeneratedToken.ToCsv() writes.
        IDownload download = await page.RunAndWaitForDownloadAsync(() => dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Download token details" }).ClickAsync());
        Assert.Equal(GeneratedToken.CsvFileName, download.SuggestedFilename);
        byte[] saved = await File.ReadAllBytesAsync(await download.PathAsync(), Ct);
        Assert.Equal(LibraryCsv.For(clientId, secret, token, [role.Id], [role.Name]), saved);
        Assert.Equal($"Client Id,Client Secret,Role,Token\r\n\"{clientId}\",\"{secret}\",\"{role.Name}\",\"{token}\"\r\n", Encoding.UTF8.GetString(saved));

        // Closing wipes the details: gone from the page, and focus is back on the button that opened it.
        await dialog.Locator("#details-close").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await AssertFocusedAsync(page, "generate-button");
        string html = await page.ContentAsync();
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(token, html, StringComparison.Ordinal);
        Assert.Equal("", await dialog.Locator("#detail-secret").TextContentAsync());

        // The new token is listed; the hostile description is text, not markup.
        ILocator row = page.Locator($"#tokens-body tr[data-client-id='{clientId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator("td.description")).ToHaveTextAsync(HostileDescription);
        Assert.Equal(0, await page.Locator("#tokens-body img").CountAsync());

        await AssertNothingKeptAsync(session, secret, token);
    }

    [Fact]
    public async Task Delete_FromMoreMenuWithKeyboardAndReason_GoneAndNoLongerVerifies()
    {
        const string org = "browser-delete";
        GeneratedToken doomed = await App.GenerateAsync(org, DefaultRoles.ReadOnlyUser.Id, "old laptop");
        GeneratedToken kept = await App.GenerateAsync(org, DefaultRoles.ReadOnlyUser.Id, "kept");
        await using BrowserSession session = await OpenAsync("admin", org);
        IPage page = session.Page;

        ILocator more = page.Locator($"#tokens-body tr[data-client-id='{doomed.ClientId}'] button.more");
        await Expect(more).ToHaveAttributeAsync("aria-haspopup", "menu");
        await more.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(more).ToHaveAttributeAsync("aria-expanded", "true");
        Assert.Equal("Rotate", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("Delete", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");

        ILocator dialog = page.Locator("#delete-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("#delete-client-id")).ToHaveTextAsync(doomed.ClientId);
        await Expect(dialog.Locator("#delete-role")).ToHaveTextAsync(DefaultRoles.ReadOnlyUser.Name);
        await Expect(dialog.Locator("#delete-description")).ToHaveTextAsync("old laptop");

        // A reason is required.
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Delete token" }).ClickAsync();
        await Expect(dialog.Locator("#delete-error")).ToHaveTextAsync("Choose why you are deleting the token.");
        Assert.True((await App.Verifier.VerifyAsync(doomed.Token, Ct)).IsValid);

        await page.Keyboard.PressAsync("Space");
        await Expect(dialog.GetByLabel("Compromised")).ToBeCheckedAsync();
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Delete token" }).ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator($"#tokens-body tr[data-client-id='{doomed.ClientId}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#tokens-body tr[data-client-id='{kept.ClientId}']")).ToHaveCountAsync(1);
        await AssertFocusedAsync(page, "tokens-heading");
        Assert.False((await App.Verifier.VerifyAsync(doomed.Token, Ct)).IsValid);
        Assert.True((await App.Verifier.VerifyAsync(kept.Token, Ct)).IsValid);
    }

    [Fact]
    public async Task Delete_ApiRefuses_ShowsTheApiMessageAndKeepsTheDialog()
    {
        const string org = "browser-delete-error";
        GeneratedToken token = await App.GenerateAsync(org, DefaultRoles.ReadOnlyUser.Id);
        await using BrowserSession session = await OpenAsync("admin", org);
        IPage page = session.Page;
        await OpenMenuItemAsync(page, token.ClientId, "Delete");
        // Someone else deletes it meanwhile: the API answers 404 with its message.
        await App.Manager.DeleteAsync(PageTestApp.AdminOf(org), token.ClientId, DeletionReason.Other, Ct);

        ILocator dialog = page.Locator("#delete-dialog");
        await dialog.GetByLabel("No longer needed").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Delete token" }).ClickAsync();

        await Expect(dialog.Locator("#delete-error")).ToBeVisibleAsync();
        Assert.False(string.IsNullOrWhiteSpace(await dialog.Locator("#delete-error").TextContentAsync()));
        Assert.DoesNotContain("HTTP", await dialog.Locator("#delete-error").TextContentAsync(), StringComparison.Ordinal);
        await Expect(dialog).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Rotate_FromMoreMenu_NewDetailsShownOnceAndOldTokenEnds()
    {
        const string org = "browser-rotate";
        GeneratedToken old = await App.GenerateAsync(org, DefaultRoles.ReadWriteServiceAccount.Id, "service");
        await using BrowserSession session = await OpenAsync("admin", org);
        IPage page = session.Page;

        await OpenMenuItemAsync(page, old.ClientId, "Rotate");
        ILocator rotate = page.Locator("#rotate-dialog");
        await Expect(rotate.Locator("#rotate-client-id")).ToHaveTextAsync(old.ClientId);
        await rotate.GetByLabel("Keep the old token working for").SelectOptionAsync("0");
        await rotate.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Rotate token" }).ClickAsync();

        ILocator details = page.Locator("#details-dialog");
        await Expect(details).ToBeVisibleAsync();
        await Expect(details.Locator("#details-title")).ToHaveTextAsync("New token details");
        string clientId = await details.Locator("#detail-client-id").TextContentAsync() ?? "";
        string secret = await details.Locator("#detail-secret").TextContentAsync() ?? "";
        string token = await details.Locator("#detail-token").TextContentAsync() ?? "";
        Assert.NotEqual(old.ClientId, clientId);
        Assert.True((await App.Verifier.VerifyAsync(token, Ct)).IsValid);
        Assert.False((await App.Verifier.VerifyAsync(old.Token, Ct)).IsValid);

        await details.Locator("#details-close").ClickAsync();
        await Expect(page.Locator($"#tokens-body tr[data-client-id='{clientId}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#tokens-body tr[data-client-id='{old.ClientId}']")).ToHaveCountAsync(0);
        await AssertNothingKeptAsync(session, secret, token);
    }

    [Fact]
    public async Task Antiforgery_SessionWriteWithoutThePagesHeader_RefusedAndNothingStored()
    {
        const string org = "browser-antiforgery";
        await using BrowserSession session = await OpenAsync("admin", org);

        // The same cookie session, but a request the page did not make: no antiforgery header.
        int status = await session.Page.EvaluateAsync<int>("""
            fetch('/v2/clientIdSecrets', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"roles":["read-only-user"]}' })
              .then(r => r.status)
            """);

        Assert.InRange(status, 400, 403);
        Assert.Empty((await App.Manager.ListAllAsync(PageTestApp.AdminOf(org), Ct)).GetValueOrThrow());
    }

    [Fact]
    public async Task Reader_WithoutTokenWrite_SeesTheListWithoutWriteControls()
    {
        const string org = "browser-reader";
        GeneratedToken token = await App.GenerateAsync(org, DefaultRoles.ReadOnlyUser.Id);
        await using BrowserSession session = await OpenAsync("reader", org);
        IPage page = session.Page;

        await Expect(page.Locator($"#tokens-body tr[data-client-id='{token.ClientId}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#generate-section")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("button.more").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Generate token" }).CountAsync());
    }

    [Fact]
    public async Task NoPermission_SignedInWithoutTokenRead_ForbiddenPage()
    {
        await using BrowserSession session = await OpenAsync("nobody", "browser-nobody", waitReady: false);

        IResponse? response = await session.Page.GotoAsync(PageTestApp.PagePath);

        Assert.Equal(403, response!.Status);
        await Expect(session.Page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Level = 2 })).ToHaveTextAsync("You don't have permission to manage tokens");
    }

    [Fact]
    public async Task Escalation_DatabaseAdministrator_OrganizationAdministratorDisabledWithReason()
    {
        await using BrowserSession session = await OpenAsync("dba", "browser-dba");
        IPage page = session.Page;

        ILocator orgAdmin = page.GetByLabel("Organization Administrator", new PageGetByLabelOptions { Exact = true });
        await Expect(orgAdmin).ToBeDisabledAsync();
        string hintId = await orgAdmin.GetAttributeAsync("aria-describedby") ?? "";
        await Expect(page.Locator($"#{hintId}")).ToContainTextAsync("can't have more than its creator");
        await Expect(page.GetByLabel("Database Administrator", new PageGetByLabelOptions { Exact = true })).ToBeEnabledAsync();
    }

    [Fact]
    public async Task KeyboardOnly_Generate_FocusMovesIntoTheDialogAndBack()
    {
        await using BrowserSession session = await OpenAsync("admin", "browser-keyboard");
        IPage page = session.Page;

        await TabUntilAsync(page, "document.activeElement.name === 'role'");
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("ArrowDown");
        string chosen = await page.EvaluateAsync<string>("document.querySelector('input[name=role]:checked').value");
        Assert.Equal(DefaultRoles.All[1].Id, chosen);
        await Expect(page.Locator("#role-details-name")).ToHaveTextAsync(DefaultRoles.All[1].Name);

        await TabUntilAsync(page, "document.activeElement.id === 'token-description'");
        await page.Keyboard.TypeAsync("typed");
        await TabUntilAsync(page, "document.activeElement.id === 'generate-button'");
        Assert.True(await page.EvaluateAsync<bool>("getComputedStyle(document.activeElement).outlineStyle !== 'none'"));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#details-dialog")).ToBeVisibleAsync();
        Assert.Equal("details-dialog", await page.EvaluateAsync<string>("document.activeElement.closest('dialog')?.id ?? ''"));
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#details-dialog")).ToBeHiddenAsync();
        await AssertFocusedAsync(page, "generate-button");
        Assert.Equal("", await page.Locator("#detail-token").TextContentAsync());
        await Expect(page.Locator("#tokens-body tr")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Narrow_360Pixels_NoHorizontalScrolling()
    {
        const string org = "browser-narrow";
        await App.GenerateAsync(org, PageTestApp.OrdersReaderRoleId, "a rather long description that has to wrap on a phone screen, " + new string('x', 60));
        await using BrowserSession session = await OpenAsync("admin", org, width: 360, height: 740);
        IPage page = session.Page;

        Assert.True(await ScrollWidthAsync(page) <= 360, $"The page is {await ScrollWidthAsync(page)} px wide.");

        // Each token is a card; its last use is one of the labelled fields.
        ILocator lastUsed = page.Locator("#tokens-body td.last-used");
        await Expect(lastUsed).ToBeVisibleAsync();
        await Expect(lastUsed).ToHaveTextAsync("Never");
        Assert.Equal("\"Last used\"", await lastUsed.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
        await page.GetByLabel("Orders Reader").CheckAsync();
        await page.Locator("#generate-button").ClickAsync();
        await Expect(page.Locator("#details-dialog")).ToBeVisibleAsync();
        Assert.True(await ScrollWidthAsync(page) <= 360, $"With the details dialog, the page is {await ScrollWidthAsync(page)} px wide.");
        Assert.True(await page.EvaluateAsync<bool>("(() => { const d = document.getElementById('details-dialog').getBoundingClientRect(); return d.left >= 0 && d.right <= 360; })()"));
    }

    [Fact]
    public async Task DarkMode_PrefersDark_DarkBackground()
    {
        await using BrowserSession light = await OpenAsync("admin", "browser-colors");
        await using BrowserSession dark = await OpenAsync("admin", "browser-colors", colorScheme: ColorScheme.Dark);
        const string background = "getComputedStyle(document.body).backgroundColor";

        Assert.Equal("rgb(246, 247, 249)", await light.Page.EvaluateAsync<string>(background));
        Assert.Equal("rgb(18, 20, 23)", await dark.Page.EvaluateAsync<string>(background));
    }

    [Fact]
    public async Task Accessibility_PageAndDialogs_NoSeriousOrCriticalAxeViolations()
    {
        const string org = "browser-axe";
        GeneratedToken token = await App.GenerateAsync(org, DefaultRoles.DatabaseAdministrator.Id, "axe");
        await using BrowserSession session = await OpenAsync("admin", org);
        IPage page = session.Page;

        await page.GetByLabel("Database Administrator", new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await AssertAccessibleAsync(page, "the page with a role chosen");

        await page.Locator("#generate-button").ClickAsync();
        await Expect(page.Locator("#details-dialog")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "the details dialog");
        await page.Locator("#details-close").ClickAsync();

        await OpenMenuItemAsync(page, token.ClientId, "Delete");
        await AssertAccessibleAsync(page, "the delete dialog");
        await page.Locator("#delete-cancel").ClickAsync();
        // Focus returns to the More button the dialog was opened from.
        await Expect(page.Locator($"[aria-label='More actions for token {token.ClientId}']")).ToBeFocusedAsync();

        await OpenMenuItemAsync(page, token.ClientId, "Rotate");
        await AssertAccessibleAsync(page, "the rotate dialog");
    }

    private async Task<BrowserSession> OpenAsync(
        string user, string organization, int width = 1280, int height = 900, ColorScheme colorScheme = ColorScheme.Light, bool waitReady = true)
    {
        BrowserSession session = await BrowserSession.OpenAsync(fixture, user, organization, width, height, colorScheme);
        if (waitReady)
        {
            await session.ReadyAsync();
        }

        return session;
    }

    private static async Task OpenMenuItemAsync(IPage page, string clientId, string item)
    {
        await page.Locator($"#tokens-body tr[data-client-id='{clientId}'] button.more").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = item }).ClickAsync();
        await Expect(page.Locator(item == "Delete" ? "#delete-dialog" : "#rotate-dialog")).ToBeVisibleAsync();
    }

    private static async Task TabUntilAsync(IPage page, string condition)
    {
        for (int i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>(condition))
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached an element where {condition}.");
    }

    /// <summary>
    /// Waits (a dialog's close event comes a moment after it hides) until the element has focus; fails otherwise.
    /// Playwright's own assertion, which polls from its isolated script: a polled <c>WaitForFunctionAsync</c> string is
    /// evaluated in the page, and the page's Content-Security-Policy (no 'unsafe-eval') refuses it.
    /// </summary>
    private static async Task AssertFocusedAsync(IPage page, string id)
    {
        try
        {
            await Expect(page.Locator($"[id='{id}']")).ToBeFocusedAsync(new LocatorAssertionsToBeFocusedOptions { Timeout = 5000 });
        }
        catch (PlaywrightException)
        {
            Assert.Fail($"Focus is on '{await page.EvaluateAsync<string>("document.activeElement?.id || document.activeElement?.tagName")}', not on '{id}'.");
        }
    }

    private static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("document.documentElement.scrollWidth");

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        AxeResult result = await page.RunAxe();
        string[] serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToArray();
        Assert.True(serious.Length == 0, $"axe found in {what}:\n{string.Join('\n', serious)}");
        Assert.NotEmpty(result.Passes);
    }

    private static async Task AssertNothingKeptAsync(BrowserSession session, string secret, string token)
    {
        IPage page = session.Page;
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));
        Assert.DoesNotContain(secret, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);
        lock (session.ConsoleMessages)
        {
            Assert.DoesNotContain(session.ConsoleMessages, m => m.Contains(secret, StringComparison.Ordinal) || m.Contains(token, StringComparison.Ordinal));
            Assert.DoesNotContain(session.ConsoleMessages, m => m.StartsWith("window dialog", StringComparison.Ordinal));
        }
    }
}
