using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Core.SignOffs;

public enum SignOffRefusal
{
    CandidateNotFound, UnknownUser, NotQa, Submitter, AlreadyVoted, WrongDigest, WrongPhase,
    CommentRequired, ChangedMeanwhile, NoApprovalToWithdraw,
}

/// <summary>What came of a vote or a withdrawal: recorded, or refused with a reason a person understands.</summary>
public abstract record SignOffOutcome
{
    public sealed record Recorded(CandidatePhase Phase, int Approvals, int RequiredApprovals) : SignOffOutcome;
    public sealed record Refused(SignOffRefusal Kind, string Reason) : SignOffOutcome;

    internal static Refused Refuse(SignOffRefusal kind, string reason) => new(kind, reason);

    internal static Refused ChangedMeanwhile() => new(SignOffRefusal.ChangedMeanwhile,
        "Someone else acted on this candidate first; reload the page and decide again.");
}
