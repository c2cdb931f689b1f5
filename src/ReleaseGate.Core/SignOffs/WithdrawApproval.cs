using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.SignOffs;

/// <summary>A QA takes back their own approval, until the cutoff starts the promotion.</summary>
public sealed class WithdrawApproval(IDbContextFactory<ReleaseGateDb> dbs, ICandidateChanges changes, TimeProvider time)
{
    public async Task<Outcome<SignOffRecorded>> RunAsync(Guid candidateId, string userName, Guid? concurrencyToken, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).Include(x => x.SignOffs)
            .SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return SignOffRefusals.CandidateNotFound;
        var now = time.GetUtcNow();
        if ((await Actor.ResolveAsync(db, userName, now, PortalAction.WithdrawApproval, ct)).Refusal is { } refusal) return refusal;
        var mine = c.SignOffs.FirstOrDefault(s => s.Decision == SignOffDecision.Approve && s.WithdrawnAt == null
            && string.Equals(s.User, userName, StringComparison.OrdinalIgnoreCase));
        if (mine is null) return SignOffRefusals.NoApprovalToWithdraw;
        // The API sends no token (null): it withdraws against whatever the candidate is now.
        if (concurrencyToken is { } seen && c.ConcurrencyToken != seen) return SignOffRefusals.ChangedMeanwhile;
        if (c.Phase is not (CandidatePhase.AwaitingSignOff or CandidatePhase.Approved))
            return SignOffRefusals.TooLateToWithdraw(c.Phase);

        mine.WithdrawnAt = now;
        var approvals = c.Approvals;
        var required = c.Application.RequiredApprovals;
        var counts = new EventFields { ["user"] = mine.User, ["approvals"] = approvals.ToString(), ["required"] = required.ToString() };
        c.Record(now, CandidateEventKinds.ApprovalWithdrawn, mine.User, $"{mine.User} withdrew their approval ({approvals}/{required}).", counts);
        if (c.Phase == CandidatePhase.Approved && approvals < required)
            c.MoveTo(CandidatePhase.AwaitingSignOff, now, "system", $"Only {approvals} of {required} approvals left: waiting for QA again.", counts);
        db.AuditEvents.Add(AuditEvent.ByUser(now, mine.User, "candidate.approval-withdrawn", $"{c.Application.Slug} {c.Version}", c.Id.ToString()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SignOffRefusals.ChangedMeanwhile;
        }
        changes.Published(c.Id);
        return new SignOffRecorded(c.Phase, approvals, required);
    }
}
