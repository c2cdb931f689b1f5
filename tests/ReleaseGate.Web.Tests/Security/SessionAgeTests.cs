using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace ReleaseGate.Web.Tests;

/// <summary>A sign-in lasts at most ReleaseGate__Security__SessionHours, however often the cookie is renewed on the way.</summary>
public class SessionAgeTests
{
    [Fact]
    public async Task A_session_used_all_day_ends_at_its_maximum_age()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Security:SessionHours"] = "12";
        portal.Replace<TimeProvider>(clock);
        var client = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        // Busy all day: a request every hour renews the cookie (sliding), yet the sign-in's own time travels with it.
        for (var hour = 0; hour < 11; hour++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account", ct)).StatusCode);
            clock.Advance(TimeSpan.FromHours(1));
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account", ct)).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(61));
        var after = await client.GetAsync("/account", ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", SignIn.RedirectTarget(after));
    }

    [Fact]
    public async Task Linking_a_provider_login_is_only_a_post_with_the_sites_antiforgery_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Oidc:Authority"] = "http://127.0.0.1:9";
        portal.Settings["ReleaseGate:Oidc:ClientId"] = "releasegate";
        portal.Settings["ReleaseGate:Oidc:ClientSecret"] = "test-fixture-secret";
        var client = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/account/oidc/link", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/account/oidc/link", new FormUrlEncodedContent([]), ct)).StatusCode);
    }
}
