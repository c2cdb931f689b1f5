using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>The content security policy leaves Blazor Server and MudBlazor working: nothing blocked, the board interactive.</summary>
public class HeadersInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Theory]
    [InlineData("en", "Board")]
    [InlineData("zh-CN", "发布看板")]
    public async Task The_board_renders_and_answers_clicks_under_the_policy(string locale, string title)
    {
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.Address.ToString(), Locale = locale });
        var blocked = new List<string>();
        context.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) blocked.Add(message.Text); };
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/account/login");
        Assert.Contains("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"]);
        await page.FillAsync("#email", LivePortal.AdminEmail);
        await page.FillAsync("#password", LivePortal.AdminPassword);
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync(title);

        // Interactive: the drawer answers its button over the circuit, and the nav follows a click without a reload.
        await page.Locator("#drawer-toggle").ClickAsync();
        await Assertions.Expect(page.Locator(".rg-shell")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("rg-drawer-toggled"));
        await page.Locator("#drawer-toggle").ClickAsync();
        await page.Locator("a[href='candidates']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/candidates$"));
        // MudBlazor's own scripts run under the policy: a select's list opens in its popover.
        await page.Locator("#candidates-filter-phase").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("a[href='users']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users$"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"rg-csp-people-{locale}.png") });
        await page.GotoAsync("/");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"rg-csp-board-{locale}.png") });

        // The audit page shows the chain's head hash (the sign-in above wrote at least one row).
        await page.GotoAsync("/audit");
        await Assertions.Expect(page.Locator("#audit-head-hash")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"rg-audit-{locale}.png") });

        Assert.True(blocked.Count == 0, string.Join("\n", blocked));
        await context.CloseAsync();
    }
}
