using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Schedule;

/// <summary>A window as pages and the API show it, with its next cutoffs.</summary>
public sealed record ReleaseWindowView(
    int Id, string Name, DateTimeOffset? CutoffAt, string? Cron, string TimeZone, IReadOnlyList<string> Applications,
    int ReminderHours, bool Enabled, bool DeclaredInFile, IReadOnlyList<DateTimeOffset> NextCutoffs)
{
    public const int NextCount = 5;

    public static ReleaseWindowView Of(ReleaseWindow w, ICutoffCalendar calendar, DateTimeOffset now, int next = NextCount) =>
        new(w.Id, w.Name, w.CutoffAt, w.Cron, w.TimeZoneId, w.ApplicationSlugs, w.ReminderHours, w.Enabled, w.DeclaredInFile,
            calendar.NextCutoffs(w, now, next));
}

/// <summary>Every release window, soonest cutoff first; windows with none left come last.</summary>
public sealed class ListReleaseWindows(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time)
{
    public async Task<Outcome<IReadOnlyList<ReleaseWindowView>>> RunAsync(int nextCutoffs = ReleaseWindowView.NextCount, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var windows = await db.ReleaseWindows.AsNoTracking().ToListAsync(ct);
        return windows.Select(w => ReleaseWindowView.Of(w, calendar, now, Math.Clamp(nextCutoffs, 0, 50)))
            .OrderBy(v => v.NextCutoffs.Count == 0).ThenBy(v => v.NextCutoffs.FirstOrDefault()).ThenBy(v => v.Name)
            .ToList();
    }
}
