using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

public class UsersPageTests : ComponentTests
{
    public UsersPageTests()
    {
        // The real Identity store on the test's SQLite file, one DbContext per scope as in the portal.
        Services.AddScoped(_ => Database.CreateDbContext());
        Services.AddIdentityCore<PortalUser>(o => o.Password.RequireNonAlphanumeric = false)
            .AddRoles<IdentityRole>().AddEntityFrameworkStores<ReleaseGateDb>().AddDefaultTokenProviders();
        Services.AddScoped<CreateUser>();
        Services.AddScoped<ChangeUser>();
        SignInAs("admin@example.com", Roles.Admin);
        using var scope = Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All) roles.CreateAsync(new IdentityRole(role)).GetAwaiter().GetResult();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = new PortalUser { UserName = "admin@example.com", Email = "admin@example.com" };
        users.CreateAsync(admin, "Admin-pass-1").GetAwaiter().GetResult();
        users.AddToRoleAsync(admin, Roles.Admin).GetAwaiter().GetResult();
    }

    [Fact]
    public void Creating_an_account_shows_its_password_once_and_lists_the_person()
    {
        var dialogs = RenderProviders();
        var page = Render<UsersPage>();
        page.Find("#new-email").Change("qa.one@example.com");
        page.Find("#new-name").Change("QA One");

        page.Find("#create-account").Click();

        dialogs.WaitForElement("#temporary-password");
        var password = dialogs.Find("#temporary-password").GetAttribute("value")!;
        Assert.Equal(16, password.Length);
        page.WaitForAssertion(() => Assert.Contains("qa.one@example.com", page.Find("#people").TextContent));
        dialogs.Find("#password-done").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#temporary-password")));
        Assert.DoesNotContain(password, page.Markup);
    }

    [Fact]
    public void Disabling_the_last_admin_is_refused_on_the_page()
    {
        RenderProviders();
        var page = Render<UsersPage>();
        page.WaitForElement("#people");

        page.Find("#people .toggle-account").Click();

        page.WaitForAssertion(() => Assert.Contains("last admin", page.Find("#people-problem").TextContent));
        Assert.Contains("active", page.Find("#people .person-status").TextContent);
    }
}
