using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Promotions;

namespace ReleaseGate.Core.Schedule;

/// <summary>
/// A window reaches its cutoff (the Quartz job calls this with the scheduled fire time). Per application in scope:
/// frozen and not overridden → nothing moves; otherwise the newest approved candidate is promoted and older approved
/// ones superseded; the rest are told they missed it. Acts once per (window, cutoff), however often it is fired.
/// </summary>
public sealed class RunCutoff(
    IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, IPromotionQueue promotions, ICandidateChanges changes,
    TimeProvider time, PortalLinks links)
{
    public async Task<Outcome<CutoffReport>> RunAsync(int windowId, DateTimeOffset cutoffAt, CancellationToken ct = default)
    {
        using var span = Telemetry.Start("cutoff");
        span?.SetTag("releasegate.window.id", windowId).SetTag("releasegate.cutoff", cutoffAt.ToString("O"));
        var outcome = span.Ended(await CutoffAsync(windowId, cutoffAt, ct));
        if (outcome.Value is { } report) span?.SetTag("releasegate.cutoff.handled_before", report.AlreadyHandled);
        return outcome;
    }

    private async Task<Outcome<CutoffReport>> CutoffAsync(int windowId, DateTimeOffset cutoffAt, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await HandledAsync(db, windowId, cutoffAt, ct)) return new CutoffReport(true, []);
        var window = await db.ReleaseWindows.AsNoTracking().SingleOrDefaultAsync(w => w.Id == windowId, ct);
        if (window is null) return ScheduleRules.NotFound("release window", "发布窗口", windowId);
        // A job left over from before the window was edited names a cutoff the window no longer has.
        if (!calendar.IsCutoff(window, cutoffAt))
            return new Refusal(RefusalCode.Invalid, "cutoffAt", $"{cutoffAt:u} is not a cutoff of '{window.Name}'.", $"{cutoffAt:u} 不是发布窗口 '{window.Name}' 的截止时间。");

        var now = time.GetUtcNow();
        var run = new CutoffRun { Kind = CutoffRun.Cutoff, WindowId = windowId, CutoffAt = cutoffAt, HandledAt = now };
        db.CutoffRuns.Add(run);
        var applications = new List<ApplicationCutoff>();
        if (window.Enabled)
        {
            var cx = new CutoffContext($"'{window.Name}' at {cutoffAt:u}", $"发布窗口 '{window.Name}' {cutoffAt:u}", now, "system", calendar,
                await db.ReleaseWindows.AsNoTracking().Where(w => w.Enabled).ToListAsync(ct),
                await db.Freezes.AsNoTracking().ToListAsync(ct), links);
            var overrideReason = await db.CutoffOverrides.Where(o => o.WindowId == windowId && o.CutoffAt == cutoffAt)
                .Select(o => $"{o.Reason} ({o.By})").FirstOrDefaultAsync(ct);
            var apps = await db.Applications.OrderBy(a => a.Slug).ToListAsync(ct);
            foreach (var app in apps.Where(a => window.Covers(a.Slug)))
                applications.Add(await CutoffWork.ApplyAsync(db, cx, app, calendar.FrozenBy(cx.Freezes, app.Slug, cutoffAt), overrideReason, ct));
        }
        run.Summary = window.Enabled
            ? string.Join("; ", applications.Select(a => $"{a.Application}: " + (a.Candidates.Count == 0 ? "nothing in play"
                : string.Join(", ", a.Candidates.Select(c => $"{c.Version} {c.Action}")))))
            : "window disabled: nothing done";

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same cutoff fired twice at once and the other run saved first: nothing of ours was written.
            if (await HandledAsync(dbs, windowId, cutoffAt)) return new CutoffReport(true, []);
            throw;
        }
        var report = new CutoffReport(false, applications);
        foreach (var id in applications.SelectMany(a => a.Candidates).Select(c => c.CandidateId)) changes.Published(id);
        foreach (var id in report.Promoted) await promotions.EnqueueAsync(id, ct);
        return report;
    }

    private static Task<bool> HandledAsync(ReleaseGateDb db, int windowId, DateTimeOffset cutoffAt, CancellationToken ct) =>
        db.CutoffRuns.AnyAsync(r => r.Kind == CutoffRun.Cutoff && r.WindowId == windowId && r.CutoffAt == cutoffAt, ct);

    private static async Task<bool> HandledAsync(IDbContextFactory<ReleaseGateDb> dbs, int windowId, DateTimeOffset cutoffAt)
    {
        await using var db = await dbs.CreateDbContextAsync();
        return await HandledAsync(db, windowId, cutoffAt, CancellationToken.None);
    }
}
