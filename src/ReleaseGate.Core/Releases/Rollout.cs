namespace ReleaseGate.Core.Releases;

/// <summary>
/// The Swarm side of one Release: what was started, and the last observation, stored so any page or the API reads
/// it (<c>rollout: { state, updated, total, message, tasks }</c>). One row a Release; the watch job updates it.
/// </summary>
public sealed class Rollout
{
    public long ReleaseId { get; init; }
    public Guid? CandidateId { get; init; }
    public required string Service { get; init; }
    public required string Image { get; init; }
    public required string Digest { get; init; }
    public string? PreviousImage { get; set; }
    public bool Created { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset Deadline { get; set; }
    /// <summary>The update status Swarm showed before ours: a state left from it does not count.</summary>
    public DateTimeOffset? PreviousUpdateStartedAt { get; set; }
    /// <summary>The start of our update, once seen; another start means someone else changed the service.</summary>
    public DateTimeOffset? UpdateStartedAt { get; set; }
    /// <summary>Decided: the watch only refreshes the observation until Swarm is done (e.g. a rollback).</summary>
    public bool Finished { get; set; }
    public int FailedLooks { get; set; }
    public DateTimeOffset? ObservedAt { get; set; }
    /// <summary>When Swarm reported our update completed; with the release's end it shows how soon the portal noticed.</summary>
    public DateTimeOffset? SwarmCompletedAt { get; set; }
    public string State { get; set; } = "starting";
    public string Message { get; set; } = "";
    public int Updated { get; set; }
    public int Total { get; set; }
    public List<RolloutTask> Tasks { get; set; } = [];
}

/// <summary>A task as `docker service ps` shows it; <see cref="Replaced"/> lines are older tasks of the same slot.</summary>
public sealed record RolloutTask(int Slot, string Node, string Image, string DesiredState, string CurrentState, string? Error, bool Replaced, bool OnDigest);
