using Microsoft.Playwright;
using ReleaseGate.Core.Applications;

namespace ReleaseGate.E2E;

public class BoardInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Fact]
    public async Task A_signed_in_user_sees_the_board_with_the_applications()
    {
        await OrdersAsync();

        var page = await portal.SignedInPageAsync();

        await Assertions.Expect(page.Locator("#board")).ToContainTextAsync("orders-api");
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync(LivePortal.AdminEmail);
        await LivePortal.ShotAsync(page, "board-en");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_user_on_the_sign_in_form()
    {
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await page.FillAsync("#email", LivePortal.AdminEmail);
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#login-error")).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    private async Task OrdersAsync()
    {
        await using var db = portal.CreateDb();
        if (db.Applications.Any(a => a.Slug == "orders-api")) return;
        db.Applications.Add(new Application
        {
            Slug = "orders-api", DisplayName = "Orders API", StagingRepository = "127.0.0.1:5001/orders-api",
            ProductionRepository = "127.0.0.1:5002/orders-api", SwarmService = "orders-api",
            TestEnvironment = new TestEnvironmentSpec { ContainerName = "orders-api-test", PublishedPort = 18080 },
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_portal_speaks_chinese_when_the_browser_does()
    {
        await OrdersAsync();
        var page = await portal.SignedInPageAsync(locale: "zh-CN");
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("发布看板");
        await LivePortal.ShotAsync(page, "board-zh");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task On_a_narrow_screen_the_drawer_starts_closed_and_the_menu_button_opens_it_over_the_page(string locale)
    {
        await OrdersAsync();
        var page = await portal.SignedInPageAsync(locale: locale);
        await page.SetViewportSizeAsync(420, 800);
        var drawer = page.Locator("#rg-drawer");
        await Assertions.Expect(drawer).Not.ToBeInViewportAsync();
        await LivePortal.ShotAsync(page, $"narrow-closed-{locale}");

        await page.Locator("#drawer-toggle").ClickAsync();
        await Assertions.Expect(drawer).ToBeInViewportAsync(new() { Ratio = 1 });
        await LivePortal.ShotAsync(page, $"narrow-open-{locale}");

        // Wide again: the drawer is beside the page, and the button now closes it.
        await page.SetViewportSizeAsync(1280, 720);
        await page.Locator("#drawer-toggle").ClickAsync();
        await Assertions.Expect(drawer).ToBeInViewportAsync(new() { Ratio = 1 });
        await page.Locator("#drawer-toggle").ClickAsync();
        await Assertions.Expect(drawer).Not.ToBeInViewportAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Switching_to_chinese_is_remembered()
    {
        var page = await portal.SignedInPageAsync(locale: "en-US");
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("Board");

        await page.Locator("#language-menu summary").ClickAsync();
        await Assertions.Expect(page.Locator("#language-menu .rg-menu-list")).ToBeVisibleAsync();
        await LivePortal.ShotAsync(page, "language-menu-en");
        await page.Locator("#language-menu").GetByText("简体中文").ClickAsync();
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync("发布看板");

        // A new tab of the same browser, whose language is still English, keeps the choice.
        var again = await page.Context.NewPageAsync();
        await again.GotoAsync("/");
        await Assertions.Expect(again.Locator("h4").First).ToHaveTextAsync("发布看板");
        await page.Context.CloseAsync();
    }
}
