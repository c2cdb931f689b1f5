using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

public class PortalTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory portal;

    public PortalTests(PortalFactory portal) => this.portal = portal;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_answers_without_sign_in()
    {
        var response = await portal.CreateClient().GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_reports_the_database_and_the_scheduler()
    {
        var response = await portal.CreateClient().GetAsync("/readyz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/candidates")]
    [InlineData("/schedule")]
    [InlineData("/applications")]
    [InlineData("/swarm")]
    [InlineData("/audit")]
    [InlineData("/people")]
    [InlineData("/account")]
    [InlineData("/account/password")]
    [InlineData("/integrations")]
    [InlineData("/applications/new")]
    public async Task Every_page_needs_a_signed_in_user(string page)
    {
        var response = await portal.CreateBrowserLikeClient().GetAsync(page, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task The_first_admin_from_settings_signs_in_and_sees_the_board()
    {
        var client = portal.CreateBrowserLikeClient();
        var response = await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", SignIn.RedirectTarget(response));

        var board = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.Contains(PortalFactory.AdminEmail, await board.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_first_admin_is_an_admin_only()
    {
        _ = portal.CreateClient();
        await using var db = portal.CreateDb();
        var roles = await (from u in db.Users
                           join ur in db.UserRoles on u.Id equals ur.UserId
                           join r in db.Roles on ur.RoleId equals r.Id
                           where u.Email == PortalFactory.AdminEmail
                           select r.Name).ToListAsync(Ct);
        Assert.Equal([Roles.Admin], roles);
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var client = portal.CreateBrowserLikeClient();
        var response = await SignIn.PostAsync(client, PortalFactory.AdminEmail, "not-the-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("login-error", await response.Content.ReadAsStringAsync(Ct));

        var board = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, board.StatusCode);
    }

    [Fact]
    public async Task Sign_in_never_redirects_off_site()
    {
        var client = portal.CreateBrowserLikeClient();
        var response = await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword, "//evil.example.com/");
        Assert.Equal("/", SignIn.RedirectTarget(response));
    }
}
