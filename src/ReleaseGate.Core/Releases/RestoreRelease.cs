using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// A release manager puts an earlier succeeded release's digest back into production, however far back (Swarm keeps
/// only one previous spec, so this is a new rolling update to that digest): a new Release of kind Restore, with a reason,
/// watched like any rollout. A freeze on the application refuses it as it refuses a cutoff, unless the call overrides
/// the freeze; the reason is then recorded as the override's too.
/// </summary>
public sealed class RestoreRelease(IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, IRolloutWatch watch,
    Candidates.ICandidateChanges changes, ICutoffCalendar calendar, TimeProvider time)
{
    private static readonly Candidates.CandidatePhase[] InFlight =
        Enum.GetValues<Candidates.CandidatePhase>().Where(CutoffDecisions.IsInFlight).ToArray();

    public async Task<Outcome<Release>> RunAsync(string slug, long releaseId, string? reason, string actor, bool overrideFreeze = false,
        CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.Restore, ct)).Refusal is { } refused) return refused;
        var why = reason?.Trim() ?? "";
        if (why.Length == 0)
            return new Refusal(RefusalCode.Invalid, "reason", "Say why production goes back to this release.", "请说明为什么要恢复到此发布。");
        var app = await db.Applications.SingleOrDefaultAsync(a => a.Slug == slug, ct);
        if (app is null) return new Refusal(RefusalCode.NotFound, "", $"There is no application '{slug}'.", $"应用 '{slug}' 不存在。");
        if (app.IsRegistryOnly)
            return new Refusal(RefusalCode.Invalid, "", $"'{slug}' has no Swarm service: there is nothing to restore.", $"'{slug}' 没有 Swarm 服务,无法恢复。");
        var earlier = await db.Releases.SingleOrDefaultAsync(r => r.Id == releaseId && r.ApplicationId == app.Id, ct);
        if (earlier is null)
            return new Refusal(RefusalCode.NotFound, "releaseId", $"'{slug}' has no release {releaseId}.", $"'{slug}' 没有发布 {releaseId}。");
        if (earlier.Outcome != ReleaseOutcome.Succeeded)
            return new Refusal(RefusalCode.WrongPhase, "releaseId", $"Release {releaseId} did not succeed ({earlier.Outcome}); only a succeeded release can be restored.",
                $"发布 {releaseId} 未成功({earlier.Outcome}),只能恢复成功的发布。");
        var busy = await db.Releases.AnyAsync(r => r.ApplicationId == app.Id && r.Outcome == ReleaseOutcome.Running, ct)
            || await db.Candidates.AnyAsync(c => c.ApplicationId == app.Id && InFlight.Contains(c.Phase), ct);
        if (busy)
            return new Refusal(RefusalCode.WrongPhase, "", $"A rollout of '{slug}' is in progress: wait until it has finished.", $"'{slug}' 正在滚动更新,请等待其完成。");
        var freeze = calendar.FrozenBy(await db.Freezes.AsNoTracking().ToListAsync(ct), slug, now);
        if (freeze is not null && !overrideFreeze)
            return new Refusal(RefusalCode.Frozen, "overrideFreeze",
                $"'{slug}' is frozen by {freeze.Describe()}: nothing was restored. Override the freeze (the reason is recorded) to restore anyway.",
                $"'{slug}' 处于冻结期 '{freeze.Reason}':未恢复任何版本。如需恢复,请覆盖冻结期(原因将被记录)。");
        var overridden = freeze is null ? "" : $"; the freeze {freeze.Describe()} was overridden";

        var restore = new Release
        {
            ApplicationId = app.Id, Digest = earlier.Digest, Version = earlier.Version, CandidateId = earlier.CandidateId,
            Kind = ReleaseKind.Restore, StartedAt = now, StartedBy = actor, Reason = why + overridden,
        };
        db.Releases.Add(restore);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "release.restore", $"{slug} {earlier.Version}", $"release {earlier.Id}: {why}{overridden}"));
        await db.SaveChangesAsync(ct);
        var start = await StartRollout.BeginAsync(db, swarm, watch, time, restore, app, StartRollout.ImageOf(app, earlier.Version, earlier.Digest), ct);
        if (!start.Started)
        {
            (restore.Outcome, restore.FinishedAt, restore.Message) = (ReleaseOutcome.Failed, time.GetUtcNow(), start.Message);
            await db.SaveChangesAsync(ct);
            changes.Published(ChangeOf(restore));
            return new Refusal(RefusalCode.Invalid, "", start.Message, $"恢复未能开始:{start.Message}");
        }
        changes.Published(ChangeOf(restore));
        return restore;
    }

    /// <summary>
    /// A restore moves no candidate, so its changes are published under the candidate it brings back (or none): open
    /// releases pages and boards, which watch every change, follow it as they follow a rollout.
    /// </summary>
    internal static Guid ChangeOf(Release release) => release.CandidateId ?? Guid.Empty;
}
