using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Security;

namespace ReleaseGate.Web.Tests;

/// <summary>Wrong passwords slow the form down with a growing wait, per account and per address; they never lock or disable anyone.</summary>
public class SignInBackoffTests(PeoplePortal portal) : IClassFixture<PeoplePortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_wait_doubles_after_three_free_failures_up_to_a_cap_and_a_quiet_quarter_hour_forgets_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
        var backoff = new SignInBackoff(time);
        var waits = new List<double>();
        for (var i = 0; i < 16; i++)
        {
            backoff.Failed("sign-in", "qa@example.com", "192.0.2.1");
            var wait = backoff.WaitFor("sign-in", "qa@example.com", "192.0.2.1");
            waits.Add(wait.TotalSeconds);
            time.Advance(wait);
        }

        Assert.Equal([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900], waits);
        time.Advance(TimeSpan.FromMinutes(16));
        backoff.Failed("sign-in", "qa@example.com", "192.0.2.1");
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("sign-in", "qa@example.com", "192.0.2.1"));
    }

    [Fact]
    public void One_address_trying_many_accounts_is_slowed_and_a_right_password_clears_only_the_account()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
        var backoff = new SignInBackoff(time);
        for (var i = 0; i < 4; i++) backoff.Failed("sign-in", $"person{i}@example.com", "192.0.2.9");

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.WaitFor("sign-in", "someone.new@example.com", "192.0.2.9"));
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("sign-in", "someone.new@example.com", "198.51.100.1"));
        Assert.Equal(TimeSpan.Zero, backoff.WaitFor("change-password", "someone.new@example.com", "192.0.2.9"));
        backoff.Succeeded("sign-in", "person3@example.com");
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.WaitFor("sign-in", "person3@example.com", "192.0.2.9"));
    }

    [Fact]
    public async Task Ten_wrong_passwords_delay_the_form_but_leave_the_account_its_tokens_and_open_sessions_alone()
    {
        const string email = "backoff.qa@example.com";
        var token = await portal.PersonWithTokenAsync(email, Roles.QA);
        var tab = portal.CreateBrowserLikeClient();
        Assert.Equal("/", SignIn.RedirectTarget(await SignIn.PostAsync(tab, email, "Test-pass-123")));
        var attacker = portal.CreateBrowserLikeClient();

        var pages = new List<string>();
        for (var i = 0; i < 10; i++) pages.Add(await (await SignIn.PostAsync(attacker, email, $"wrong-guess-{i}")).Content.ReadAsStringAsync(Ct));
        var rightWhileDelayed = await SignIn.PostAsync(attacker, email, "Test-pass-123");

        Assert.All(pages.Take(4), p => Assert.Contains("Wrong e-mail or password", p));
        Assert.Contains("wait", pages[^1]);
        Assert.Equal("", SignIn.RedirectTarget(rightWhileDelayed));
        Assert.Contains("wait", await rightWhileDelayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await portal.As(token).GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tab.GetAsync("/account", Ct)).StatusCode);
        await using (var db = portal.CreateDb())
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email, Ct);
            Assert.Null(user.LockoutEnd);
            Assert.Equal(0, user.AccessFailedCount);
            Assert.Contains(await db.AuditEvents.Where(a => a.Subject == email).Select(a => a.Action).ToListAsync(Ct), a => a == "user.sign-in-delayed");
        }

        // Once the wait is over, the right password signs in as ever.
        var backoff = portal.Services.GetRequiredService<SignInBackoff>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (backoff.WaitFor(AuditedSignInManager.Form, email, RateLimits.Partition(null)) > TimeSpan.Zero && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        Assert.Equal("/", SignIn.RedirectTarget(await SignIn.PostAsync(attacker, email, "Test-pass-123")));
    }
}
