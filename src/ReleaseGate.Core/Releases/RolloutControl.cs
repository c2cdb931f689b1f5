using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Releases;

/// <summary>What ResumeRollout and RollBackRollout share: the release manager, the paused candidate and its rollout.</summary>
internal static class RolloutControl
{
    public sealed record Paused(Actor Actor, Candidate Candidate, Release Release, Rollout Rollout);

    public static async Task<Outcome<Paused>> LoadAsync(ReleaseGateDb db, Guid candidateId, string actor, DateTimeOffset now, PortalAction action, CancellationToken ct)
    {
        var who = await Actor.ResolveAsync(db, actor, now, action, ct);
        if (who.Refusal is { } refused) return refused;
        var c = await db.Candidates.Include(x => x.Application).SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return new Refusal(RefusalCode.NotFound, "", $"There is no candidate {candidateId}.", $"候选版本 {candidateId} 不存在。");
        if (c.Phase != CandidatePhase.RolloutPaused)
            return new Refusal(RefusalCode.WrongPhase, "", $"The candidate is {c.Phase}; only a paused rollout can be resumed or rolled back.",
                $"候选版本处于 {c.Phase} 阶段,只有已暂停的滚动更新可以继续或回滚。");
        var release = await db.Releases.Where(r => r.CandidateId == c.Id).OrderByDescending(r => r.Id).FirstAsync(ct);
        var rollout = await db.Rollouts.SingleAsync(r => r.ReleaseId == release.Id, ct);
        return new Paused(who.Value!, c, release, rollout);
    }

    public static Refusal SwarmRefused(string what, SwarmException e) => e is SwarmConflictException
        ? new Refusal(RefusalCode.ChangedMeanwhile, "", $"The service changed meanwhile (someone else updated it); nothing was overwritten. {e.Message}",
            $"服务已被他人修改,未覆盖任何内容。{e.Message}")
        : new Refusal(RefusalCode.Invalid, "", $"Swarm refused to {what}: {e.Message}", $"Swarm 拒绝了{(what == "resume" ? "继续" : "回滚")}:{e.Message}");

    public static ServiceDeployment Deployment(Application app, Rollout r) => new(r.Service, r.Image, app.Rollout, app.Swarm) { Application = app.Slug };
}
