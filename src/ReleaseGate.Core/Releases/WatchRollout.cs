using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>How long a converged rollout's smoke URL may fail before the service goes back (the host sets it from its settings).</summary>
public sealed record SmokeCheck(int TimeoutSeconds = 60)
{
    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}

/// <summary>
/// One look at a release's rollout: observe Swarm, store the observation, decide. Answers when to look again (null when
/// done), so no thread waits for minutes and a portal killed half-way simply looks again after its restart.
/// </summary>
public sealed class WatchRollout(
    IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, ISmokeTest smoke, ICandidateChanges changes, TimeProvider time, PortalLinks links,
    SmokeCheck? smokeCheck = null)
{
    private readonly SmokeCheck smokeCheck = smokeCheck ?? new();

    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);
    /// <summary>A paused rollout waits for a person; its view still follows Swarm (a task restarting, someone resuming from the CLI).</summary>
    public static readonly TimeSpan LookWhilePaused = TimeSpan.FromSeconds(10);
    /// <summary>Swarm's monitor period when the update config leaves it unset (docker service update's default too).</summary>
    public const int SwarmDefaultMonitorSeconds = 5;
    /// <summary>
    /// Looks in a row that may fail to reach the engine before the rollout ends Errored: with pauses of 1, 2, 3, 4, then
    /// 5 s, about a minute, so an engine restarting (a few seconds to tens of seconds) is waited for, not reported.
    /// </summary>
    public const int UnreachableLimit = 15;
    private const int LongestPause = 5;

    public async Task<TimeSpan?> RunAsync(long releaseId, CancellationToken ct = default)
    {
        using var span = Telemetry.Start("rollout.look");
        span?.SetTag("releasegate.release.id", releaseId);
        try
        {
            return await LookAsync(releaseId, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return LookEvery; // a person acted on the candidate meanwhile: look again with fresh rows
        }
    }

    private async Task<TimeSpan?> LookAsync(long releaseId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rollout = await db.Rollouts.SingleOrDefaultAsync(r => r.ReleaseId == releaseId, ct);
        if (rollout is null) return null;
        var release = await db.Releases.SingleAsync(r => r.Id == releaseId, ct);
        var app = await db.Applications.SingleAsync(a => a.Id == release.ApplicationId, ct);
        var candidate = release.Kind == ReleaseKind.Rollout && release.CandidateId is { } id
            ? await db.Candidates.Include(c => c.Application).SingleOrDefaultAsync(c => c.Id == id, ct) : null;
        var now = time.GetUtcNow();

        SwarmObservation seen;
        try
        {
            seen = await swarm.ObserveAsync(rollout.Service, ct);
            rollout.FailedLooks = 0;
        }
        catch (SwarmException e)
        {
            if (candidate is { Phase: CandidatePhase.RolloutPaused })
                return LookWhilePaused; // a person decides what a paused rollout comes to, not an engine that is briefly away
            if (++rollout.FailedLooks < UnreachableLimit && !rollout.Finished)
            {
                rollout.Message = $"Swarm did not answer ({rollout.FailedLooks}/{UnreachableLimit}): {e.Message}";
                await SaveAsync(db, release, candidate, ct);
                return LookEvery * Math.Min(rollout.FailedLooks, LongestPause);
            }
            if (rollout.Finished) return null;
            await RolloutOutcome.ApplyAsync(db, links, app, release, rollout, candidate, RolloutVerdict.Errored,
                $"The production Swarm could not be reached after {UnreachableLimit} attempts: {e.Message}", "system", now, ct);
            await SaveAsync(db, release, candidate, ct);
            return null;
        }
        Store(rollout, seen, now);

        if (rollout.Finished)
        {
            // Decided already (e.g. rolled back by a person): keep the view true until Swarm is done.
            await SaveAsync(db, release, candidate, ct);
            return seen.UpdateState is RolloutDecision.Updating or RolloutDecision.RollbackStarted && now < rollout.Deadline ? LookEvery : null;
        }
        if (candidate is { Phase: not CandidatePhase.RollingOut } && release.Kind == ReleaseKind.Rollout)
        {
            await SaveAsync(db, release, candidate, ct);
            // Paused: keep the panel true, slowly; moved on by a person: a resume schedules the next look itself.
            return candidate.Phase == CandidatePhase.RolloutPaused ? LookWhilePaused : null;
        }

        var monitor = seen.UpdateMonitor ?? TimeSpan.FromSeconds(app.Rollout.MonitorSeconds > 0 ? app.Rollout.MonitorSeconds : SwarmDefaultMonitorSeconds);
        var decision = RolloutDecision.Decide(rollout, seen, now, monitor);
        if (decision.Verdict == RolloutVerdict.Watching && rollout.UpdateStartedAt is null && seen.UpdateStartedAt is { } started
            && started != rollout.PreviousUpdateStartedAt && seen.UpdateState is RolloutDecision.Updating)
            rollout.UpdateStartedAt = started;
        var smokeFailed = false;
        if (decision.Verdict == RolloutVerdict.Converged && app.Rollout.SmokeUrl.Length > 0
            && await smoke.ProbeAsync(app.Rollout.SmokeUrl, ct) is { } problem)
        {
            decision = RolloutDecision.SmokeFailing(rollout, app.Rollout.SmokeUrl, problem,
                RolloutDecision.ConvergedAt(seen, rollout.Digest, monitor, now), smokeCheck.Timeout, now);
            smokeFailed = decision.Verdict == RolloutVerdict.RolledBack;
        }
        if (smokeFailed)
            decision = await SmokeRollbackAsync(rollout, decision, app.Rollout.TimeoutSeconds, now, ct);

        if (decision.Verdict == RolloutVerdict.Watching)
        {
            rollout.Message = decision.Message;
            if (candidate is not null) candidate.Progress = $"Rolling out: {rollout.Updated}/{rollout.Total} tasks updated";
            await SaveAsync(db, release, candidate, ct);
            // Every task is on the digest: look again the moment the youngest outlives the monitor period, not up to a second late.
            var stable = RolloutDecision.StableAt(seen, rollout.Digest, monitor) - now + TimeSpan.FromMilliseconds(20);
            return stable > TimeSpan.Zero && stable < LookEvery && rollout.Updated >= rollout.Total ? stable : LookEvery;
        }
        await RolloutOutcome.ApplyAsync(db, links, app, release, rollout, candidate, decision.Verdict, decision.Message, "system", now, ct);
        await SaveAsync(db, release, candidate, ct);
        return decision.Verdict switch
        {
            RolloutVerdict.Paused when candidate is not null => LookWhilePaused,
            // Our rollback was just sent: follow Swarm until it has put the previous image back.
            RolloutVerdict.RolledBack when smokeFailed => LookEvery,
            // Released before Swarm flips its status (the last delay): follow it until it records the completion.
            RolloutVerdict.Converged when seen.UpdateState == RolloutDecision.Updating => LookEvery,
            _ => null,
        };
    }

    /// <summary>The smoke URL kept failing: back to the image the service ran before, with Swarm's own rollback.</summary>
    private async Task<RolloutDecision> SmokeRollbackAsync(Rollout rollout, RolloutDecision decision, int timeoutSeconds, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await swarm.RollbackAsync(rollout.Service, rollout.PreviousImage!, ct);
        }
        catch (SwarmException e)
        {
            return new(RolloutVerdict.Errored, $"{decision.Message} Swarm refused that rollback: {e.Message}");
        }
        // The watch keeps the view true while Swarm rolls back, as after a person's rollback.
        rollout.Deadline = now + TimeSpan.FromSeconds(Math.Max(1, timeoutSeconds));
        return decision;
    }

    private async Task SaveAsync(ReleaseGateDb db, Release release, Candidate? candidate, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        if (candidate is not null) changes.Published(candidate.Id);
        else if (release.Kind == ReleaseKind.Restore) changes.Published(RestoreRelease.ChangeOf(release));
    }

    /// <summary>The observation as pages show it: tasks newest first per slot, older ones marked replaced.</summary>
    internal static void Store(Rollout rollout, SwarmObservation seen, DateTimeOffset now)
    {
        var (updated, total) = RolloutDecision.Progress(seen, rollout.Digest);
        rollout.ObservedAt = now;
        if (seen.UpdateState == RolloutDecision.Completed && seen.UpdateCompletedAt is { } completed
            && seen.UpdateStartedAt is { } started && started != rollout.PreviousUpdateStartedAt)
            rollout.SwarmCompletedAt = completed;
        rollout.State = seen.UpdateState ?? (seen.Exists ? (updated >= total ? RolloutDecision.Completed : RolloutDecision.Updating) : "missing");
        (rollout.Updated, rollout.Total) = (updated, total);
        rollout.Tasks = seen.Tasks.GroupBy(t => t.Slot).OrderBy(g => g.Key)
            .SelectMany(g => g.OrderByDescending(t => t.At).Select((t, i) => new RolloutTask(t.Slot, t.Node, t.Image, t.DesiredState,
                t.State, t.Error, i > 0, RolloutDecision.OnDigest(t, rollout.Digest))))
            .Take(60).ToList();
    }
}
