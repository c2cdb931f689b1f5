using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Api;

/// <summary>The action of Core's permission table a people's API route stands for (read by the gate and the matrix test).</summary>
public sealed record PortalActionMetadata(PortalAction Action);

/// <summary>
/// Before a people's API route reads its body or anything else, Core's table is asked for the caller as the database
/// knows them now: a person with no role gets 403 everywhere but /me, and bad input from someone who may not act is
/// still 403, not 400. The use case behind a write asks the table again.
/// </summary>
public static class PermissionGate
{
    public static TBuilder Needs<TBuilder>(this TBuilder builder, PortalAction action) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PortalActionMetadata(action)).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var dbs = http.RequestServices.GetRequiredService<IDbContextFactory<ReleaseGateDb>>();
            var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            await using var db = await dbs.CreateDbContextAsync(http.RequestAborted);
            var refusal = PersonOrSignature.Person(http) is { } person
                ? (await Actor.ResolveAsync(db, person, now, action, http.RequestAborted)).Refusal
                : await Actor.CheckIntegrationAsync(db, SignedRequest.KeyId(http), action, null, http.RequestAborted);
            return refusal is null ? await next(context) : await ApiProblems.RefuseAsync(http, refusal);
        });
}
