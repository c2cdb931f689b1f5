using ReleaseGate.Core.Access;
using ReleaseGate.Core.Users;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Core.Builds;

public enum BuildStatus { Failed, Unstable, Aborted, Succeeded }

public sealed record BuildReport(
    string Application, BuildStatus Status, int BuildNumber, string BuildUrl, string Branch, string Commit,
    IReadOnlyList<string> Culprits, string LogTail);

/// <summary>A build report taken in, and how many people were mailed about it.</summary>
public sealed record BuildReported(int Mailed);

/// <summary>Jenkins says how a build went; a failed or unstable one is mailed to the application's team.</summary>
public sealed class ReportBuild(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<BuildReported>> RunAsync(BuildReport report, string integrationKeyId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await Actor.CheckIntegrationAsync(db, integrationKeyId, PortalAction.ReportBuild, report.Application, ct) is { } refused) return refused;
        var app = await db.Applications.AsNoTracking().SingleOrDefaultAsync(a => a.Slug == report.Application, ct);
        if (app is null) return new Refusal(RefusalCode.UnknownApplication, "application", $"There is no application '{report.Application}'.", $"没有名为 '{report.Application}' 的应用。");

        var now = time.GetUtcNow();
        var mailed = 0;
        if (report.Status is BuildStatus.Failed or BuildStatus.Unstable && app.TeamEmails.Count > 0)
        {
            var (en, zh) = report.Status == BuildStatus.Failed ? ("failed", "失败") : ("is unstable", "不稳定");
            var mail = new MailText()
                .Heading($"{app.Slug}: build {report.BuildNumber} {en}", $"{app.Slug}:构建 {report.BuildNumber} {zh}")
                .Field("Branch", "分支", report.Branch)
                .Field("Commit", "提交", report.Commit)
                .Field("Culprits", "相关提交者", report.Culprits.Count > 0 ? string.Join(", ", report.Culprits) : "—")
                .Link("Open the build", "打开构建", report.BuildUrl);
            if (report.LogTail.Length > 0) mail.Preformatted("Last log lines", "日志末尾", report.LogTail);
            db.Outbox.Add(mail.ToMessage("build-" + report.Status.ToString().ToLowerInvariant(), app.TeamEmails,
                $"[ReleaseGate] {app.Slug} build {report.BuildNumber} {en} / 构建{zh}", now));
            mailed = app.TeamEmails.Count;
        }
        db.AuditEvents.Add(AuditEvent.ByIntegration(now, integrationKeyId, "build.reported", $"{app.Slug} #{report.BuildNumber}",
            JsonSerializer.Serialize(new { Status = report.Status.ToString(), report.BuildUrl, report.Commit, Mailed = mailed })));
        await db.SaveChangesAsync(ct);
        return new BuildReported(mailed);
    }
}
