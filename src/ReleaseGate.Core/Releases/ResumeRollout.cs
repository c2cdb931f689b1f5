using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// A release manager continues a paused rollout: the service spec is sent again with the application's current settings
/// (how Swarm resumes an update; a setting fixed meanwhile takes effect), and the watch starts over on the new update.
/// </summary>
public sealed class ResumeRollout(IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, IRolloutWatch watch, ICandidateChanges changes, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(Guid candidateId, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var loaded = await RolloutControl.LoadAsync(db, candidateId, actor, now, Access.PortalAction.ResumeRollout, ct);
        if (loaded.Refusal is { } refused) return refused;
        var (_, c, release, rollout) = loaded.Value!;
        SwarmStart sent;
        try
        {
            sent = await swarm.ResumeAsync(RolloutControl.Deployment(c.Application, rollout), ct);
        }
        catch (SwarmException e)
        {
            return RolloutControl.SwarmRefused("resume", e);
        }
        // The paused update's status is now the earlier one: only the update this resume starts counts.
        (rollout.PreviousUpdateStartedAt, rollout.UpdateStartedAt) = (sent.PreviousUpdateStartedAt, null);
        (rollout.Deadline, rollout.Message) = (now + TimeSpan.FromSeconds(Math.Max(1, c.Application.Rollout.TimeoutSeconds)), $"Resumed by {actor}.");
        release.Message = "";
        c.MoveTo(CandidatePhase.RollingOut, now, actor, $"Rollout resumed by {actor}.", new() { ["user"] = actor });
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "release.resumed", $"{c.Application.Slug} {c.Version}", rollout.Service));
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
