using Bunit;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Components.Layout;

namespace ReleaseGate.Web.Tests;

/// <summary>The nav mirrors Core's permission table: each role sees the links to what it may open, and no other.</summary>
public class NavMenuTests : ComponentTests
{
    private static readonly (string Id, PortalAction Action)[] Guarded =
        [("#nav-audit", PortalAction.ReadAudit), ("#nav-integrations", PortalAction.ManageIntegrations), ("#nav-people", PortalAction.ManageUsers)];

    [Theory]
    [InlineData(Roles.QA)]
    [InlineData(Roles.ReleaseManager)]
    [InlineData(Roles.Admin)]
    public void The_nav_shows_only_what_the_role_may_open(string role)
    {
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);

        var nav = Render<NavMenu>();

        foreach (var (id, action) in Guarded)
            Assert.True(Permissions.Allows(action, role) == (nav.FindAll(id).Count == 1), $"{id} for {role}");
    }

    [Theory]
    [InlineData("/", "")]
    [InlineData("/candidates", "candidates")]
    [InlineData("/candidates/3f2c?tab=log", "candidates")]
    [InlineData("/schedule", "schedule")]
    public void Marks_the_link_of_the_page_on_screen_and_only_that_one(string path, string href)
    {
        SignInAs("qa@example.com", Roles.QA);

        var nav = Render<NavMenu>(p => p.Add(x => x.Path, path));

        var active = nav.FindAll("a.active");
        Assert.Equal([href], active.Select(a => a.GetAttribute("href")));
        Assert.Equal("page", active[0].GetAttribute("aria-current"));
    }

    [Fact]
    public void Speaks_the_viewers_language_whichever_language_rendered_it_first()
    {
        SignInAs("qa@example.com", Roles.QA);
        Assert.Equal("Board", Render<NavMenu>().Find("a.active .mud-nav-link-text").TextContent);

        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("zh-CN");
        try
        {
            Assert.Equal("发布看板", Render<NavMenu>().Find("a.active .mud-nav-link-text").TextContent);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = previous;
        }
    }
}
