using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// A release manager gives up on a paused rollout: Swarm goes back to the image the service ran before, the candidate
/// is RolledBack (a failure), and the watch keeps the view true until Swarm's rollback is done.
/// </summary>
public sealed class RollBackRollout(
    IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, IRolloutWatch watch, ICandidateChanges changes, TimeProvider time, PortalLinks links)
{
    public async Task<Outcome<Done>> RunAsync(Guid candidateId, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var loaded = await RolloutControl.LoadAsync(db, candidateId, actor, now, Access.PortalAction.RollBack, ct);
        if (loaded.Refusal is { } refused) return refused;
        var (_, c, release, rollout) = loaded.Value!;
        if (rollout.PreviousImage is null)
            return new Refusal(RefusalCode.WrongPhase, "", "This was the service's first release: there is no earlier version to roll back to.",
                "这是该服务的首次发布:没有可回滚的早期版本。");
        try
        {
            await swarm.RollbackAsync(rollout.Service, rollout.PreviousImage, ct);
        }
        catch (SwarmException e)
        {
            return RolloutControl.SwarmRefused("roll back", e);
        }
        rollout.Deadline = now + TimeSpan.FromSeconds(Math.Max(1, c.Application.Rollout.TimeoutSeconds));
        await RolloutOutcome.ApplyAsync(db, links, c.Application, release, rollout, c, RolloutVerdict.RolledBack,
            $"Rolled back by {actor} to {rollout.PreviousImage}. {release.Message}".Trim(), actor, now, ct);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "release.rollback", $"{c.Application.Slug} {c.Version}", rollout.PreviousImage));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Refusal(RefusalCode.ChangedMeanwhile, "", "The candidate changed meanwhile; look again and retry.", "候选版本已被修改,请刷新后重试。");
        }
        await watch.LookAgainAsync(release.Id, WatchRollout.LookEvery, ct);
        changes.Published(c.Id);
        return new Done();
    }
}
