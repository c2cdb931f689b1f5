using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>The admin page's secret variables, in Chromium: named and told "set" or "missing", never shown.</summary>
public class SecretVariablesInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Theory]
    [InlineData("en-US", "set", "missing")]
    [InlineData("zh-CN", "已设置", "缺失")]
    public async Task A_secret_variable_on_the_admin_page_shows_set_or_missing_and_never_its_value(string locale, string set, string missing)
    {
        var value = $"e2e-secret-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("RG_E2E_SECRET_SET", value);
        var page = await portal.SignedInPageAsync(locale: locale);
        await page.GotoAsync("/applications/new");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        await page.FillAsync("#app-testEnvironment-environmentVariables",
            "MODE=test\nAPI_TOKEN={ fromEnvironment: RG_E2E_SECRET_SET }\nOTHER_TOKEN={ fromEnvironment: RG_E2E_SECRET_ABSENT }");
        await page.Keyboard.PressAsync("Tab");

        await Assertions.Expect(page.Locator(".secret-state[data-variable='API_TOKEN']")).ToContainTextAsync($"API_TOKEN ← RG_E2E_SECRET_SET");
        await Assertions.Expect(page.Locator(".secret-state[data-variable='API_TOKEN']")).ToContainTextAsync(set);
        await Assertions.Expect(page.Locator(".secret-state[data-variable='OTHER_TOKEN']")).ToContainTextAsync(missing);
        Assert.DoesNotContain(value, await page.ContentAsync());
        await page.Locator("#test-secret-states").ScrollIntoViewIfNeededAsync();
        await LivePortal.ShotAsync(page, $"secret-variables-{locale}");
        await page.Context.CloseAsync();
    }
}
