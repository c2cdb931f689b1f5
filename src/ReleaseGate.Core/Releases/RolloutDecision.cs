namespace ReleaseGate.Core.Releases;

public enum RolloutVerdict { Watching, Converged, RolledBack, Paused, Errored }

/// <summary>What one observation means for a rollout, with the sentence a person reads.</summary>
public sealed record RolloutDecision(RolloutVerdict Verdict, string Message)
{
    // Swarm's update states (a free string: clients list only some of them).
    public const string Updating = "updating", Paused = "paused", Completed = "completed",
        RollbackStarted = "rollback_started", RollbackPaused = "rollback_paused", RollbackCompleted = "rollback_completed";

    /// <summary>
    /// Decides from what Swarm shows. An update status older than ours (an earlier update's) never counts; another
    /// update started after ours, or another image in the spec, means someone else changed the service. Swarm's
    /// automatic rollback is a failure even though the service runs again: the docker CLI exits 0 there, we do not.
    /// </summary>
    /// <remarks>
    /// <paramref name="monitor"/> is the update's monitor period: Swarm counts a task's failure against the update only
    /// within it, so once every task of the new digest has run longer than that, nothing can roll the update back and
    /// it is Released then, as `docker service update` reports convergence, not a delay later when Swarm flips its
    /// status (it waits the update delay after the last task, then the monitor period again). Task times are Swarm's
    /// clock: the portal's and the manager's agree (NTP; the stack runs the portal on a manager).
    /// </remarks>
    public static RolloutDecision Decide(Rollout rollout, SwarmObservation seen, DateTimeOffset now, TimeSpan? monitor = null)
    {
        if (!seen.Exists)
            return new(RolloutVerdict.Errored, $"The service '{rollout.Service}' no longer exists: someone removed it during the rollout.");
        var ours = seen.UpdateStartedAt is { } started && started != rollout.PreviousUpdateStartedAt;
        var rollingBack = seen.UpdateState is RollbackStarted or RollbackPaused or RollbackCompleted;
        if (!rollingBack && seen.Image is { } image && image != rollout.Image)
            return new(RolloutVerdict.Errored, $"The service was changed by someone else during the rollout: it now runs {image}, not {rollout.Image}.");
        if (!rollingBack && ours && rollout.UpdateStartedAt is { } mine && seen.UpdateStartedAt != mine)
            return new(RolloutVerdict.Errored, $"The service was changed by someone else during the rollout: another update started at {seen.UpdateStartedAt:O}.");

        if (ours)
        {
            var said = string.IsNullOrEmpty(seen.UpdateMessage) ? "" : $" Swarm: {seen.UpdateMessage.TrimEnd('.')}.";
            var taskError = FailingTask(seen, rollout.Digest) is { } t ? $" Failing task (slot {t.Slot}): {t.Error ?? t.Message}." : "";
            switch (seen.UpdateState)
            {
                case RollbackCompleted:
                    return new(RolloutVerdict.RolledBack, $"The update failed and Swarm rolled the service back to the previous version.{said}{taskError}");
                case RollbackPaused:
                    return new(RolloutVerdict.Errored, $"The update failed and Swarm's rollback paused too: the service needs a person.{said}{taskError}");
                case Paused:
                    return new(RolloutVerdict.Paused, $"Swarm paused the update.{said}{taskError}");
                case RollbackStarted:
                    return Waiting(rollout, now, "Swarm is rolling the service back." + said);
            }
        }
        var (updated, total) = Progress(seen, rollout.Digest);
        var settled = seen.UpdateState is null or Completed || !ours;
        var allOnDigest = updated >= total && total > 0 && seen.Tasks.Where(t => t.Running).All(t => OnDigest(t, rollout.Digest));
        // No update of ours on an existing service (a resume re-sends an unchanged spec, and Swarm then ends the paused
        // update without starting one): nothing has watched the tasks, and a crash-looping one is "running" for a moment
        // now and then. Such tasks count only once they have outlived the monitor period.
        var unwatched = !ours && !rollout.Created && monitor is { } quiet && StableAt(seen, rollout.Digest, quiet) > now;
        if (allOnDigest && settled && !unwatched)
            return new(RolloutVerdict.Converged, $"Every task runs {rollout.Digest} ({updated}/{total}{Source(seen)}).");
        if (allOnDigest && ours && seen.UpdateState == Updating && monitor is { } period && StableAt(seen, rollout.Digest, period) <= now)
            return new(RolloutVerdict.Converged, $"Every task runs {rollout.Digest} ({updated}/{total}{Source(seen)}) and has outlived the update's monitor period ({period.TotalSeconds:0.#} s): Swarm can no longer roll it back.");
        return Waiting(rollout, now, $"{updated}/{total} tasks updated.");
    }

