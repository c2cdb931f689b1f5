using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Security;

/// <summary>A page's <c>[Authorize(Policy = nameof(PortalAction.X))]</c>: the row X of Core's table.</summary>
public sealed record PermissionRequirement(PortalAction Action) : IAuthorizationRequirement;

/// <summary>
/// One policy per action of the table, decided by Core against the account as the database knows it now (not the
/// roles a cookie remembers), so a page that reads is gated by the same call as a use case that acts.
/// </summary>
public sealed class PermissionHandler(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name }) return;
        await using var db = await dbs.CreateDbContextAsync();
        if (!(await Actor.ResolveAsync(db, name, time.GetUtcNow(), requirement.Action, CancellationToken.None)).IsRefused)
            context.Succeed(requirement);
    }

    public static void AddPolicies(AuthorizationOptions options)
    {
        foreach (var action in Enum.GetValues<PortalAction>())
            options.AddPolicy(action.ToString(), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(action)));
    }
}
