using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Promotions;

/// <summary>A release manager sends an errored candidate back to Promoting; the copy is by digest, so it starts over safely.</summary>
public sealed class RetryPromotion(IDbContextFactory<ReleaseGateDb> dbs, IPromotionQueue queue, ICandidateChanges changes, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(Guid candidateId, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.RetryPromotion, ct)).Refusal is { } refused) return refused;
        var c = await db.Candidates.Include(x => x.Application).SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return new Refusal(RefusalCode.NotFound, "", $"There is no candidate {candidateId}.", $"候选版本 {candidateId} 不存在。");
        if (c.Phase != CandidatePhase.Errored)
            return new Refusal(RefusalCode.WrongPhase, "", $"The candidate is {c.Phase}; only an errored promotion can be retried.", $"候选版本处于 {c.Phase} 阶段,只有 Errored 的发布可以重试。");

        c.MoveTo(CandidatePhase.Promoting, now, actor, $"Promotion retried by {actor}.");
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "candidate.promotion-retry", $"{c.Application.Slug} {c.Version}", c.Id.ToString()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Refusal(RefusalCode.ChangedMeanwhile, "", "The candidate changed meanwhile; look again and retry.", "候选版本已被修改,请刷新后重试。");
        }
        await queue.EnqueueAsync(c.Id, ct);
        changes.Published(c.Id);
        return new Done();
    }
}
