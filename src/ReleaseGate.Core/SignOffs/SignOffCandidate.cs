using ReleaseGate.Core.Access;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.SignOffs;

/// <summary>
/// A QA vote: the digest is the one the voter saw. The page also sends the concurrency token it read; the API has none
/// to send (null), so there the digest and the phase are what bind the vote.
/// </summary>
public sealed record SignOffRequest(Guid CandidateId, string UserName, SignOffDecision Decision, string? Comment, string Digest, Guid? ConcurrencyToken);

/// <summary>QA approves or rejects a candidate. Every rule is checked here, whatever the page showed.</summary>
public sealed class SignOffCandidate(IDbContextFactory<ReleaseGateDb> dbs, ICandidateChanges changes, TimeProvider time, PortalLinks links)
{
    public async Task<Outcome<SignOffRecorded>> RunAsync(SignOffRequest request, CancellationToken ct = default)
    {
        using var span = Telemetry.Start("sign-off", request.CandidateId);
        span?.SetTag("releasegate.decision", request.Decision.ToString());
        return span.Ended(await SignOffAsync(request, ct));
    }

    private async Task<Outcome<SignOffRecorded>> SignOffAsync(SignOffRequest request, CancellationToken ct)
    {
        var comment = request.Comment?.Trim() ?? "";
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).Include(x => x.SignOffs)
            .SingleOrDefaultAsync(x => x.Id == request.CandidateId, ct);
        if (c is null) return SignOffRefusals.CandidateNotFound;
        var now = time.GetUtcNow();
        var action = request.Decision == SignOffDecision.Approve ? PortalAction.Approve : PortalAction.Reject;
        var resolved = await Actor.ResolveAsync(db, request.UserName, now, action, ct);
        if (resolved.Refusal is { Code: RefusalCode.MissingRole }) return SignOffRefusals.NotQa;
        if (resolved.Refusal is { } refusal) return refusal;
        var voter = resolved.Value!;
        if (voter.Is(c.SubmittedBy)) return SignOffRefusals.Submitter;
        if (request.Decision == SignOffDecision.Approve && !c.Application.AllowCommitAuthorsToApprove && c.Changes.Any(ch => voter.Is(ch.Author)))
            return SignOffRefusals.CommitAuthor;
        if (request.Decision == SignOffDecision.Reject && comment.Length == 0) return SignOffRefusals.CommentRequired;
        if (request.ConcurrencyToken is { } seen && c.ConcurrencyToken != seen) return SignOffRefusals.ChangedMeanwhile;
        if (c.Phase != CandidatePhase.AwaitingSignOff) return SignOffRefusals.NotAwaitingSignOff(c.Phase);
        if (!string.Equals(request.Digest, c.Digest, StringComparison.Ordinal)) return SignOffRefusals.WrongDigest(request.Digest, c.Digest);
        if (c.SignOffs.Any(s => s.WithdrawnAt == null && voter.Is(s.User))) return SignOffRefusals.AlreadyVoted;

        c.SignOffs.Add(new SignOff { CandidateId = c.Id, Digest = c.Digest, User = voter.UserName, Decision = request.Decision, Comment = comment, At = now });
        var approvals = c.Approvals;
        var required = c.Application.RequiredApprovals;
        var subject = $"{c.Application.Slug} {c.Version}";
        if (request.Decision == SignOffDecision.Reject)
        {
            c.MoveTo(CandidatePhase.Rejected, now, voter.UserName, $"Rejected by {voter.UserName}: {comment}",
                new() { ["user"] = voter.UserName, ["comment"] = comment });
        }
        else
        {
            var counts = new EventFields { ["user"] = voter.UserName, ["approvals"] = approvals.ToString(), ["required"] = required.ToString(), ["comment"] = comment };
            c.Record(now, CandidateEventKinds.Approval, voter.UserName,
                $"Approved by {voter.UserName} ({approvals}/{required})" + (comment.Length > 0 ? $": {comment}" : "."), counts);
            if (approvals >= required)
                c.MoveTo(CandidatePhase.Approved, now, "system", $"{approvals} of {required} approvals: waiting for the cutoff.", counts);
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
            return SignOffRefusals.ChangedMeanwhile;
        }
        changes.Published(c.Id);
        return new SignOffRecorded(c.Phase, approvals, required);
    }
}
