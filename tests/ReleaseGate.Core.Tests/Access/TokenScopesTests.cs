using ReleaseGate.Core.Access;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

/// <summary>The scope table beside the permission table: complete, closed for integration-only actions, and one scope per role set.</summary>
public class TokenScopesTests
{
    public static TheoryData<PortalAction> Actions() => [.. Enum.GetValues<PortalAction>()];

    [Theory]
    [MemberData(nameof(Actions))]
    public void Every_action_has_a_row_and_a_person_action_has_a_scope(PortalAction action)
    {
        Assert.True(TokenScopes.Knows(action), $"{action} has no row in TokenScopes: say which scope (or none) covers it.");
        var forPeople = Permissions.RolesFor(action).Length > 0;
        Assert.Equal(forPeople, TokenScopes.For(action) is not null);
        if (TokenScopes.For(action) is { } scope)
        {
            Assert.True(TokenScopes.Covers([scope], action));
            Assert.False(TokenScopes.Covers(TokenScopes.All.Except([scope]).ToList(), action));
        }
    }
}
