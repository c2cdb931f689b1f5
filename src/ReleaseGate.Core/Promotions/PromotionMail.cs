using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Core.Promotions;

/// <summary>Tells the submitter, the team and the release managers that a candidate reached production, or did not.</summary>
internal static class PromotionMail
{
    public static async Task QueueAsync(ReleaseGateDb db, PortalLinks links, Candidate c, string? error, DateTimeOffset now, CancellationToken ct)
    {
        var to = new List<string>(c.Application.TeamEmails);
        if (await Recipients.SubmitterAsync(db, c.SubmittedBy, ct) is { Length: > 0 } submitter) to.Add(submitter);
        to.AddRange(await Recipients.ReleaseManagersAsync(db, now, ct));
        if (to.Count == 0) return;
        var name = $"{c.Application.Slug} {c.Version}";
        var mail = error is null
            ? new MailText().Heading($"{name} is released", $"{name} 已发布到生产环境")
                .Field("Production", "生产环境", $"{c.Application.ProductionRepository}:{c.Version}")
            : new MailText().Heading($"{name} could not be released", $"{name} 发布失败")
                .Field("Reason", "原因", error)
                .Line("A release manager can retry it from the candidate page.", "发布经理可以在候选版本页面重试。");
        mail.Field("Digest", "镜像摘要", c.Digest).Link("Open the candidate", "打开候选版本", links.Candidate(c.Id));
        var (kind, en, zh) = error is null ? ("candidate-released", "released", "已发布") : ("candidate-errored", "release failed", "发布失败");
        db.Outbox.Add(mail.ToMessage(kind, to, $"[ReleaseGate] {name} {en} / {zh}", now));
    }
}
