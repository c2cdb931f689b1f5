namespace ReleaseGate.Core.Candidates;

/// <summary>
/// The kinds of timeline events. A phase move is recorded under the phase's own name; the others are here, used by
/// the use cases that write them and by the timeline that reads them.
/// </summary>
public static class CandidateEventKinds
{
    public const string Approval = nameof(Approval);
    public const string ApprovalWithdrawn = nameof(ApprovalWithdrawn);
    public const string RedeployRequested = nameof(RedeployRequested);
    public const string DeployResumed = nameof(DeployResumed);
    public const string MissedCutoff = nameof(MissedCutoff);
    public const string CutoffFrozen = nameof(CutoffFrozen);
    public const string CutoffHeld = nameof(CutoffHeld);

    public static string Of(CandidatePhase phase) => phase.ToString();

    /// <summary>Every kind a timeline may show: the phases and the events above.</summary>
    public static readonly IReadOnlyList<string> All =
        [.. Enum.GetNames<CandidatePhase>(), Approval, ApprovalWithdrawn, RedeployRequested, DeployResumed, MissedCutoff, CutoffFrozen, CutoffHeld];
}
