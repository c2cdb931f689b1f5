using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>My account (personal access tokens) and the Users page, in Chromium, in both languages.</summary>
public class AccountInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Theory]
    [InlineData("en-US", "Create token", "Users")]
    [InlineData("zh-CN", "创建令牌", "用户")]
    public async Task A_token_made_on_my_account_is_shown_once_and_listed_for_the_admin(string locale, string create, string users)
    {
        var page = await portal.SignedInPageAsync(locale: locale);
        await page.GotoAsync("/account");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("#create-token")).ToContainTextAsync(create);

        await page.FillAsync("#token-name", $"ci-{locale}");
        await page.Locator(".token-scope-sign-off input").CheckAsync();
        await page.Locator("#create-token").ClickAsync();
        await Assertions.Expect(page.Locator("#new-token")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^rgp_[A-Za-z0-9_-]{40,}$"));
        await LivePortal.ShotAsync(page, $"account-token-{locale}");
        await page.Locator("#token-done").ClickAsync();
        await Assertions.Expect(page.Locator("#tokens .token-scopes").First).ToHaveTextAsync("read, sign-off");
        await LivePortal.ShotAsync(page, $"account-scopes-{locale}");

        await page.GotoAsync("/users");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("h4")).ToContainTextAsync(users);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync($"ci-{locale}");
        await LivePortal.ShotAsync(page, $"users-{locale}");
        await page.Context.CloseAsync();
    }

}
