using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>"Sign in with GitLab" against a real OpenID Connect provider (scripts/oidc), in Chromium.</summary>
public class OidcSignInBrowserTests(OidcPortal portal) : IClassFixture<OidcPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Groups_at_the_provider_become_roles_and_leaving_a_group_takes_the_role_away()
    {
        portal.Provider.SetAccount("wang.fang", "wang.fang@example.com", [OidcPortal.QaGroup, OidcPortal.AdminGroup]);
        var first = await SignInAtProviderAsync("wang.fang");
        await Assertions.Expect(first.Locator("#signed-in-user")).ToHaveTextAsync("wang.fang@example.com");
        await first.GotoAsync("/people");
        await Assertions.Expect(first).ToHaveURLAsync(new Regex("/people$"));
        Assert.Equal(["Admin", "QA"], await RolesAsync("wang.fang@example.com"));
        await using (var db = portal.CreateDb())
        {
            var user = await db.Users.SingleAsync(u => u.Email == "wang.fang@example.com", Ct);
            Assert.True(await db.UserLogins.AnyAsync(l => l.UserId == user.Id && l.LoginProvider == "oidc" && l.ProviderKey == "wang.fang", Ct));
            Assert.Contains(await db.AuditEvents.Where(e => e.Action == "user.signed-in" && e.Subject == "wang.fang@example.com").ToListAsync(Ct),
                e => e.Details.StartsWith("oidc (GitLab, new account)", StringComparison.Ordinal));
        }
        await first.Context.CloseAsync();

        // Left the admins group at GitLab: the next sign-in takes the role away.
        portal.Provider.SetAccount("wang.fang", "wang.fang@example.com", [OidcPortal.QaGroup]);
        var second = await SignInAtProviderAsync("wang.fang");
        Assert.Equal(["QA"], await RolesAsync("wang.fang@example.com"));
        await second.GotoAsync("/people");
        await Assertions.Expect(second).ToHaveURLAsync(new Regex("/account/denied"));
        await second.Context.CloseAsync();
    }

    [Fact]
    public async Task A_local_account_with_the_same_verified_email_is_linked_and_a_disabled_one_is_refused()
    {
        var local = await CreateLocalUserAsync("zhao.lei@example.com");
        portal.Provider.SetAccount("zhao.lei", "zhao.lei@example.com", [OidcPortal.QaGroup]);
        var page = await SignInAtProviderAsync("zhao.lei");
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync("zhao.lei@example.com");
        await using (var db = portal.CreateDb())
            Assert.Equal(local.Id, (await db.UserLogins.SingleAsync(l => l.ProviderKey == "zhao.lei", Ct)).UserId);
        await page.Context.CloseAsync();

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(local.Id))!, DateTimeOffset.MaxValue);
        }
        var refused = await SignInAtProviderAsync("zhao.lei", expectSignedIn: false);
        await Assertions.Expect(refused).ToHaveURLAsync(new Regex("/account/login\\?oidc=disabled"));
        await Assertions.Expect(refused.Locator("#oidc-problem")).ToContainTextAsync("Your account is disabled");
        await refused.Context.CloseAsync();
    }

    [Fact]
    public async Task The_login_page_offers_the_provider_in_english_and_chinese()
    {
        foreach (var (locale, text) in new[] { ("en-US", "Sign in with GitLab"), ("zh-CN", "使用 GitLab 登录") })
        {
            var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.Address.ToString(), Locale = locale });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login");
            await Assertions.Expect(page.Locator("#sign-in-oidc")).ToHaveTextAsync(text);
            await page.ScreenshotAsync(new() { Path = $"/tmp/rg-login-oidc-{locale}.png", FullPage = true });
            await context.CloseAsync();
        }
    }

    /// <summary>A fresh browser: the portal's button, then the provider's own login form, then back.</summary>
    private async Task<IPage> SignInAtProviderAsync(string login, bool expectSignedIn = true)
    {
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.ClickAsync("#sign-in-oidc");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(portal.Provider.Authority)}/interaction/"));
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", OidcProvider.Password);
        await page.ClickAsync("#submit");
        if (expectSignedIn)
            await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
        else
            await page.WaitForURLAsync(new Regex("/account/login"));
        return page;
    }

    private async Task<string[]> RolesAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return [.. (await users.GetRolesAsync((await users.FindByEmailAsync(email))!)).Order()];
    }

    private async Task<PortalUser> CreateLocalUserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email };
        Assert.True((await users.CreateAsync(user, "Local-pass-123")).Succeeded);
        return user;
    }
}

/// <summary>The provider does not answer: the login page still works for local accounts and says why.</summary>
public class OidcProviderDownBrowserTests(OidcDownPortal portal) : IClassFixture<OidcDownPortal>
{
    [Fact]
    public async Task A_local_account_still_signs_in_and_the_page_says_the_provider_did_not_answer()
    {
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.ClickAsync("#sign-in-oidc");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login\\?oidc=down$"));
        await Assertions.Expect(page.Locator("#oidc-problem")).ToContainTextAsync("GitLab did not answer");
        await page.ScreenshotAsync(new() { Path = "/tmp/rg-login-oidc-down-en-US.png", FullPage = true });

        await page.FillAsync("#email", LivePortal.AdminEmail);
        await page.FillAsync("#password", LivePortal.AdminPassword);
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync(LivePortal.AdminEmail);
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_message_is_in_chinese_for_a_chinese_browser()
    {
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.Address.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.ClickAsync("#sign-in-oidc");
        await Assertions.Expect(page.Locator("#oidc-problem")).ToContainTextAsync("GitLab 没有响应");
        await page.ScreenshotAsync(new() { Path = "/tmp/rg-login-oidc-down-zh-CN.png", FullPage = true });
        await context.CloseAsync();
    }
}

/// <summary>The provider answered once (its metadata is cached) and then went away.</summary>
public class OidcProviderGoneBrowserTests(OidcPortal portal) : IClassFixture<OidcPortal>
{
    [Fact]
    public async Task A_provider_that_stops_answering_is_reported_on_the_login_page()
    {
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.ClickAsync("#sign-in-oidc");
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync(); // the provider's own form

        portal.Provider.Stop();
        await page.GotoAsync("/account/login");
        await page.ClickAsync("#sign-in-oidc");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login\\?oidc=down$"));
        await Assertions.Expect(page.Locator("#oidc-problem")).ToContainTextAsync("GitLab did not answer");
        await context.CloseAsync();
    }
}
