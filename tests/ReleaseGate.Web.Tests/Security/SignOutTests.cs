using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ReleaseGate.Web.Tests;

/// <summary>Signing out ends that session for good (its cookie, replayed, is refused); the language switch goes back only to this site.</summary>
public partial class SignOutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("action=\"account/logout\">\\s*<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex LogoutToken();

    /// <summary>Signs in with a client of its own and answers the session's cookies as a browser would send them.</summary>
    private static async Task<string> SignedInCookiesAsync(PortalFactory portal) =>
        AuthCookies(await SignIn.PostAsync(portal.CreateBrowserLikeClient(), PortalFactory.AdminEmail, PortalFactory.AdminPassword));

    private static string AuthCookies(HttpResponseMessage signIn) => Cookies(signIn, "releasegate.auth") is { Length: > 0 } cookies
        ? cookies : throw new InvalidOperationException($"The sign-in set no session cookie ({signIn.StatusCode}).");

    private static string Cookies(HttpResponseMessage response, string prefix) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Where(c => c.StartsWith(prefix)).Select(c => c.Split(';')[0]) : []);

    private static async Task<HttpResponseMessage> GetWithAsync(PortalFactory portal, string cookies, string path)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_its_cookie_replayed_afterwards_is_refused()
    {
        using var portal = new PortalFactory();
        var browser = portal.CreateBrowserLikeClient();
        var kept = AuthCookies(await SignIn.PostAsync(browser, PortalFactory.AdminEmail, PortalFactory.AdminPassword));
        var board = await browser.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        var token = LogoutToken().Match(await board.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        Assert.NotEmpty(token);

        var signOut = await browser.PostAsync("/account/logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);

        Assert.Equal("/account/login", SignIn.RedirectTarget(signOut));
        Assert.StartsWith("/account/login", SignIn.RedirectTarget(await browser.GetAsync("/", Ct)));
        // The cookie as copied before the sign-out (a thief's, a shared machine's) signs nobody in.
        Assert.StartsWith("/account/login", SignIn.RedirectTarget(await GetWithAsync(portal, kept, "/")));
    }

    [Fact]
    public async Task Signing_out_one_session_leaves_the_same_persons_other_sessions_signed_in()
    {
        using var portal = new PortalFactory();
        var mine = await SignedInCookiesAsync(portal);
        var other = await SignedInCookiesAsync(portal);
        var board = await GetWithAsync(portal, mine, "/");
        var token = LogoutToken().Match(await board.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        var antiforgery = Cookies(board, ".AspNetCore.Antiforgery");

        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/account/logout") { Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]) };
        logout.Headers.Add("Cookie", $"{mine}; {antiforgery}");
        Assert.Equal("/account/login", SignIn.RedirectTarget(await client.SendAsync(logout, Ct)));

        Assert.StartsWith("/account/login", SignIn.RedirectTarget(await GetWithAsync(portal, mine, "/")));
        Assert.Equal(HttpStatusCode.OK, (await GetWithAsync(portal, other, "/")).StatusCode);
    }

    [Fact]
    public async Task A_session_stays_signed_in_when_the_stamp_check_renews_its_cookie()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Security:SessionCheckSeconds"] = "1";
        portal.Replace<TimeProvider>(clock);
        var browser = portal.CreateBrowserLikeClient();
        var first = AuthCookies(await SignIn.PostAsync(browser, PortalFactory.AdminEmail, PortalFactory.AdminPassword));

        // The check runs once the interval has passed since the cookie was issued: it rebuilds the principal and renews the cookie.
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var renewed = await browser.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.NotEqual(first, Cookies(renewed, "releasegate.auth"));
        Assert.NotEmpty(Cookies(renewed, "releasegate.auth"));

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/", Ct)).StatusCode); // the renewed cookie kept its session
    }

    [Theory]
    [InlineData("/\\evil.example.com")]
    [InlineData("//evil.example.com")]
    [InlineData("https://evil.example.com/")]
    [InlineData("evil.example.com")]
    [InlineData("/\t/evil.example.com")]
    [InlineData("/%5Cevil.example.com")]
    [InlineData("%2F%2Fevil.example.com")]
    public async Task The_language_switch_refuses_to_send_anyone_off_the_site(string redirect)
    {
        using var portal = new PortalFactory();
        var client = portal.CreateBrowserLikeClient();

        // The text as it would stand in the address (%XX as typed), decoded and sent escaped as the form would send it.
        var response = await client.GetAsync($"/culture?culture=zh-CN&redirect={Uri.EscapeDataString(Uri.UnescapeDataString(redirect))}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"redirect\"", await response.Content.ReadAsStringAsync(Ct));
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(".AspNetCore.Culture")));
    }

    [Theory]
    [InlineData("/candidates?phase=AwaitingSignOff", "/candidates?phase=AwaitingSignOff")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    public async Task The_language_switch_goes_back_to_the_page_it_was_asked_from(string redirect, string expected)
    {
        using var portal = new PortalFactory();
        var client = portal.CreateBrowserLikeClient();

        var response = await client.GetAsync($"/culture?culture=zh-CN&redirect={Uri.EscapeDataString(redirect)}", Ct);

        Assert.Equal(expected, SignIn.RedirectTarget(response));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture"));
    }
}
