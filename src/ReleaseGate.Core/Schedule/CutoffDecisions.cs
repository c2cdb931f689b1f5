using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Core.Schedule;

/// <summary>What a cutoff does to one candidate.</summary>
public enum CutoffAction
{
    /// <summary>The newest approved candidate: Approved → Promoting.</summary>
    Promote,
    /// <summary>An older approved candidate: a newer one is promoted instead.</summary>
    Supersede,
    /// <summary>Not signed off (or not even in test) yet: it keeps waiting, for the next window.</summary>
    MissedCutoff,
    /// <summary>A freeze holds the application at this cutoff; nothing moves.</summary>
    HeldByFreeze,
    /// <summary>An earlier promotion of the application is still under way; an approved candidate waits for the next cutoff.</summary>
    HeldByPromotion,
}

/// <summary>A candidate as the decision sees it.</summary>
public readonly record struct CutoffCandidate(Guid Id, CandidatePhase Phase, DateTimeOffset RegisteredAt);

public readonly record struct CutoffDecision(Guid CandidateId, CutoffAction Action);

/// <summary>The cutoff's decision for one application, apart from the database so every mix of phases is tested directly.</summary>
public static class CutoffDecisions
{
    /// <summary>Phases a cutoff speaks to; past the gate or terminal ones it leaves alone.</summary>
    public static bool IsWaiting(CandidatePhase phase) =>
        phase is CandidatePhase.Registered or CandidatePhase.Deploying or CandidatePhase.DeployFailed or CandidatePhase.AwaitingSignOff;

    /// <summary>A promotion of the application still going on: promoting a second one beside it would race it to production.</summary>
    public static bool IsInFlight(CandidatePhase phase) =>
        phase is CandidatePhase.Promoting or CandidatePhase.RollingOut or CandidatePhase.RolloutPaused;

    public static IReadOnlyList<CutoffDecision> Decide(IEnumerable<CutoffCandidate> candidates, bool frozen)
    {
        var all = candidates.ToList();
        var inPlay = all.Where(c => IsWaiting(c.Phase) || c.Phase == CandidatePhase.Approved)
            .OrderByDescending(c => c.RegisteredAt).ThenByDescending(c => c.Id).ToList();
        if (frozen) return inPlay.Select(c => new CutoffDecision(c.Id, CutoffAction.HeldByFreeze)).ToList();

        var inFlight = all.Any(c => IsInFlight(c.Phase));
        var newestApproved = inPlay.FirstOrDefault(c => c.Phase == CandidatePhase.Approved);
        return inPlay.Select(c => new CutoffDecision(c.Id, c switch
        {
            { Phase: not CandidatePhase.Approved } => CutoffAction.MissedCutoff,
            _ when inFlight => CutoffAction.HeldByPromotion,
            _ when c.Id == newestApproved.Id => CutoffAction.Promote,
            _ => CutoffAction.Supersede,
        })).ToList();
    }
}
