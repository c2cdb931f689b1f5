using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>Security headers on every answer; Secure cookies behind https; logout only by POST with antiforgery; sign-ins audited; long passwords.</summary>
public class HeadersAndCookiesTests
{
    [Fact]
    public async Task Every_answer_carries_the_security_headers()
    {
        using var portal = new PortalFactory();
        var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
            { BaseAddress = new Uri("https://localhost/"), AllowAutoRedirect = false });
        var response = await client.GetAsync("/account/login", TestContext.Current.CancellationToken);
        Assert.All(response.Headers.GetValues("Content-Security-Policy"), csp => Assert.Contains("frame-ancestors 'none'", csp));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        // Over http, cookies are not forced Secure (a local install must work).
        var policy = portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>>().Value.Cookie.SecurePolicy;
        Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest, policy);
    }

    [Fact]
    public async Task Behind_an_https_public_url_cookies_are_secure()
    {
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:PublicUrl"] = "https://releases.example.com/";
        var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
            { BaseAddress = new Uri("https://localhost/"), AllowAutoRedirect = false });
        var response = await client.GetAsync("/account/login", TestContext.Current.CancellationToken);
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Logout_is_only_a_post_with_the_sites_antiforgery_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var portal = new PortalFactory();
        var client = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync("/account/logout", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/account/logout", new FormUrlEncodedContent([]), ct)).StatusCode);
        // Still signed in: the board answers instead of sending us to the login page.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", ct)).StatusCode);
    }

    [Fact]
    public async Task Sign_in_success_and_failure_are_audited_and_short_passwords_refused()
    {
        using var portal = new PortalFactory();
        var client = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(client, PortalFactory.AdminEmail, "wrong-password-1");
        await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        using (var db = portal.CreateDb())
        {
            var actions = db.AuditEvents.Where(a => a.Actor == PortalFactory.AdminEmail).Select(a => a.Action).ToList();
            Assert.Contains("user.sign-in-failed", actions);
            Assert.Contains("user.signed-in", actions);
        }
        using var scope = portal.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var created = await users.CreateAsync(new PortalUser { UserName = "short@example.com", Email = "short@example.com" }, "Short-pass1");
        Assert.False(created.Succeeded);
    }
}
