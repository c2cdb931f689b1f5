using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The account side of "Sign in with GitLab", through the real portal's Identity store (the browser side is in E2E).</summary>
public class SignInExternallyTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<Outcome<PortalUser>> SignInAsync(string subject, string? email, bool verified, params string[] roles)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInExternally>()
            .RunAsync(new ExternalIdentity("oidc", "GitLab", subject, email, verified, subject, roles.ToHashSet()));
    }

    private async Task<string[]> RolesAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return [.. (await users.GetRolesAsync((await users.FindByEmailAsync(email))!)).Order()];
    }

    [Fact]
    public async Task The_last_admin_keeps_admin_when_the_groups_no_longer_give_it()
    {
        Assert.IsType<PortalUser>((await SignInAsync("root", PortalFactory.AdminEmail, true, Roles.QA)).Value);

        Assert.Equal([Roles.Admin, Roles.QA], await RolesAsync(PortalFactory.AdminEmail));
        await using var db = portal.CreateDb();
        Assert.Contains(await db.AuditEvents.Where(e => e.Action == "user.signed-in").ToListAsync(TestContext.Current.CancellationToken),
            e => e.Subject == PortalFactory.AdminEmail && e.Details.Contains("Admin kept"));
    }

    [Fact]
    public async Task A_local_account_is_not_linked_to_an_unverified_email()
    {
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var user = new PortalUser { UserName = "local@example.com", Email = "local@example.com", EmailConfirmed = true };
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user, "Local-pass-123")).Succeeded);
        }

        var refusal = Assert.IsType<Refusal>((await SignInAsync("local", "local@example.com", false, Roles.Admin)).Refusal);

        Assert.Equal("email_verified", refusal.Field);
        Assert.Empty(await RolesAsync("local@example.com"));
    }

    [Fact]
    public async Task A_first_sign_in_without_an_email_is_refused_and_a_known_subject_keeps_its_account()
    {
        Assert.Equal("email", Assert.IsType<Refusal>((await SignInAsync("no-mail", null, true)).Refusal).Field);

        var first = Assert.IsType<PortalUser>((await SignInAsync("sub-42", "renamed@example.com", true, Roles.QA)).Value);
        // The provider's subject finds the account again, whatever e-mail comes with it.
        var again = Assert.IsType<PortalUser>((await SignInAsync("sub-42", "other@example.com", true, Roles.ReleaseManager)).Value);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal([Roles.ReleaseManager], await RolesAsync("renamed@example.com"));
    }
}
