using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>A signed-in person gets a new feed token (shown once); their previous feed stops working.</summary>
public sealed class IssueCalendarFeed(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<string>> RunAsync(string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.ReadSchedule, ct)).Refusal is { } refused) return refused;
        foreach (var old in await db.CalendarFeeds.Where(f => f.Owner == actor && f.RevokedAt == null).ToListAsync(ct))
            old.RevokedAt = now;
        var token = CalendarFeed.NewToken();
        db.CalendarFeeds.Add(new CalendarFeed { Owner = actor, TokenHash = CalendarFeed.Hash(token), CreatedAt = now });
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "calendar-feed.issued", actor));
        await db.SaveChangesAsync(ct);
        return token;
    }
}
