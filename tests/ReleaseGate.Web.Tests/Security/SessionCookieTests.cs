using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>A cookie follows its account: once the account is disabled, the next request after the check interval is signed out.</summary>
public class SessionCookieTests
{
    [Fact]
    public async Task A_disabled_accounts_cookie_stops_working_within_the_check_interval()
    {
        var ct = TestContext.Current.CancellationToken;
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Security:SessionCheckSeconds"] = "1";
        await portal.CreateUserAsync("cookie-qa@example.com", Roles.QA);
        var browser = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(browser, "cookie-qa@example.com", "Test-pass-123");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/", ct)).StatusCode);

        using (var scope = portal.Services.CreateScope())
        {
            var id = (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync("cookie-qa@example.com"))!.Id;
            Assert.False((await scope.ServiceProvider.GetRequiredService<ChangeUser>().RunAsync(id, UserChange.Disable, PortalFactory.AdminEmail)).IsRefused);
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);

        var after = await browser.GetAsync("/", ct);
        Assert.StartsWith("/account/login", SignIn.RedirectTarget(after));
    }
}
