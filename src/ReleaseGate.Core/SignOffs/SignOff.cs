namespace ReleaseGate.Core.SignOffs;

public enum SignOffDecision { Approve, Reject }

/// <summary>A QA vote, bound to the digest the voter saw: a vote for another digest counts for nothing.</summary>
public sealed class SignOff
{
    public long Id { get; init; }
    public Guid CandidateId { get; init; }
    public required string Digest { get; init; }
    public required string User { get; init; }
    public SignOffDecision Decision { get; init; }
    public string Comment { get; init; } = "";
    public DateTimeOffset At { get; init; }
    /// <summary>An approval withdrawn before the cutoff; kept for the record.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }
}
