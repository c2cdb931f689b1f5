using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The account side of "Sign in with GitLab", through the real portal's Identity store (the browser side is in E2E).</summary>
public class SignInExternallyTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string GitLab = "https://gitlab.example.com";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Outcome<PortalUser>> SignInAsync(string subject, string? email, params string[] roles) =>
        await SignInAtAsync(GitLab, subject, email, roles);

    private async Task<Outcome<PortalUser>> SignInAtAsync(string issuer, string subject, string? email, params string[] roles)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInExternally>()
            .RunAsync(new ExternalIdentity(new ExternalLogin(issuer, subject, "GitLab"), email, true, subject, roles.ToHashSet()));
    }

    private async Task<Outcome<PortalUser>> LinkAsync(Acting by, string email, string subject)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LinkExternalLogin>().RunAsync(by, email, new ExternalLogin(GitLab, subject, "GitLab"));
    }

    private async Task<string[]> RolesAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return [.. (await users.GetRolesAsync((await users.FindByEmailAsync(email))!)).Order()];
    }

    [Fact]
    public async Task A_provider_account_with_the_admins_email_does_not_become_the_admin()
    {
        // Compared with before, not with [Admin]: another test in this class links the admin and gives it QA.
        var before = await RolesAsync(PortalFactory.AdminEmail);
        var refusal = Assert.IsType<Refusal>((await SignInAsync("attacker", PortalFactory.AdminEmail, Roles.QA)).Refusal);

        Assert.Equal(RefusalCode.NotLinked, refusal.Code);
        Assert.Equal("email", refusal.Field);
        await using var db = portal.CreateDb();
        Assert.False(await db.UserLogins.AnyAsync(l => l.ProviderKey == "attacker", Ct));
        Assert.Contains(Roles.Admin, before);
        Assert.Equal(before, await RolesAsync(PortalFactory.AdminEmail));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "user.sign-in-refused" && e.Subject == PortalFactory.AdminEmail, Ct));
    }

    [Fact]
    public async Task A_local_account_is_linked_by_its_owner_or_an_admin_and_then_signs_in_with_the_provider()
    {
        await portal.CreateUserAsync("owner@example.com");
        await portal.CreateUserAsync("other@example.com", Roles.QA);

        Assert.Equal(RefusalCode.MissingRole, (await LinkAsync("other@example.com", "owner@example.com", "sub-owner")).Refusal?.Code);
        Assert.IsType<PortalUser>((await LinkAsync("owner@example.com", "owner@example.com", "sub-owner")).Value);
        var signedIn = Assert.IsType<PortalUser>((await SignInAsync("sub-owner", "owner@example.com", Roles.ReleaseManager)).Value);
        Assert.Equal("owner@example.com", signedIn.Email);
        Assert.Equal([Roles.ReleaseManager], await RolesAsync("owner@example.com"));

        // One login, one account: an admin cannot link the same login to a second account.
        Assert.Equal(RefusalCode.AlreadyExists, (await LinkAsync(PortalFactory.AdminEmail, "other@example.com", "sub-owner")).Refusal?.Code);
        Assert.IsType<PortalUser>((await LinkAsync(Acting.CommandLine, "other@example.com", "sub-other")).Value);
        Assert.Equal("other@example.com", Assert.IsType<PortalUser>((await SignInAsync("sub-other", "other@example.com", Roles.QA)).Value).Email);
    }

    [Fact]
    public async Task The_same_subject_at_another_issuer_is_another_person()
    {
        var first = Assert.IsType<PortalUser>((await SignInAtAsync(GitLab, "7", "seven@example.com", Roles.QA)).Value);

        var refusal = Assert.IsType<Refusal>((await SignInAtAsync("https://evil.example.com", "7", "seven@example.com", Roles.Admin)).Refusal);

        Assert.Equal(RefusalCode.NotLinked, refusal.Code);
        Assert.Equal([Roles.QA], await RolesAsync(first.Email!));
    }

    [Fact]
    public async Task The_last_admin_keeps_admin_when_the_groups_no_longer_give_it()
    {
        Assert.IsType<PortalUser>((await LinkAsync(Acting.CommandLine, PortalFactory.AdminEmail, "root")).Value);
        Assert.IsType<PortalUser>((await SignInAsync("root", PortalFactory.AdminEmail, Roles.QA)).Value);

        Assert.Equal([Roles.Admin, Roles.QA], await RolesAsync(PortalFactory.AdminEmail));
        await using var db = portal.CreateDb();
        Assert.Contains(await db.AuditEvents.Where(e => e.Action == "user.signed-in").ToListAsync(Ct),
            e => e.Subject == PortalFactory.AdminEmail && e.Details.Contains("Admin kept"));
    }

    [Fact]
    public async Task A_first_sign_in_without_an_email_is_refused_and_a_known_subject_keeps_its_account()
    {
        Assert.Equal("email", Assert.IsType<Refusal>((await SignInAsync("no-mail", null)).Refusal).Field);

        var first = Assert.IsType<PortalUser>((await SignInAsync("sub-42", "renamed@example.com", Roles.QA)).Value);
        // The provider's subject finds the account again, whatever e-mail comes with it.
        var again = Assert.IsType<PortalUser>((await SignInAsync("sub-42", "other42@example.com", Roles.ReleaseManager)).Value);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal([Roles.ReleaseManager], await RolesAsync("renamed@example.com"));
    }
}
