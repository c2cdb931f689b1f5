using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Deployments;

/// <summary>QA or a release manager asks for another try after a failed test deployment.</summary>
public sealed class RedeployCandidate(IDbContextFactory<ReleaseGateDb> dbs, IDeploymentQueue queue, ICandidateChanges changes, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(Guid candidateId, string user, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        if ((await Actor.ResolveAsync(db, user, now, PortalAction.Redeploy, ct)).Refusal is { } refusal) return refusal;
        var c = await db.Candidates.Include(x => x.Application).SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return new Refusal(RefusalCode.NotFound, "id", "This candidate does not exist.", "该候选版本不存在。");
        if (c.Phase != CandidatePhase.DeployFailed)
            return new Refusal(RefusalCode.WrongPhase, "", $"The candidate is {c.Phase}; only a failed test deployment can be redeployed.",
                $"该候选版本处于 {c.Phase} 阶段;只有测试部署失败的候选版本才能重新部署。");
        c.Record(now, CandidateEventKinds.RedeployRequested, user, "Redeploy requested.");
        db.AuditEvents.Add(AuditEvent.ByUser(now, user, "candidate.redeploy", $"{c.Application.Slug} {c.Version}"));
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(c.Id, c.Application.Slug, ct);
        changes.Published(c.Id);
        return new Done();
    }
}
