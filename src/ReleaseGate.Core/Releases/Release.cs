namespace ReleaseGate.Core.Releases;

public enum ReleaseKind { Rollout, Restore }

public enum ReleaseOutcome { Running, Succeeded, RolledBack, Failed }

/// <summary>What production ran: one row per rollout or restore of a digest.</summary>
public sealed class Release
{
    public long Id { get; init; }
    public int ApplicationId { get; init; }
    public required string Digest { get; init; }
    public required string Version { get; init; }
    public Guid? CandidateId { get; init; }
    public ReleaseKind Kind { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public ReleaseOutcome Outcome { get; set; } = ReleaseOutcome.Running;
    public string StartedBy { get; init; } = "";
    /// <summary>Why a release manager restored this digest.</summary>
    public string Reason { get; init; } = "";
    /// <summary>For a failure: Swarm's message and the failing task's error.</summary>
    public string Message { get; set; } = "";
}
