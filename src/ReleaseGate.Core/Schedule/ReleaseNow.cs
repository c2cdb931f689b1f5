using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>
/// A release manager's ad-hoc cutoff for one application: its newest approved candidate is promoted now.
/// A freeze refuses it unless the call overrides the freeze, and then the reason is recorded as the override's.
/// </summary>
public sealed class ReleaseNow(
    IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, IPromotionQueue promotions, ICandidateChanges changes,
    TimeProvider time, PortalLinks links)
{
    public async Task<Outcome<ApplicationCutoff>> RunAsync(string applicationSlug, string? reason, string actor, bool overrideFreeze = false, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.ReleaseNow, ct)).Refusal is { } refused) return refused;
        var why = reason?.Trim() ?? "";
        if (why.Length == 0)
            return ScheduleRules.Invalid([ScheduleRules.Problem("reason", "Say why this release cannot wait for its window.", "请说明为什么此次发布不能等待发布窗口。")]);
        var app = await db.Applications.SingleOrDefaultAsync(a => a.Slug == applicationSlug, ct);
        if (app is null)
            return new Refusal(RefusalCode.NotFound, "", $"There is no application '{applicationSlug}'.", $"应用 '{applicationSlug}' 不存在。");
        var phases = await db.Candidates.Where(c => c.ApplicationId == app.Id).Select(c => c.Phase).Distinct().ToListAsync(ct);
        if (phases.Where(CutoffDecisions.IsInFlight).ToList() is [var busy, ..])
            return new Refusal(RefusalCode.WrongPhase, "", $"A candidate of '{app.Slug}' is still {busy}: wait until it has finished.", $"'{app.Slug}' 仍有候选版本处于 {busy} 阶段,请等待其完成。");
        if (!phases.Contains(CandidatePhase.Approved))
            return new Refusal(RefusalCode.WrongPhase, "", $"'{app.Slug}' has no approved candidate to release.", $"'{app.Slug}' 没有已批准的候选版本可发布。");

        var freezes = await db.Freezes.AsNoTracking().ToListAsync(ct);
        var freeze = calendar.FrozenBy(freezes, app.Slug, now);
        if (freeze is not null && !overrideFreeze)
            return new Refusal(RefusalCode.Frozen, "", $"'{app.Slug}' is frozen by {freeze.Describe()}; override the freeze with a reason to release anyway.",
                $"'{app.Slug}' 处于冻结期 '{freeze.Reason}';如需发布,请覆盖冻结期并填写原因。");

        var cx = new CutoffContext($"release-now by {actor} ({why})", $"{actor} 立即发布({why})", now, actor, calendar,
            await db.ReleaseWindows.AsNoTracking().Where(w => w.Enabled).ToListAsync(ct), freezes, links);
        var result = await CutoffWork.ApplyAsync(db, cx, app, freeze, freeze is null ? null : $"{why} ({actor})", ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A cutoff or a vote moved one of these candidates since we read them: nothing of ours was written.
            return new Refusal(RefusalCode.ChangedMeanwhile, "", "A candidate changed meanwhile; look again and retry.", "候选版本已被修改,请刷新后重试。");
        }
        foreach (var c in result.Candidates) changes.Published(c.CandidateId);
        foreach (var c in result.Candidates.Where(c => c.Action == CutoffAction.Promote)) await promotions.EnqueueAsync(c.CandidateId, ct);
        return result;
    }
}
