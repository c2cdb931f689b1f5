using ReleaseGate.Core.Applications;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Candidates;

/// <summary>One image of an application offered for release, identified for good by its digest.</summary>
public sealed class Candidate
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public int ApplicationId { get; init; }
    public Application Application { get; init; } = null!;
    public required string Version { get; init; }
    public required string Digest { get; init; }
    public required string Commit { get; init; }
    public string Branch { get; init; } = "";
    public int BuildNumber { get; init; }
    public string BuildUrl { get; init; } = "";
    public required string SubmittedBy { get; init; }
    public List<CommitChange> Changes { get; init; } = [];
    public DateTimeOffset RegisteredAt { get; init; }
    public int? TargetWindowId { get; set; }
    public string? TestUrl { get; set; }
    public CandidatePhase Phase { get; private set; } = CandidatePhase.Registered;
    public DateTimeOffset PhaseChangedAt { get; private set; }
    /// <summary>What the step in progress is doing (pulling, starting…), for live pages.</summary>
    public string? Progress { get; set; }
    public List<CandidateEvent> Events { get; init; } = [];
    public List<SignOff> SignOffs { get; init; } = [];
    /// <summary>Changes on every write, so two people acting at once cannot both win.</summary>
    public Guid ConcurrencyToken { get; private set; } = Guid.NewGuid();

    /// <summary>Approvals that count: not withdrawn, and given for this candidate's digest.</summary>
    public int Approvals => SignOffs.Count(s => s.Decision == SignOffDecision.Approve && s.WithdrawnAt == null && s.Digest == Digest);

    /// <summary>The image as the staging registry serves it, pinned by digest.</summary>
    public string StagingReference => $"{Application.StagingRepository}@{Digest}";

    public void MoveTo(CandidatePhase to, DateTimeOffset at, string actor, string message)
    {
        if (!PhaseTable.Allows(Phase, to))
            throw new PhaseTransitionException(Id, Phase, to);
        Phase = to;
        PhaseChangedAt = at;
        Record(at, to.ToString(), actor, message);
    }

    public void Record(DateTimeOffset at, string kind, string actor, string message)
    {
        Events.Add(new CandidateEvent { CandidateId = Id, At = at, Kind = kind, Actor = actor, Message = message });
        Touch();
    }

    public void Touch() => ConcurrencyToken = Guid.NewGuid();
}

public sealed record CommitChange(string Commit, string Author, string Message);

/// <summary>One line of a candidate's timeline.</summary>
public sealed class CandidateEvent
{
    public long Id { get; init; }
    public Guid CandidateId { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>A phase name, or an event such as MissedCutoff or SignedOff.</summary>
    public required string Kind { get; init; }
    public required string Actor { get; init; }
    public required string Message { get; init; }
}
