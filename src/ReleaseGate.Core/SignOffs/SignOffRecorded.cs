using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Core.SignOffs;

/// <summary>A vote or a withdrawal that was recorded, and where it left the candidate.</summary>
public sealed record SignOffRecorded(CandidatePhase Phase, int Approvals, int RequiredApprovals);

/// <summary>The sign-off rules' refusals, in both languages.</summary>
internal static class SignOffRefusals
{
    public static readonly Refusal CandidateNotFound = new(RefusalCode.NotFound, "id", "This candidate does not exist.", "该候选版本不存在。");
    public static readonly Refusal NotQa = new(RefusalCode.MissingRole, "", "Only a member of QA can approve or reject a candidate.", "只有 QA 成员可以批准或拒绝候选版本。");
    public static readonly Refusal Submitter = new(RefusalCode.Submitter, "", "You submitted this candidate, so you cannot sign it off: another QA member must.", "您是该候选版本的提交人,不能签核,需由其他 QA 成员签核。");
    public static readonly Refusal CommitAuthor = new(RefusalCode.CommitAuthor, "", "You wrote one of this candidate's commits, so you cannot approve it: another QA member must.", "您是该候选版本某个提交的作者,不能批准,需由其他 QA 成员批准。");
    public static readonly Refusal AlreadyVoted = new(RefusalCode.AlreadyVoted, "", "You have already signed off this candidate: one vote per person.", "您已签核过该候选版本:每人只能投一票。");
    public static readonly Refusal CommentRequired = new(RefusalCode.Invalid, "comment", "A rejection needs a comment that says what is wrong.", "拒绝时必须填写备注,说明问题所在。");
    public static readonly Refusal ChangedMeanwhile = new(RefusalCode.ChangedMeanwhile, "", "Someone else acted on this candidate first; reload the page and decide again.", "其他人已先处理了该候选版本;请刷新页面后重新决定。");
    public static readonly Refusal NoApprovalToWithdraw = new(RefusalCode.NothingToWithdraw, "", "You have no approval on this candidate to withdraw.", "您在该候选版本上没有可撤回的批准。");

    public static Refusal WrongDigest(string signed, string current) => new(RefusalCode.WrongDigest, "digest",
        $"The image changed: you signed off {signed}, but this candidate is {current}. Reload the page.",
        $"镜像已变化:您签核的是 {signed},但该候选版本是 {current}。请刷新页面。");

    public static Refusal NotAwaitingSignOff(CandidatePhase phase) => new(RefusalCode.WrongPhase, "",
        $"The candidate is {phase}; only a candidate awaiting sign-off can be approved or rejected.",
        $"该候选版本处于 {phase} 阶段;只有等待签核的候选版本才能批准或拒绝。");

    public static Refusal TooLateToWithdraw(CandidatePhase phase) => new(RefusalCode.WrongPhase, "",
        $"The candidate is {phase}: an approval can only be withdrawn before promotion starts.",
        $"该候选版本处于 {phase} 阶段:只能在晋级开始前撤回批准。");
}
