using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Schedule;

/// <summary>A freeze as pages and the API show it; <see cref="ActiveNow"/> tells whether it holds cutoffs back right now.</summary>
public sealed record FreezeView(
    int Id, string Reason, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? StartCron, string? EndCron,
    string TimeZone, IReadOnlyList<string> Applications, bool DeclaredInFile, bool ActiveNow)
{
    public static FreezeView Of(Freeze f, ICutoffCalendar calendar, DateTimeOffset now) =>
        new(f.Id, f.Reason, f.StartsAt, f.EndsAt, f.StartCron, f.EndCron, f.TimeZoneId, f.ApplicationSlugs, f.DeclaredInFile,
            calendar.Period(f, now) is not null);
}

/// <summary>The freezes not yet over: recurring ones, and one-off ones that have not ended.</summary>
public sealed class ListFreezes(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time)
{
    public async Task<Outcome<IReadOnlyList<FreezeView>>> RunAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var freezes = await db.Freezes.AsNoTracking().Where(f => f.EndsAt == null || f.EndsAt > now).ToListAsync(ct);
        return freezes.OrderBy(f => f.StartsAt ?? DateTimeOffset.MinValue).ThenBy(f => f.Id)
            .Select(f => FreezeView.Of(f, calendar, now)).ToList();
    }
}
