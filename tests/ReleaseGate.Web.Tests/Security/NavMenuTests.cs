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
}
