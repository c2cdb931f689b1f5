using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.SignOffs;

/// <summary>Tells the submitter and the release managers that QA approved or rejected a candidate (outbox row, same save).</summary>
internal static class DecisionMail
{
    public static async Task QueueAsync(ReleaseGateDb db, PortalLinks links, Candidate c, string user, string comment, DateTimeOffset now, CancellationToken ct)
    {
        var to = await RecipientsAsync(db, c.SubmittedBy, ct);
        if (to.Count == 0) return;
        var approved = c.Phase == CandidatePhase.Approved;
        var (en, zh) = approved ? ("approved", "已批准") : ("rejected", "已拒绝");
        var mail = new MailText()
            .Heading($"{c.Application.Slug} {c.Version} was {en} by QA", $"{c.Application.Slug} {c.Version} 已被 QA {(approved ? "批准" : "拒绝")}")
            .Field("Decided by", "决定人", user)
            .Field("Digest", "镜像摘要", c.Digest);
        if (comment.Length > 0) mail.Field("Comment", "备注", comment);
        mail.Line(approved ? "It will be promoted at its next cutoff." : "It will not be released; a new build is needed.",
                approved ? "它将在下一个截止时间发布到生产环境。" : "该版本不会发布;需要新的构建。")
            .Link("Open the candidate", "打开候选版本", links.Candidate(c.Id));
        db.Outbox.Add(mail.ToMessage(approved ? "candidate-approved" : "candidate-rejected", to,
            $"[ReleaseGate] {c.Application.Slug} {c.Version} {en} / {zh}", now));
    }

    private static async Task<List<string>> RecipientsAsync(ReleaseGateDb db, string submittedBy, CancellationToken ct)
    {
        var managers = await db.UserRoles
            .Join(db.Roles.Where(r => r.Name == Roles.ReleaseManager), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(db.Users, id => id, u => u.Id, (_, u) => u.Email).Where(e => e != null).ToListAsync(ct);
        var submitter = await Recipients.SubmitterAsync(db, submittedBy, ct);
        return managers.Prepend(submitter).OfType<string>().Where(e => e.Length > 0).ToList();
    }
}
