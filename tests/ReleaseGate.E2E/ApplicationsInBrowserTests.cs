using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ReleaseGate.E2E;

public class ApplicationsInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Fact]
    public async Task An_admin_creates_an_application_through_the_page()
    {
        var page = await portal.SignedInPageAsync();
        await page.ClickAsync("a[href='applications']");
        await page.ClickAsync("#new-application");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/applications/new$"));

        await page.FillAsync("#app-slug", "inventory");
        await page.FillAsync("#app-displayName", "Inventory");
        await page.FillAsync("#app-stagingRepository", "inventory");
        await page.FillAsync("#app-productionRepository", "127.0.0.1:5002/inventory");
        await page.FillAsync("#app-swarmService", "inventory");
        await page.FillAsync("#app-qaEmails", "qa@example.com");
        await page.FillAsync("#app-testEnvironment-containerName", "inventory-test");
        await page.FillAsync("#app-testEnvironment-publishedPort", "18090");
        await page.ClickAsync("#save-application");

        // The first try has a repository without a host: refused, next to the field.
        await Assertions.Expect(page.Locator("#form-problems")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-input-control:has(#app-stagingRepository) .mud-input-error.mud-input-helper-text"))
            .ToContainTextAsync("host:port/name");

        await page.FillAsync("#app-stagingRepository", "127.0.0.1:5001/inventory");
        await page.ClickAsync("#save-application");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/applications$"));
        await Assertions.Expect(page.Locator("#applications")).ToContainTextAsync("inventory");
        await using var db = portal.CreateDb();
        var app = await db.Applications.SingleAsync(a => a.Slug == "inventory", TestContext.Current.CancellationToken);
        Assert.Equal(("127.0.0.1:5001/inventory", 18090), (app.StagingRepository, app.TestEnvironment.PublishedPort));
        Assert.Equal(["qa@example.com"], app.QaEmails);
        await page.Context.CloseAsync();
    }
}
