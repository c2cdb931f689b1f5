using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// Writes what a rollout came to on the Release row, the candidate's phase (a restore has no candidate to move), the
/// audit trail and the outbox. Released only with Succeeded; a rollback is a failure however the service runs now.
/// </summary>
internal static class RolloutOutcome
{
    public static async Task ApplyAsync(ReleaseGateDb db, PortalLinks links, Application app, Release release, Rollout rollout,
        Candidate? candidate, RolloutVerdict verdict, string message, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var subject = $"{app.Slug} {release.Version}";
        System.Diagnostics.Activity.Current?.SetTag("releasegate.rollout.verdict", verdict.ToString());
        rollout.Message = message;
        switch (verdict)
        {
            case RolloutVerdict.Converged:
                (release.Outcome, release.FinishedAt) = (ReleaseOutcome.Succeeded, now);
                (rollout.Finished, rollout.State) = (true, RolloutDecision.Completed);
                Move(candidate, CandidatePhase.Released, now, actor, $"Released: every task of '{rollout.Service}' runs {release.Digest}.",
                    new() { ["service"] = rollout.Service, ["digest"] = release.Digest });
                db.AuditEvents.Add(AuditEvent.BySystem(now, release.Kind == ReleaseKind.Restore ? "release.restored" : "candidate.released", subject, release.Digest));
                break;
            case RolloutVerdict.RolledBack:
                (release.Outcome, release.FinishedAt, release.Message) = (ReleaseOutcome.RolledBack, now, message);
                rollout.Finished = true;
                Move(candidate, CandidatePhase.RolledBack, now, actor, $"Rollout failed and was rolled back: {message}", new() { ["reason"] = message });
                db.AuditEvents.Add(AuditEvent.BySystem(now, "release.rolled-back", subject, message));
                break;
            case RolloutVerdict.Paused:
                release.Message = message;
                Move(candidate, CandidatePhase.RolloutPaused, now, actor, $"Rollout paused: {message}", new() { ["reason"] = message });
                db.AuditEvents.Add(AuditEvent.BySystem(now, "release.paused", subject, message));
                break;
            case RolloutVerdict.Errored:
                (release.Outcome, release.FinishedAt, release.Message) = (ReleaseOutcome.Failed, now, message);
                rollout.Finished = true;
                Move(candidate, CandidatePhase.Errored, now, actor, $"Rollout failed: {message}", new() { ["reason"] = message });
                db.AuditEvents.Add(AuditEvent.BySystem(now, "release.errored", subject, message));
                break;
            default:
                return;
        }
        await RolloutMail.QueueAsync(db, links, app, release, candidate, verdict, message, now, ct);
    }

    private static void Move(Candidate? c, CandidatePhase to, DateTimeOffset now, string actor, string message, EventFields fields)
    {
        // A restore's release has no candidate in flight: its candidate was released long ago and stays so.
        if (c is null || !PhaseTable.Allows(c.Phase, to)) return;
        c.Progress = null;
        c.MoveTo(to, now, actor, message, fields);
    }
}
