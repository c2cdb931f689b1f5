using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Schedule;

/// <summary>Why an approved candidate no longer has its approvals at the cutoff, in both languages.</summary>
internal sealed record ApprovalShortfall(string En, string Zh);

/// <summary>
/// At the cutoff every counted approval is checked again against the voter as the database knows them now: still enabled,
/// still holding a role the permission table lets approve. Approved a week ago by someone since disabled or moved off QA,
/// a candidate short of approvals goes back to waiting for sign-off (and so misses this cutoff, with the reason).
/// </summary>
internal static class ApprovalRecheck
{
    public static async Task<Dictionary<Guid, ApprovalShortfall>> DemoteShortAsync(ReleaseGateDb db, CutoffContext cx, Application app,
        IReadOnlyList<Candidate> candidates, CancellationToken ct)
    {
        var approved = candidates.Where(c => c.Phase == CandidatePhase.Approved).ToList();
        var shortfalls = new Dictionary<Guid, ApprovalShortfall>();
        if (approved.Count == 0) return shortfalls;
        var ids = approved.Select(c => c.Id).ToList();
        var votes = await db.SignOffs.AsNoTracking()
            .Where(s => ids.Contains(s.CandidateId) && s.Decision == SignOffDecision.Approve && s.WithdrawnAt == null).ToListAsync(ct);
        var voters = votes.Select(v => v.User.ToUpperInvariant()).Distinct().ToList();
        var signers = Permissions.RolesFor(PortalAction.Approve);
        // LockoutEnd is compared here, not in SQL: SQLite cannot compare DateTimeOffset.
        var accounts = await db.Users.AsNoTracking().Where(u => voters.Contains(u.NormalizedUserName!))
            .Select(u => new
            {
                u.NormalizedUserName, u.LockoutEnd,
                MaySign = db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && signers.Contains(r.Name!))),
            })
            .ToListAsync(ct);
        var able = accounts.Where(a => a.MaySign && !(a.LockoutEnd is { } end && end > cx.Now)).Select(a => a.NormalizedUserName!).ToHashSet();

        foreach (var c in approved)
        {
            var counted = votes.Where(v => v.CandidateId == c.Id && v.Digest == c.Digest).ToList();
            var dropped = counted.Where(v => !able.Contains(v.User.ToUpperInvariant())).Select(v => v.User).ToList();
            var still = counted.Count - dropped.Count;
            if (still >= app.RequiredApprovals) continue;
            var who = dropped.Count == 0 ? "" : $" ({string.Join(", ", dropped)} may no longer sign off: disabled, or no longer holding a sign-off role)";
            var whoZh = dropped.Count == 0 ? "" : $"({string.Join("、", dropped)} 已不能签署:已停用或不再拥有签署角色)";
            var shortfall = new ApprovalShortfall($"only {still} of {app.RequiredApprovals} approvals still count{who}",
                $"仅 {still}/{app.RequiredApprovals} 个批准仍然有效{whoZh}");
            c.MoveTo(CandidatePhase.AwaitingSignOff, cx.Now, "system", $"Approvals re-checked at the cutoff of {cx.Label}: {shortfall.En}; waiting for QA again.",
                new EventFields { ["approvals"] = still.ToString(), ["required"] = app.RequiredApprovals.ToString(), ["dropped"] = string.Join(", ", dropped) });
            shortfalls[c.Id] = shortfall;
        }
        return shortfalls;
    }
}
