using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>Sign-out from the app bar in Chromium: asked to sign in again, and the cookie the browser had is refused afterwards.</summary>
public class SignOutInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    private const string Password = "Sign-out-pass-1";

    [Fact]
    public async Task Signing_out_asks_to_sign_in_again_and_the_old_cookie_no_longer_signs_in()
    {
        await portal.CreateUserAsync("qa-signout@example.com", Roles.QA, Password);
        var page = await portal.SignedInPageAsync("qa-signout@example.com", Password);
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync("qa-signout@example.com");
        var before = (await page.Context.CookiesAsync()).Where(c => c.Name.StartsWith("releasegate.auth")).ToList();
        Assert.NotEmpty(before);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = portal.Address };
        Task<HttpResponseMessage> ReplayAsync()
        {
            var replay = new HttpRequestMessage(HttpMethod.Get, "/");
            replay.Headers.Add("Cookie", string.Join("; ", before.Select(c => $"{c.Name}={c.Value}")));
            return http.SendAsync(replay, TestContext.Current.CancellationToken);
        }
        Assert.Equal(HttpStatusCode.OK, (await ReplayAsync()).StatusCode); // the copy works while the session lasts

        await page.Locator("#sign-out").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Assertions.Expect(page.Locator("#email")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveCountAsync(0);

        // The cookie as the browser held it before, replayed by another client: not signed in.
        var answer = await ReplayAsync();
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains("/account/login", answer.Headers.Location!.ToString());
        await page.Context.CloseAsync();
    }
}
