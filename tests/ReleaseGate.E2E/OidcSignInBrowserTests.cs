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
    private const string LocalPassword = "Local-pass-123";
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
            Assert.True(await db.UserLogins.AnyAsync(l => l.UserId == user.Id && l.LoginProvider == portal.Provider.Authority && l.ProviderKey == "wang.fang", Ct));
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

    [Theory]
    [InlineData("en-US", "already exists and is not linked", "Link GitLab", "is now linked")]
    [InlineData("zh-CN", "未关联", "关联 GitLab", "已关联到此账号")]
    public async Task A_local_account_is_not_taken_over_by_email_and_its_owner_links_it_while_signed_in(
        string locale, string notLinked, string linkButton, string linkedText)
    {
        var email = $"zhao.lei.{locale.ToLowerInvariant()}@example.com";
        var local = await CreateLocalUserAsync(email);
        portal.Provider.SetAccount(email, email, [OidcPortal.QaGroup]);

        // Someone who controls a provider account with this e-mail is not signed in as its owner.
        var refused = await SignInAtProviderAsync(email, expectSignedIn: false, locale: locale);
        await Assertions.Expect(refused).ToHaveURLAsync(new Regex("/account/login\\?oidc=notlinked"));
        await Assertions.Expect(refused.Locator("#oidc-problem")).ToContainTextAsync(notLinked);
        await LivePortal.ShotAsync(refused, $"oidc-not-linked-{locale}");
        await refused.Context.CloseAsync();
        await using (var db = portal.CreateDb())
            Assert.False(await db.UserLogins.AnyAsync(l => l.UserId == local.Id, Ct));

        // The owner, signed in with the password, links the provider login from My account.
        var page = await portal.SignedInPageAsync(email, LocalPassword, locale);
        await page.GotoAsync("/account");
        await Assertions.Expect(page.Locator("#link-state")).ToHaveAttributeAsync("data-linked", "false");
        await LivePortal.ShotAsync(page, $"oidc-link-{locale}");
        await Assertions.Expect(page.Locator("#link-oidc")).ToHaveTextAsync(linkButton);
        await page.ClickAsync("#link-oidc");
        await page.FillAsync("#login", email);
        await page.FillAsync("#password", OidcProvider.Password);
        await page.ClickAsync("#submit");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account\\?link=linked$"));
        await Assertions.Expect(page.Locator("#link-answer")).ToContainTextAsync(linkedText);
        await Assertions.Expect(page.Locator("#link-state")).ToHaveAttributeAsync("data-linked", "true");
        await LivePortal.ShotAsync(page, $"oidc-linked-{locale}");
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.Context.CloseAsync();
        await using (var db = portal.CreateDb())
            Assert.Equal(local.Id, (await db.UserLogins.SingleAsync(l => l.LoginProvider == portal.Provider.Authority && l.ProviderKey == email, Ct)).UserId);
        Assert.Equal(["QA"], await RolesAsync(email));

        // From now on the provider signs the owner in; disabled, they are refused.
        var again = await SignInAtProviderAsync(email);
        await Assertions.Expect(again.Locator("#signed-in-user")).ToHaveTextAsync(email);
        await again.Context.CloseAsync();
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(local.Id))!, DateTimeOffset.MaxValue);
        }
        var disabled = await SignInAtProviderAsync(email, expectSignedIn: false);
        await Assertions.Expect(disabled).ToHaveURLAsync(new Regex("/account/login\\?oidc=disabled"));
        await disabled.Context.CloseAsync();
    }

    [Fact]
    public async Task A_gitlab_user_removed_from_the_qa_group_loses_the_role_in_the_tab_they_have_open()
    {
        var page = await QaWithATabOpenAsync("li.na");
        Assert.Equal(["QA"], await RolesAsync("li.na@example.com"));

        // Removed from the group at GitLab; no sign-in, no click: the scheduled re-read takes the role, and the tab hears of it.
        portal.Provider.SetAccount("li.na", "li.na@example.com", ["acme/everyone"]);
        await Assertions.Expect(page.Locator("#account-notice")).ToContainTextAsync("changed", new() { Timeout = 20_000 });
        Assert.Empty(await RolesAsync("li.na@example.com"));
        await using (var db = portal.CreateDb())
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "user.roles-revalidated" && e.Subject == "li.na@example.com", Ct));
        // The cookie carried the old roles: it no longer signs anyone in.
        await page.GotoAsync("/account");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_gitlab_user_removed_from_the_provider_loses_sessions_and_tokens()
    {
        var page = await QaWithATabOpenAsync("chen.jie");
        string token;
        await using (var scope = portal.Services.CreateAsyncScope())
            token = (await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync("chen.jie@example.com", "chen.jie@example.com", "ci", 30, ReleaseGate.Core.Access.TokenScopes.Legacy, Ct)).Value!.Token;
        using var api = new HttpClient { BaseAddress = portal.Address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/api/v1/me", Ct)).StatusCode);

        portal.Provider.RemoveAccount("chen.jie");
        await Assertions.Expect(page.Locator("#account-notice")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.Empty(await RolesAsync("chen.jie@example.com"));
        await using (var db = portal.CreateDb())
            Assert.Contains(await db.AuditEvents.Where(e => e.Action == "user.gone-from-provider").ToListAsync(Ct),
                e => e.Subject == "chen.jie@example.com" && e.Details.Contains("1 token(s) revoked"));
        await page.Context.CloseAsync();
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

    /// <summary>A GitLab user in the QA group, signed in with the provider, with My account open and interactive.</summary>
    private async Task<IPage> QaWithATabOpenAsync(string login)
    {
        portal.Provider.SetAccount(login, $"{login}@example.com", [OidcPortal.QaGroup]);
        var page = await SignInAtProviderAsync(login);
        await page.GotoAsync("/account");
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>A fresh browser: the portal's button, then the provider's own login form, then back.</summary>
    private async Task<IPage> SignInAtProviderAsync(string login, bool expectSignedIn = true, string? locale = null)
    {
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.Address.ToString(), Locale = locale });
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
        Assert.True((await users.CreateAsync(user, LocalPassword)).Succeeded);
        // A QA: an account with no role would see only "no access yet".
        Assert.True((await users.AddToRoleAsync(user, ReleaseGate.Core.Users.Roles.QA)).Succeeded);
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
