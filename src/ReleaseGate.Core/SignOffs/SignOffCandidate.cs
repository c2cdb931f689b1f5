using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.SignOffs;

/// <summary>A QA vote as the page sends it: the digest and the concurrency token are the ones the voter saw.</summary>
public sealed record SignOffRequest(Guid CandidateId, string UserName, SignOffDecision Decision, string? Comment, string Digest, Guid ConcurrencyToken);

/// <summary>QA approves or rejects a candidate. Every rule is checked here, whatever the page showed.</summary>
public sealed class SignOffCandidate(IDbContextFactory<ReleaseGateDb> dbs, ICandidateChanges changes, TimeProvider time, PortalLinks links)
{
    public async Task<SignOffOutcome> RunAsync(SignOffRequest request, CancellationToken ct = default)
    {
        var comment = request.Comment?.Trim() ?? "";
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).Include(x => x.SignOffs)
            .SingleOrDefaultAsync(x => x.Id == request.CandidateId, ct);
        if (c is null) return SignOffOutcome.Refuse(SignOffRefusal.CandidateNotFound, "This candidate does not exist.");
        var voter = await Voter.FindAsync(db, request.UserName, ct);
        if (voter is null) return SignOffOutcome.Refuse(SignOffRefusal.UnknownUser, $"There is no user '{request.UserName}'.");
        if (!voter.IsQa) return SignOffOutcome.Refuse(SignOffRefusal.NotQa, "Only a member of QA can approve or reject a candidate.");
        if (voter.Submitted(c.SubmittedBy))
            return SignOffOutcome.Refuse(SignOffRefusal.Submitter, "You submitted this candidate, so you cannot sign it off: another QA member must.");
        if (request.Decision == SignOffDecision.Reject && comment.Length == 0)
            return SignOffOutcome.Refuse(SignOffRefusal.CommentRequired, "A rejection needs a comment that says what is wrong.");
        if (c.ConcurrencyToken != request.ConcurrencyToken) return SignOffOutcome.ChangedMeanwhile();
        if (c.Phase != CandidatePhase.AwaitingSignOff)
            return SignOffOutcome.Refuse(SignOffRefusal.WrongPhase, $"The candidate is {c.Phase}; only a candidate awaiting sign-off can be approved or rejected.");
        if (!string.Equals(request.Digest, c.Digest, StringComparison.Ordinal))
            return SignOffOutcome.Refuse(SignOffRefusal.WrongDigest, $"You signed off {request.Digest}, but this candidate is {c.Digest}.");
        if (c.SignOffs.Any(s => s.WithdrawnAt == null && voter.Is(s.User)))
            return SignOffOutcome.Refuse(SignOffRefusal.AlreadyVoted, "You have already signed off this candidate: one vote per person.");

        var now = time.GetUtcNow();
        c.SignOffs.Add(new SignOff { CandidateId = c.Id, Digest = c.Digest, User = voter.UserName, Decision = request.Decision, Comment = comment, At = now });
        var approvals = c.Approvals;
        var required = c.Application.RequiredApprovals;
        var subject = $"{c.Application.Slug} {c.Version}";
        if (request.Decision == SignOffDecision.Reject)
        {
            c.MoveTo(CandidatePhase.Rejected, now, voter.UserName, $"Rejected by {voter.UserName}: {comment}");
        }
        else
        {
            c.Record(now, "Approval", voter.UserName,
                $"Approved by {voter.UserName} ({approvals}/{required})" + (comment.Length > 0 ? $": {comment}" : "."));
            if (approvals >= required)
                c.MoveTo(CandidatePhase.Approved, now, "system", $"{approvals} of {required} approvals: waiting for the cutoff.");
        }
        db.AuditEvents.Add(AuditEvent.ByUser(now, voter.UserName, request.Decision == SignOffDecision.Approve ? "candidate.approve" : "candidate.reject",
            subject, JsonSerializer.Serialize(new { CandidateId = c.Id, c.Digest, Comment = comment, Phase = c.Phase.ToString() })));
        if (c.Phase is CandidatePhase.Approved or CandidatePhase.Rejected)
            await DecisionMail.QueueAsync(db, links, c, voter.UserName, comment, now, ct);

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone saved this candidate between our read and our write: nothing of ours was written.
            return SignOffOutcome.ChangedMeanwhile();
        }
        changes.Published(c.Id);
        return new SignOffOutcome.Recorded(c.Phase, approvals, required);
    }
}
