using Microsoft.Playwright;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>An account with no role, in Chromium: it signs in and is told, in its language, that it has no access yet.</summary>
public class NoAccessInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    private const string Password = "No-access-pass-1";

    [Theory]
    [InlineData("en-US", "No access yet", "Ask an administrator")]
    [InlineData("zh-CN", "尚无访问权限", "请联系管理员")]
    public async Task An_account_with_no_role_sees_no_access_yet_and_no_board(string locale, string title, string ask)
    {
        var email = $"nobody-{locale.ToLowerInvariant()}@example.com";
        await portal.CreateUserAsync(email, role: null, Password);
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.Address.ToString(), Locale = locale });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#sign-in");

        await Assertions.Expect(page.Locator("#no-access h1")).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator("#no-access")).ToContainTextAsync(ask);
        await Assertions.Expect(page.Locator("#no-access")).ToContainTextAsync(email);
        await LivePortal.ShotAsync(page, $"no-access-{locale}");
        // Any other page leads back here; the board's rows are nowhere.
        await page.GotoAsync("/candidates");
        await Assertions.Expect(page.Locator("#no-access")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#candidates-filter-phase, #board-empty, #board-filter-phase").CountAsync());
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_reads_the_board_but_is_offered_no_action()
    {
        await portal.CreateUserAsync("viewer-e2e@example.com", Roles.Viewer, Password);
        var page = await portal.SignedInPageAsync("viewer-e2e@example.com", Password);
        await Assertions.Expect(page.Locator("#board-empty")).ToBeVisibleAsync(); // read: the (empty) board itself
        await Assertions.Expect(page.Locator("nav")).ToContainTextAsync("Board");
        Assert.Equal(0, await page.Locator("#nav-audit, #nav-integrations, #nav-people").CountAsync());
        await LivePortal.ShotAsync(page, "viewer-board-en-US");
        await page.Context.CloseAsync();
    }
}
