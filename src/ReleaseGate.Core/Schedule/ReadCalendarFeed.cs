using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>
/// The schedule a feed address serves: the next <see cref="Days"/> days of cutoffs and freezes. An unknown or revoked
/// token, or an owner whose account is gone or disabled, is simply not found.
/// </summary>
public sealed class ReadCalendarFeed(IDbContextFactory<ReleaseGateDb> dbs, PreviewCutoff preview, TimeProvider time)
{
    public const int Days = 90;

    public async Task<Outcome<ScheduleView>> RunAsync(string token, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var hash = CalendarFeed.Hash(token);
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var owner = await db.CalendarFeeds.Where(f => f.TokenHash == hash && f.RevokedAt == null).Select(f => f.Owner).SingleOrDefaultAsync(ct);
            if (owner is null || (await Actor.ResolveAsync(db, owner, now, PortalAction.ReadSchedule, ct)).IsRefused)
                return new Refusal(RefusalCode.NotFound, "", "There is no such calendar feed.", "没有这个日历订阅。");
        }
        return await preview.RunAsync(now, now.AddDays(Days), ct);
    }
}
