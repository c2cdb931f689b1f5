using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Schedule;

/// <summary>A problem of the <paramref name="Index"/>th entry of the file's <paramref name="List"/> ("windows" or "freezes").</summary>
public sealed record DeclaredProblem(string List, int Index, FieldProblem Problem);

/// <summary>
/// Makes the file's windows and freezes the declared ones in the database (windows matched by name, freezes by reason):
/// created or updated, and those the file no longer declares removed. Checks them as the API does, except that a
/// cutoff or freeze already past is allowed: a file in Git must not stop the portal once its dates go by.
/// </summary>
public sealed class SyncDeclaredSchedule(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, ScheduleDefaults defaults, TimeProvider time)
{
    public async Task<Outcome<IReadOnlyList<DeclaredProblem>>> RunAsync(
        IReadOnlyList<ReleaseWindowForm> windows, IReadOnlyList<FreezeForm> freezes, string source, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var problems = new List<DeclaredProblem>();
        var declaredWindows = new List<ReleaseWindow>();
        for (var i = 0; i < windows.Count; i++)
        {
            var (w, found) = (windows[i], new List<FieldProblem>());
            var name = w.Name?.Trim() ?? "";
            if (name.Length == 0) found.Add(ScheduleRules.Problem("name", "is required.", "必须填写。"));
            var zoneId = string.IsNullOrWhiteSpace(w.TimeZone) ? defaults.TimeZoneId : w.TimeZone.Trim();
            var zone = ScheduleRules.Zone("timeZone", zoneId, found);
            var cron = string.IsNullOrWhiteSpace(w.Cron) ? null : w.Cron.Trim();
            if ((w.CutoffAt is null) == (cron is null))
                found.Add(ScheduleRules.Problem(cron is null ? "cutoffAt" : "cron", "give either cutoffAt or cron.", "cutoffAt 与 cron 须填写其一。"));
            else if (cron is not null && !calendar.IsValid(cron))
                ScheduleRules.Cron(calendar, "cron", cron, zone, now, found);
            if (w.ReminderHours is < 0 or > SaveReleaseWindow.MaxReminderHours)
                found.Add(ScheduleRules.Problem("reminderHours", $"must be between 0 and {SaveReleaseWindow.MaxReminderHours}.", $"必须在 0 到 {SaveReleaseWindow.MaxReminderHours} 之间。"));
            var slugs = await ScheduleRules.ApplicationsAsync(db, w.Applications, found, ct);
            if (declaredWindows.Any(d => d.Name == name)) found.Add(ScheduleRules.Problem("name", $"'{name}' is declared twice.", $"'{name}' 重复声明。"));
            problems.AddRange(found.Select(p => new DeclaredProblem("windows", i, p)));
            declaredWindows.Add(new ReleaseWindow { Name = name, CutoffAt = cron is null ? w.CutoffAt : null, Cron = cron, TimeZoneId = zoneId,
                ApplicationSlugs = slugs, ReminderHours = w.ReminderHours, DeclaredInFile = true, CreatedBy = source });
        }
        var declaredFreezes = new List<Freeze>();
        for (var i = 0; i < freezes.Count; i++)
        {
            var (f, found) = (freezes[i], new List<FieldProblem>());
            var reason = f.Reason?.Trim() ?? "";
            if (reason.Length == 0) found.Add(ScheduleRules.Problem("reason", "is required.", "必须填写。"));
            var zoneId = string.IsNullOrWhiteSpace(f.TimeZone) ? defaults.TimeZoneId : f.TimeZone.Trim();
            var recurring = f.StartCron is not null || f.EndCron is not null;
            if (recurring)
            {
                ScheduleRules.Zone("timeZone", zoneId, found);
                foreach (var (field, cron) in new[] { ("startCron", f.StartCron), ("endCron", f.EndCron) })
                    if (string.IsNullOrWhiteSpace(cron)) found.Add(ScheduleRules.Problem(field, "is required for a recurring freeze.", "周期性冻结期必须填写。"));
                    else if (!calendar.IsValid(cron)) ScheduleRules.Cron(calendar, field, cron, null, now, found);
            }
            else if (f.StartsAt is null) found.Add(ScheduleRules.Problem("startsAt", "give startsAt and endsAt, or startCron and endCron.", "请填写 startsAt 和 endsAt,或 startCron 和 endCron。"));
            else if (f.EndsAt is null || f.EndsAt <= f.StartsAt) found.Add(ScheduleRules.Problem("endsAt", "must be after startsAt.", "必须晚于 startsAt。"));
            var slugs = await ScheduleRules.ApplicationsAsync(db, f.Applications, found, ct);
            if (declaredFreezes.Any(d => d.Reason == reason)) found.Add(ScheduleRules.Problem("reason", $"'{reason}' is declared twice.", $"'{reason}' 重复声明。"));
            problems.AddRange(found.Select(p => new DeclaredProblem("freezes", i, p)));
            declaredFreezes.Add(new Freeze { Reason = reason, StartsAt = recurring ? null : f.StartsAt, EndsAt = recurring ? null : f.EndsAt,
                StartCron = f.StartCron?.Trim(), EndCron = f.EndCron?.Trim(), TimeZoneId = zoneId, ApplicationSlugs = slugs, DeclaredInFile = true, CreatedBy = source });
        }
        if (problems.Count > 0) return problems;

        var existingWindows = await db.ReleaseWindows.Where(w => w.DeclaredInFile).ToListAsync(ct);
        foreach (var d in declaredWindows)
        {
            // A portal window of the same name gives way to the file's, which wins.
            var current = existingWindows.FirstOrDefault(w => w.Name == d.Name) ?? await db.ReleaseWindows.FirstOrDefaultAsync(w => w.Name == d.Name, ct);
            if (current is null) db.ReleaseWindows.Add(d);
            else (current.CutoffAt, current.Cron, current.TimeZoneId, current.ApplicationSlugs, current.ReminderHours, current.DeclaredInFile)
                = (d.CutoffAt, d.Cron, d.TimeZoneId, d.ApplicationSlugs, d.ReminderHours, true);
        }
        var gone = existingWindows.Where(w => declaredWindows.All(d => d.Name != w.Name)).ToList();
        var goneIds = gone.Select(g => (int?)g.Id).ToList();
        await db.Candidates.Where(c => goneIds.Contains(c.TargetWindowId))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.TargetWindowId, (int?)null), ct);
        db.ReleaseWindows.RemoveRange(gone);
        db.Freezes.RemoveRange(await db.Freezes.Where(f => f.DeclaredInFile).ToListAsync(ct));
        db.Freezes.AddRange(declaredFreezes);
        db.AuditEvents.Add(AuditEvent.BySystem(now, "schedule.synced", source,
            $"{declaredWindows.Count} windows, {declaredFreezes.Count} freezes; {gone.Count} windows removed"));
        await db.SaveChangesAsync(ct);
        return problems;
    }
}
