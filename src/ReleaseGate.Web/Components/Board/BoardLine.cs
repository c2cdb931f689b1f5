using ReleaseGate.Core.Access;
using ReleaseGate.Web.Security;
using System.Security.Claims;
using ReleaseGate.Core.Board;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Components.Board;

/// <summary>A board row with what, if anything, the viewer should do about it (a UI text key).</summary>
public sealed record BoardLine(BoardRow Row, string? Action)
{
    public static BoardLine For(BoardRow row, ClaimsPrincipal viewer) => new(row, row.Candidate is { } c ? ActionOn(c, viewer) : null);

    private static string? ActionOn(CandidateSummary c, ClaimsPrincipal viewer) => c.Phase switch
    {
        CandidatePhase.AwaitingSignOff when viewer.May(PortalAction.Approve) && !c.ViewerVoted && !Submitted(c, viewer) => "ActionSignOff",
        CandidatePhase.DeployFailed when viewer.May(PortalAction.Redeploy) => "ActionRedeploy",
        CandidatePhase.RolloutPaused when viewer.May(PortalAction.ResumeRollout) => "ActionRollout",
        _ => null,
    };

    private static bool Submitted(CandidateSummary c, ClaimsPrincipal viewer) =>
        PersonReference.Parse(c.SubmittedBy).Names(viewer.Identity?.Name, viewer.FindFirstValue(ClaimTypes.Email));
}
