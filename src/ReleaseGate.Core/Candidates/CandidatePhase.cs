namespace ReleaseGate.Core.Candidates;

/// <summary>Where a candidate stands. The names are the API values.</summary>
public enum CandidatePhase
{
    Registered,
    Deploying,
    DeployFailed,
    AwaitingSignOff,
    Approved,
    Rejected,
    Superseded,
    Promoting,
    RollingOut,
    RolloutPaused,
    RolledBack,
    Errored,
    Released,
}

/// <summary>The one table of allowed moves between phases (DESIGN.md, "Candidate phases").</summary>
public static class PhaseTable
{
    public static readonly IReadOnlyDictionary<CandidatePhase, IReadOnlySet<CandidatePhase>> Next =
        new Dictionary<CandidatePhase, IReadOnlySet<CandidatePhase>>
        {
            [CandidatePhase.Registered] = Set(CandidatePhase.Deploying, CandidatePhase.Superseded),
            [CandidatePhase.Deploying] = Set(CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed, CandidatePhase.Superseded),
            [CandidatePhase.DeployFailed] = Set(CandidatePhase.Deploying, CandidatePhase.Superseded),
            [CandidatePhase.AwaitingSignOff] = Set(CandidatePhase.Approved, CandidatePhase.Rejected, CandidatePhase.Superseded),
            [CandidatePhase.Approved] = Set(CandidatePhase.Promoting, CandidatePhase.Superseded, CandidatePhase.AwaitingSignOff),
            [CandidatePhase.Rejected] = Set(),
            [CandidatePhase.Superseded] = Set(),
            [CandidatePhase.Promoting] = Set(CandidatePhase.RollingOut, CandidatePhase.Errored),
            [CandidatePhase.RollingOut] = Set(CandidatePhase.Released, CandidatePhase.RolledBack, CandidatePhase.RolloutPaused, CandidatePhase.Errored),
            [CandidatePhase.RolloutPaused] = Set(CandidatePhase.RollingOut, CandidatePhase.RolledBack),
            [CandidatePhase.RolledBack] = Set(),
            [CandidatePhase.Errored] = Set(CandidatePhase.Promoting, CandidatePhase.RollingOut),
            [CandidatePhase.Released] = Set(),
        };

    public static bool Allows(CandidatePhase from, CandidatePhase to) => Next[from].Contains(to);

    public static bool IsTerminal(this CandidatePhase phase) => Next[phase].Count == 0;

    /// <summary>A decision went against the candidate (QA said no, or production refused it).</summary>
    public static bool IsBusinessFailure(this CandidatePhase phase) =>
        phase is CandidatePhase.Rejected or CandidatePhase.RolledBack;

    /// <summary>Something broke on the way; a person can retry.</summary>
    public static bool IsTechnicalFailure(this CandidatePhase phase) =>
        phase is CandidatePhase.DeployFailed or CandidatePhase.Errored;

    /// <summary>Past the gate: promotion has started, so a newer candidate no longer supersedes it.</summary>
    public static bool IsPastGate(this CandidatePhase phase) =>
        phase is CandidatePhase.Promoting or CandidatePhase.RollingOut or CandidatePhase.RolloutPaused
            or CandidatePhase.RolledBack or CandidatePhase.Errored or CandidatePhase.Released;

    /// <summary>The phases a newer candidate takes over from: those the table lets move to Superseded.</summary>
    public static readonly IReadOnlyList<CandidatePhase> Supersedable =
        Next.Where(x => x.Value.Contains(CandidatePhase.Superseded)).Select(x => x.Key).ToArray();

    private static IReadOnlySet<CandidatePhase> Set(params CandidatePhase[] phases) => phases.ToHashSet();
}

/// <summary>The one way a wrong phase move fails, wherever it is attempted.</summary>
public sealed class PhaseTransitionException(Guid candidateId, CandidatePhase from, CandidatePhase to)
    : InvalidOperationException($"Candidate {candidateId} cannot move from {from} to {to}.")
{
    public Guid CandidateId { get; } = candidateId;
    public CandidatePhase From { get; } = from;
    public CandidatePhase To { get; } = to;
}
