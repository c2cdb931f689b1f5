using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Schedule;

/// <summary>A person revokes their feed: its address answers 404 from now on.</summary>
public sealed class RevokeCalendarFeed(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var active = await db.CalendarFeeds.Where(f => f.Owner == actor && f.RevokedAt == null).ToListAsync(ct);
        if (active.Count == 0)
            return new Refusal(RefusalCode.NotFound, "", "You have no calendar feed to revoke.", "您没有可撤销的日历订阅。");
        foreach (var feed in active) feed.RevokedAt = now;
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "calendar-feed.revoked", actor));
        await db.SaveChangesAsync(ct);
        return new Done();
    }
}
