using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>
/// The releases page on the real chain: two versions released through the Jenkins script, QA's token and "release now",
/// then an earlier one restored through the dialog in Chromium on the real Swarm. Screenshots in both languages.
/// </summary>
[Collection(GateCollection.Name)]
public class ReleasesInBrowserTests(GatePortal portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_release_manager_restores_an_earlier_release_through_the_dialog_and_the_open_page_sees_it_end_released()
    {
        var slug = portal.Restoring;
        Assert.Equal("Released", (await portal.ReleaseAsync(slug, "1.0.0", 1)).Phase);
        Assert.Equal("Released", (await portal.ReleaseAsync(slug, "1.1.0", 2)).Phase);
        var (v1, v2) = (GatePortal.Env("RG_IMAGE_WEB_V1_DIGEST"), GatePortal.Env("RG_IMAGE_WEB_V2_DIGEST"));
        await GatePortal.RunsAsync(slug, v2);

        foreach (var locale in new[] { "zh-CN", "en-US" })
        {
            var page = await portal.SignedInPageAsync(GatePortal.Rm, GatePortal.Password, locale);
            await page.SetViewportSizeAsync(1440, 900);
            // From the board: the production version opens the application's releases.
            await page.Locator("#board tr", new() { Has = page.Locator(".board-app", new() { HasTextString = slug }) }).Locator("a.board-production").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/applications/{slug}/releases$"));
            await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
            var rows = page.Locator("tr.rg-release");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.Nth(0).Locator(".release-version")).ToHaveTextAsync("1.1.0");
            await Assertions.Expect(rows.Nth(0).Locator(".release-current")).ToBeVisibleAsync();
            await LivePortal.ShotAsync(page, $"releases-page-{locale}");

            await rows.Nth(1).Locator(".release-restore").ClickAsync();
            await Assertions.Expect(page.Locator("#restore-from")).ToContainTextAsync(v2);
            await Assertions.Expect(page.Locator("#restore-to")).ToContainTextAsync(v1);
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync(locale == "zh-CN" ? "将发生的变化" : "What will change");
            await LivePortal.ShotAsync(page, $"restore-dialog-{locale}");
            if (locale == "zh-CN")
            {
                await page.Locator("#restore-cancel").ClickAsync();
                await page.Context.CloseAsync();
                continue;
            }

            await page.Locator("#restore-confirm").ClickAsync(); // no reason yet: refused, nothing moves
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Say why production goes back");
            await page.FillAsync("#restore-reason", "1.1.0 breaks checkout");
            await page.Locator("#restore-confirm").ClickAsync();

            // The page is never reloaded: the restore's looks reach it over its circuit until Swarm has converged.
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            var restore = rows.Nth(0);
            await Assertions.Expect(restore).ToContainTextAsync("restore");
            await Assertions.Expect(restore).ToContainTextAsync("1.1.0 breaks checkout");
            await Assertions.Expect(restore).ToHaveAttributeAsync("data-outcome", "Succeeded", new() { Timeout = 90_000 });
            await Assertions.Expect(restore.Locator(".release-current")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#releases-production")).ToContainTextAsync(v1);
            await LivePortal.ShotAsync(page, $"releases-restored-{locale}");
            await page.Context.CloseAsync();
        }
        await GatePortal.RunsAsync(slug, v1, seconds: 10);
        var (_, releases) = await portal.CallAsync(HttpMethod.Get, $"/api/v1/applications/{slug}/releases");
        var newest = releases.EnumerateArray().First();
        Assert.Equal(("Restore", "Succeeded", "1.0.0", GatePortal.Rm), (newest.GetProperty("kind").GetString(), newest.GetProperty("outcome").GetString(),
            newest.GetProperty("version").GetString(), newest.GetProperty("startedBy").GetString()));
    }
}
