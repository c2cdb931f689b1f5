using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Core.Releases;

/// <summary>Tells the team and the release managers how a rollout or restore ended (or paused), through the outbox.</summary>
internal static class RolloutMail
{
    public static async Task QueueAsync(ReleaseGateDb db, PortalLinks links, Application app, Release release, Candidate? c,
        RolloutVerdict verdict, string message, DateTimeOffset now, CancellationToken ct)
    {
        var to = new List<string>(app.TeamEmails);
        if (c is not null && await Recipients.SubmitterAsync(db, c.SubmittedBy, ct) is { Length: > 0 } submitter) to.Add(submitter);
        to.AddRange(await Recipients.ReleaseManagersAsync(db, now, ct));
        to = to.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (to.Count == 0) return;
        var name = $"{app.Slug} {release.Version}";
        var (kind, en, zh) = verdict switch
        {
            RolloutVerdict.Converged => ("release-released", "is released", "已发布"),
            RolloutVerdict.RolledBack => ("release-rolled-back", "FAILED and was rolled back", "发布失败并已回滚"),
            RolloutVerdict.Paused => ("release-paused", "rollout is paused", "滚动更新已暂停"),
            _ => ("release-errored", "rollout errored", "滚动更新出错"),
        };
        var mail = new MailText().Heading($"{name} {en}", $"{name} {zh}")
            .Field("Service", "服务", release.Kind == ReleaseKind.Restore ? $"{app.SwarmService} (restore)" : app.SwarmService)
            .Field("Digest", "镜像摘要", release.Digest);
        if (verdict != RolloutVerdict.Converged) mail.Field("Reason", "原因", message);
        if (verdict == RolloutVerdict.Paused)
            mail.Line("A release manager can resume or roll back from the candidate page.", "发布经理可以在候选版本页面继续或回滚。");
        if (verdict == RolloutVerdict.Errored)
            mail.Line("A release manager can retry from the candidate page.", "发布经理可以在候选版本页面重试。");
        if (c is not null) mail.Link("Open the candidate", "打开候选版本", links.Candidate(c.Id));
        db.Outbox.Add(mail.ToMessage(kind, to, $"[ReleaseGate] {name} {en} / {zh}", now));
    }
}