    /// <summary>
    /// Every task runs the digest but the smoke URL does not answer 2xx. It is given <paramref name="smokeTimeout"/> from
    /// the moment the rollout converged (<paramref name="convergedAt"/>), then the service goes back to the release before
    /// it: a business failure (RolledBack), as Swarm's own rollback is. A first release has nothing to go back to: Errored.
    /// </summary>
    public static RolloutDecision SmokeFailing(Rollout rollout, string url, string problem, DateTimeOffset convergedAt, TimeSpan smokeTimeout, DateTimeOffset now)
    {
        var waited = now - convergedAt;
        if (waited < smokeTimeout && now < rollout.Deadline)
            return new(RolloutVerdict.Watching, $"Every task runs the new digest; waiting for the smoke URL ({Math.Max(0, waited.TotalSeconds):0} s of {smokeTimeout.TotalSeconds:0} s): {problem}");
        var failed = $"Every task ran {rollout.Digest}, but the smoke URL {url} did not answer 2xx within {smokeTimeout.TotalSeconds:0} s: {problem}.";
        return rollout.PreviousImage is { } previous
            ? new(RolloutVerdict.RolledBack, $"{failed} The service goes back to {previous}.")
            : new(RolloutVerdict.Errored, $"{failed} This was the service's first release: there is no earlier version to roll back to.");
    }

    /// <summary>When the rollout converged: the youngest task of the digest outlived the monitor period (never later than now).</summary>
    public static DateTimeOffset ConvergedAt(SwarmObservation seen, string digest, TimeSpan monitor, DateTimeOffset now) =>
        StableAt(seen, digest, monitor) is var stable && stable < now ? stable : now;

    /// <summary>Says whether the digests were read from the containers (the engine) or, for tasks on other nodes, from the task spec.</summary>
    private static string Source(SwarmObservation seen)
    {
        var running = seen.Tasks.Where(t => t.Running).ToList();
        var fromSpec = running.Count(t => t.ContainerDigests is null);
        return fromSpec == 0 ? ", as their containers' images report"
            : fromSpec == running.Count ? ", as Swarm's task specs say: the engine could not inspect their containers"
            : $", {fromSpec} of them as Swarm's task specs say: their containers are on nodes the engine could not inspect";
    }

    /// <summary>
    /// When the youngest running task of the digest outlives the monitor period. The task's time is when its node saw
    /// it running; the manager starts the period when it learns so, a little later: the margin covers that, and a crash
    /// in the period's last instant that has not reached the manager yet.
    /// </summary>
    public static DateTimeOffset StableAt(SwarmObservation seen, string digest, TimeSpan monitor)
    {
        var running = seen.Tasks.Where(t => t.Running && OnDigest(t, digest)).ToList();
        return running.Count == 0 ? DateTimeOffset.MaxValue : running.Max(t => t.At) + monitor + StableMargin;
    }

    public static readonly TimeSpan StableMargin = TimeSpan.FromMilliseconds(100);

    private static RolloutDecision Waiting(Rollout rollout, DateTimeOffset now, string message) =>
        now >= rollout.Deadline
            ? new(RolloutVerdict.Errored, $"The rollout did not finish within its timeout ({(rollout.Deadline - rollout.StartedAt).TotalSeconds:0} s). {message}")
            : new(RolloutVerdict.Watching, message);

    /// <summary>Running tasks on the digest, out of the replicas Swarm wants.</summary>
    public static (int Updated, int Total) Progress(SwarmObservation seen, string digest) =>
        (seen.Tasks.Count(t => t.Running && OnDigest(t, digest)), seen.DesiredReplicas);

    public static bool OnDigest(string image, string digest) => image.EndsWith("@" + digest, StringComparison.Ordinal);

    /// <summary>
    /// Whether a task runs the digest: what its container's image is (the engine's repo digests of the image the container
    /// was made from) when the engine could inspect it; only a container on another node falls back to the task's spec.
    /// </summary>
    public static bool OnDigest(SwarmTask task, string digest) =>
        task.ContainerDigests is { } running ? running.Contains(digest) : OnDigest(task.Image, digest);

    /// <summary>The newest task of the new image that failed, whose error tells why the update did.</summary>
    private static SwarmTask? FailingTask(SwarmObservation seen, string digest) =>
        seen.Tasks.Where(t => OnDigest(t, digest) && t.State is "failed" or "rejected" && (t.Error ?? t.Message).Length > 0)
            .OrderByDescending(t => t.At).FirstOrDefault();
}
