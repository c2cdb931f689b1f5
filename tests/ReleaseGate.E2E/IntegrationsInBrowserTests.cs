using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>The Integrations page in Chromium, in both languages: a key made for named applications, then rotated.</summary>
public class IntegrationsInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Theory]
    [InlineData("en-US", "Rotate secret", "previous")]
    [InlineData("zh-CN", "轮换密钥", "上一个")]
    public async Task A_key_made_for_named_applications_is_rotated_and_keeps_its_previous_secret_live(string locale, string rotate, string previous)
    {
        var page = await portal.SignedInAtAsync("/integrations", locale);

        await page.FillAsync("#integration-name", $"Jenkins {locale}");
        await page.FillAsync("#integration-applications", "orders-api, billing");
        await page.Locator(".integration-allow-v1 input").CheckAsync();
        await page.Locator("#create-integration").ClickAsync();
        await Assertions.Expect(page.Locator("#new-secret")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[A-Za-z0-9_-]{40,}$"));
        await page.Locator("#secret-done").ClickAsync();
        await Assertions.Expect(page.Locator("#v1-warning")).ToBeVisibleAsync();

        var row = page.Locator("#integrations tbody tr", new PageLocatorOptions { HasText = $"Jenkins {locale}" });
        await row.Locator(".rotate-integration").ClickAsync();
        await page.Locator(".mud-dialog button", new PageLocatorOptions { HasText = rotate }).ClickAsync();
        await page.Locator("#secret-done").ClickAsync();
        await Assertions.Expect(row.Locator(".previous-secret")).ToContainTextAsync(previous);
        await Assertions.Expect(row.Locator(".integration-applications")).ToHaveTextAsync("orders-api, billing");
        await LivePortal.ShotAsync(page, $"integrations-{locale}");
        await page.Context.CloseAsync();
    }
}
