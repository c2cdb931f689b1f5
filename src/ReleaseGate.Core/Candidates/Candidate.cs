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

    /// <summary>Moves through the phase table, recording the move as an event of the phase's name.</summary>
    public CandidateEvent MoveTo(CandidatePhase to, DateTimeOffset at, string actor, string message, EventFields? fields = null)
    {
        if (!PhaseTable.Allows(Phase, to))
            throw new PhaseTransitionException(Id, Phase, to);
        Phase = to;
        PhaseChangedAt = at;
        return Record(at, CandidateEventKinds.Of(to), actor, message, fields);
    }

    /// <param name="message">The English sentence kept for mails, the API and rows older than the fields.</param>
    /// <param name="fields">What a page needs to write the event in the viewer's language.</param>
    public CandidateEvent Record(DateTimeOffset at, string kind, string actor, string message, EventFields? fields = null)
    {
        var e = new CandidateEvent { CandidateId = Id, At = at, Kind = kind, Actor = actor, Message = message, Fields = fields ?? [] };
        Events.Add(e);
        Touch();
        return e;
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
    /// <summary>One of <see cref="CandidateEventKinds"/>: a phase name, or an event such as Approval.</summary>
    public required string Kind { get; init; }
    public required string Actor { get; init; }
    public required string Message { get; init; }
    /// <summary>The values the sentence is made of (version, user, approvals…), by name.</summary>
    public EventFields Fields { get; init; } = [];
    /// <summary>For a failed step: the last lines the container or the tool wrote.</summary>
    public string? LogTail { get; set; }
}

/// <summary>An event's named values; stored as JSON.</summary>
public sealed class EventFields : Dictionary<string, string>
{
    public EventFields() : base(StringComparer.Ordinal) { }
}
