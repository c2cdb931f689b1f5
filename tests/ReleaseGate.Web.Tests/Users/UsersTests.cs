using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>Accounts managed by an admin, through the real portal's Identity store.</summary>
public partial class UsersTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory portal;
    public UsersTests(PortalFactory portal) => this.portal = portal;

    private async Task<Outcome<UserSaved>> CreateAsync(string email, params string[] roles)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CreateUser>().RunAsync(email, "Test Person", roles, PortalFactory.AdminEmail);
    }

    private async Task<Outcome<UserSaved>> ChangeAsync(string email, UserChange change, params string[] roles)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
        return await scope.ServiceProvider.GetRequiredService<ChangeUser>().RunAsync(user!.Id, change, PortalFactory.AdminEmail, roles);
    }

    private async Task<bool> SignsInAsync(string email, string password) =>
        SignIn.RedirectTarget(await SignIn.PostAsync(portal.CreateBrowserLikeClient(), email, password)) == "/";

    [Fact]
    public async Task A_new_account_signs_in_with_the_password_shown_once_and_has_its_roles()
    {
        var created = Assert.IsType<UserSaved>((await CreateAsync("qa.new@example.com", Roles.QA)).Value);

        Assert.True(await SignsInAsync("qa.new@example.com", created.TemporaryPassword!));
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.Equal([Roles.QA], await users.GetRolesAsync((await users.FindByEmailAsync("qa.new@example.com"))!));
        await using var db = portal.CreateDb();
        Assert.Contains(await db.AuditEvents.ToListAsync(TestContext.Current.CancellationToken), a => a.Action == "user.created" && a.Subject == "qa.new@example.com");
    }

    [Fact]
    public async Task The_same_mail_twice_and_an_unknown_role_are_refused()
    {
        await CreateAsync("twice@example.com");
        var again = Assert.IsType<Refusal>((await CreateAsync("twice@example.com")).Refusal);
        Assert.Equal("email", again.Field);
        var role = Assert.IsType<Refusal>((await CreateAsync("role@example.com", "Superuser")).Refusal);
        Assert.Equal("roles", role.Field);
        Assert.Contains("角色", role.Problems[0].MessageZh);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_until_enabled_again()
    {
        var password = (await CreateAsync("leaver@example.com", Roles.QA)).Value!.TemporaryPassword!;

        Assert.IsType<UserSaved>((await ChangeAsync("leaver@example.com", UserChange.Disable)).Value);
        Assert.False(await SignsInAsync("leaver@example.com", password));

        Assert.IsType<UserSaved>((await ChangeAsync("leaver@example.com", UserChange.Enable)).Value);
        Assert.True(await SignsInAsync("leaver@example.com", password));
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one()
    {
        var first = (await CreateAsync("forgot@example.com")).Value!.TemporaryPassword!;
        var second = Assert.IsType<UserSaved>((await ChangeAsync("forgot@example.com", UserChange.ResetPassword)).Value).TemporaryPassword!;

        Assert.False(await SignsInAsync("forgot@example.com", first));
        Assert.True(await SignsInAsync("forgot@example.com", second));
    }

    [Fact]
    public async Task The_last_admin_can_be_neither_demoted_nor_disabled()
    {
        var demote = Assert.IsType<Refusal>((await ChangeAsync(PortalFactory.AdminEmail, UserChange.SetRoles, Roles.QA)).Refusal);
        Assert.Contains("last admin", demote.Message);
        Assert.IsType<Refusal>((await ChangeAsync(PortalFactory.AdminEmail, UserChange.Disable)).Refusal);
        Assert.True(await SignsInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [Fact]
    public async Task A_person_changes_their_own_password()
    {
        var temporary = (await CreateAsync("changer@example.com", Roles.QA)).Value!.TemporaryPassword!;
        var client = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(client, "changer@example.com", temporary);

        var form = await client.GetStringAsync("/account/password", TestContext.Current.CancellationToken);
        var response = await client.PostAsync("/account/password", new FormUrlEncodedContent(
        [
            new("_handler", "change-password"), new("__RequestVerificationToken", Token().Match(form).Groups[1].Value),
            new("Input.Current", temporary), new("Input.New", "My-own-pass-7"), new("Input.Confirm", "My-own-pass-7"),
        ]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("password-changed", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(await SignsInAsync("changer@example.com", "My-own-pass-7"));
        Assert.False(await SignsInAsync("changer@example.com", temporary));
    }
}
