using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

public class AdminAccessTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string QaPassword = "Qa-pass-12345";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> SignedInQaAsync()
    {
        _ = portal.CreateClient();
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            if (await users.FindByEmailAsync("qa@example.com") is null)
            {
                var qa = new PortalUser { UserName = "qa@example.com", Email = "qa@example.com", EmailConfirmed = true };
                Assert.True((await users.CreateAsync(qa, QaPassword)).Succeeded);
                Assert.True((await users.AddToRoleAsync(qa, Roles.QA)).Succeeded);
            }
        }
        var client = portal.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn.PostAsync(client, "qa@example.com", QaPassword)).StatusCode);
        return client;
    }

    [Fact]
    public async Task A_signed_in_user_without_the_admin_role_is_told_integrations_need_it()
    {
        var client = await SignedInQaAsync();

        var response = await client.GetAsync("/integrations", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var denied = await client.GetAsync(SignIn.RedirectTarget(response), Ct);
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        Assert.Contains("This page needs the role Admin.", await denied.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_user_without_the_admin_role_sees_the_applications_but_cannot_open_the_form()
    {
        var client = await SignedInQaAsync();

        var list = await client.GetAsync("/applications", Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain("new-application", await list.Content.ReadAsStringAsync(Ct));

        var form = await client.GetAsync("/applications/new", Ct);
        Assert.StartsWith("/account/denied?action=ManageApplications", SignIn.RedirectTarget(form));
    }

    [Fact]
    public async Task An_admin_opens_the_integrations_page()
    {
        var client = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(client, PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var response = await client.GetAsync("/integrations", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("create-integration", await response.Content.ReadAsStringAsync(Ct));
    }
}
