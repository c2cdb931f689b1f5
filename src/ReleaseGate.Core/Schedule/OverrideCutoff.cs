using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>A release manager lets one frozen cutoff of a window go ahead, with a recorded reason; the next one stays frozen.</summary>
public sealed class OverrideCutoff(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time)
{
    public async Task<Outcome<CutoffOverride>> RunAsync(int windowId, DateTimeOffset cutoffAt, string? reason, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.EditSchedule, ct)).Refusal is { } refused) return refused;
        var window = await db.ReleaseWindows.AsNoTracking().SingleOrDefaultAsync(w => w.Id == windowId, ct);
        if (window is null) return ScheduleRules.NotFound("release window", "发布窗口", windowId);

        var problems = new List<FieldProblem>();
        var why = reason?.Trim() ?? "";
        if (why.Length == 0)
            problems.Add(ScheduleRules.Problem("reason", "An override needs a reason, kept in the audit trail.", "覆盖冻结期需要填写原因,原因会记录在审计日志中。"));
        if (!calendar.IsCutoff(window, cutoffAt))
            problems.Add(ScheduleRules.Problem("cutoffAt", $"{cutoffAt:u} is not a cutoff of '{window.Name}'.", $"{cutoffAt:u} 不是发布窗口 '{window.Name}' 的截止时间。"));
        else if (cutoffAt <= now)
            problems.Add(ScheduleRules.Problem("cutoffAt", $"The cutoff at {cutoffAt:u} has passed.", $"{cutoffAt:u} 的截止时间已经过去。"));
        else
        {
            var freezes = await db.Freezes.AsNoTracking().ToListAsync(ct);
            var slugs = await db.Applications.Select(a => a.Slug).ToListAsync(ct);
            if (!slugs.Where(window.Covers).Any(s => calendar.FrozenBy(freezes, s, cutoffAt) is not null))
                problems.Add(ScheduleRules.Problem("cutoffAt", $"No freeze holds back the cutoff at {cutoffAt:u}: it goes ahead anyway.", $"{cutoffAt:u} 的截止时间不在冻结期内,无需覆盖。"));
        }
        if (problems.Count > 0) return ScheduleRules.Invalid(problems);
        if (await db.CutoffOverrides.AnyAsync(o => o.WindowId == windowId && o.CutoffAt == cutoffAt, ct))
            return new Refusal(RefusalCode.AlreadyExists, "cutoffAt", $"The cutoff at {cutoffAt:u} is already overridden.", $"{cutoffAt:u} 的截止时间已被覆盖。");

        var row = new CutoffOverride { WindowId = windowId, CutoffAt = cutoffAt, Reason = why, By = actor, At = now };
        db.CutoffOverrides.Add(row);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "cutoff.override", window.Name, $"{cutoffAt:O}: {why}"));
        await db.SaveChangesAsync(ct);
        return row;
    }
}
