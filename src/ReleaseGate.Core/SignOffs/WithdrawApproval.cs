using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.SignOffs;

/// <summary>A QA takes back their own approval, until the cutoff starts the promotion.</summary>
public sealed class WithdrawApproval(IDbContextFactory<ReleaseGateDb> dbs, ICandidateChanges changes, TimeProvider time)
{
    public async Task<SignOffOutcome> RunAsync(Guid candidateId, string userName, Guid concurrencyToken, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).Include(x => x.SignOffs)
            .SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return SignOffOutcome.Refuse(SignOffRefusal.CandidateNotFound, "This candidate does not exist.");
        var mine = c.SignOffs.FirstOrDefault(s => s.Decision == SignOffDecision.Approve && s.WithdrawnAt == null
            && string.Equals(s.User, userName, StringComparison.OrdinalIgnoreCase));
        if (mine is null) return SignOffOutcome.Refuse(SignOffRefusal.NoApprovalToWithdraw, "You have no approval on this candidate to withdraw.");
        if (c.ConcurrencyToken != concurrencyToken) return SignOffOutcome.ChangedMeanwhile();
        if (c.Phase is not (CandidatePhase.AwaitingSignOff or CandidatePhase.Approved))
            return SignOffOutcome.Refuse(SignOffRefusal.WrongPhase, $"The candidate is {c.Phase}: an approval can only be withdrawn before promotion starts.");

        var now = time.GetUtcNow();
        mine.WithdrawnAt = now;
        var approvals = c.Approvals;
        var required = c.Application.RequiredApprovals;
        c.Record(now, "ApprovalWithdrawn", mine.User, $"{mine.User} withdrew their approval ({approvals}/{required}).");
        if (c.Phase == CandidatePhase.Approved && approvals < required)
            c.MoveTo(CandidatePhase.AwaitingSignOff, now, "system", $"Only {approvals} of {required} approvals left: waiting for QA again.");
        db.AuditEvents.Add(AuditEvent.ByUser(now, mine.User, "candidate.approval-withdrawn", $"{c.Application.Slug} {c.Version}", c.Id.ToString()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SignOffOutcome.ChangedMeanwhile();
        }
        changes.Published(c.Id);
        return new SignOffOutcome.Recorded(c.Phase, approvals, required);
    }
}
