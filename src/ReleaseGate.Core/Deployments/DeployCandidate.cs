using System.Text;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Core.Deployments;

/// <summary>
/// Deploys a candidate to the test host by digest: pull, replace the previous container, start, wait
/// for health; then QA is mailed the test URL. Safe to run again from the start after a crash: every
/// step is idempotent and the previous container is always removed first.
/// </summary>
public sealed class DeployCandidate(
    IDbContextFactory<ReleaseGateDb> dbs, ITestHost host, ICandidateChanges changes, TimeProvider time, PortalLinks links)
{
    /// <summary>Deploys; false when there was nothing to deploy (the candidate moved on while queued).</summary>
    public async Task<bool> RunAsync(Guid candidateId, CancellationToken ct)
    {
        using var span = Telemetry.Start("deploy", candidateId);
        var spec = await BeginAsync(candidateId, ct);
        if (spec is null) return false;
        try
        {
            if (!await StepAsync(candidateId, $"Pulling {spec.Image}", ct)) return true;
            await host.PullAsync(spec.Image, ct);
            if (!await StepAsync(candidateId, "Replacing the previous test container", ct)) return true;
            await host.RemoveAsync(spec, ct);
            if (!await StepAsync(candidateId, "Starting the container", ct)) return true;
            var containerId = await host.StartAsync(spec, ct);
            if (!await StepAsync(candidateId, $"Waiting for health at {spec.HealthUrl}", ct)) return true;
            await host.WaitHealthyAsync(containerId, spec, ct);
            await FinishAsync(candidateId, spec, ct);
        }
        catch (TestDeploymentException e)
        {
            await FailAsync(candidateId, e.Message, e.LogTail);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A step timed out on its own (an HTTP or engine timeout): not our caller stopping us, so a failure like any other.
            await FailAsync(candidateId, "The deployment stopped: a step timed out.", "");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever broke, the candidate must not stay Deploying with nobody told.
            await FailAsync(candidateId, $"The deployment stopped on an unexpected error: {e.Message}", "");
            throw;
        }
        return true;
    }

    public static class Labels
    {
        public const string Application = "releasegate.application";
        public const string Candidate = "releasegate.candidate";
        public const string Digest = "releasegate.digest";
        public const string Version = "releasegate.version";
        /// <summary>Set on development containers only ("development"); a test container has none.</summary>
        public const string Environment = "releasegate.environment";

        /// <summary>Which environment of its application a container belongs to: "test" when it says none.</summary>
        public static string EnvironmentOf(IReadOnlyDictionary<string, string>? labels) =>
            labels is not null && labels.TryGetValue(Environment, out var e) && e.Length > 0 ? e : "test";
    }

    /// <summary>Moves the candidate to Deploying (or resumes a deployment cut short) and says what to run.</summary>
    private async Task<TestContainer?> BeginAsync(Guid candidateId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return null;
        var now = time.GetUtcNow();
        switch (c.Phase)
        {
            case CandidatePhase.Registered or CandidatePhase.DeployFailed:
                c.MoveTo(CandidatePhase.Deploying, now, "system", "Deployment to the test host started.");
                break;
            case CandidatePhase.Deploying:
                c.Record(now, CandidateEventKinds.DeployResumed, "system", "Deployment resumed after the portal restarted.");
                break;
            default:
                return null; // superseded or moved on while queued: nothing to deploy
        }
        c.Progress = "Queued";
        await db.SaveChangesAsync(ct);
        changes.Published(c.Id);

        var t = c.Application.TestEnvironment;
        return new TestContainer(
            t.ContainerName, c.StagingReference, t.PublishedPort, t.ContainerPort, t.EnvironmentVariables,
            new Dictionary<string, string>
            {
                [Labels.Application] = c.Application.Slug, [Labels.Candidate] = c.Id.ToString(),
                [Labels.Digest] = c.Digest, [Labels.Version] = c.Version,
            },
            new Uri($"http://{host.PublicHost}:{t.PublishedPort}{t.HealthPath}"), TimeSpan.FromSeconds(t.HealthTimeoutSeconds));
    }

    /// <summary>Records progress; false when the candidate left Deploying meanwhile (superseded), so the job stops.</summary>
    private async Task<bool> StepAsync(Guid candidateId, string progress, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.SingleAsync(x => x.Id == candidateId, ct);
        if (c.Phase != CandidatePhase.Deploying) return false;
        c.Progress = progress;
        c.Touch();
        await db.SaveChangesAsync(ct);
        changes.Published(candidateId);
        return true;
    }

    private async Task FinishAsync(Guid candidateId, TestContainer spec, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).SingleAsync(x => x.Id == candidateId, ct);
        if (c.Phase != CandidatePhase.Deploying) return;
        var now = time.GetUtcNow();
        var testUrl = $"http://{host.PublicHost}:{spec.PublishedPort}/";
        c.TestUrl = testUrl;
        c.Progress = null;
        System.Diagnostics.Activity.Current?.SetTag("releasegate.phase", nameof(CandidatePhase.AwaitingSignOff));
        c.MoveTo(CandidatePhase.AwaitingSignOff, now, "system", $"Running in test at {testUrl}; waiting for QA.", new() { ["testUrl"] = testUrl });
        db.AuditEvents.Add(AuditEvent.BySystem(now, "candidate.deployed", $"{c.Application.Slug} {c.Version}", testUrl));

        if (c.Application.QaEmails.Count > 0)
        {
            var (production, sinceProduction) = await ChangesSinceProduction.LoadAsync(db, c, ct);
            var changesText = new StringBuilder();
            foreach (var change in sinceProduction) changesText.AppendLine($"{change.Commit[..Math.Min(7, change.Commit.Length)]} {change.Author}: {change.Message}");
            var mail = new MailText()
                .Heading($"{c.Application.Slug} {c.Version} is ready to test", $"{c.Application.Slug} {c.Version} 已可测试")
                .Link("Test it here", "测试地址", c.TestUrl)
                .Field("Version", "版本", c.Version)
                .Field("In production", "生产版本", production ?? "—")
                .Field("Digest", "镜像摘要", c.Digest)
                .Preformatted($"Changes since {production ?? "the start"}", $"自 {production ?? "首次发布"} 以来的变更", changesText.Length > 0 ? changesText.ToString() : "—")
                .Link("Approve or reject", "批准或拒绝", links.Candidate(c.Id));
            db.Outbox.Add(mail.ToMessage("candidate-ready", c.Application.QaEmails,
                $"[ReleaseGate] {c.Application.Slug} {c.Version} is ready to test / 已可测试", now));
        }
        await db.SaveChangesAsync(ct);
        changes.Published(c.Id);
    }

    /// <summary>The job was cancelled for another reason than a shutdown (which hands it back to the next start): it must not stay Deploying.</summary>
    public Task CancelledAsync(Guid candidateId) =>
        FailAsync(candidateId, "The deployment was cancelled before it finished; redeploy to try again.", "");

    private async Task FailAsync(Guid candidateId, string reason, string logTail)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var c = await db.Candidates.Include(x => x.Application).SingleAsync(x => x.Id == candidateId);
        if (c.Phase != CandidatePhase.Deploying) return;
        var now = time.GetUtcNow();
        c.Progress = null;
        System.Diagnostics.Activity.Current?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
        c.MoveTo(CandidatePhase.DeployFailed, now, "system", reason).LogTail = logTail.Length > 0 ? logTail : null;
        db.AuditEvents.Add(AuditEvent.BySystem(now, "candidate.deploy-failed", $"{c.Application.Slug} {c.Version}", reason));
        if (c.Application.TeamEmails.Count > 0)
        {
            var mail = new MailText()
                .Heading($"{c.Application.Slug} {c.Version} could not be deployed to test", $"{c.Application.Slug} {c.Version} 测试环境部署失败")
                .Field("Reason", "原因", reason)
                .Link("Open the candidate (redeploy from there)", "打开候选版本(可在此重新部署)", links.Candidate(c.Id));
            if (logTail.Length > 0) mail.Preformatted("Last log lines", "最后的日志", logTail);
            db.Outbox.Add(mail.ToMessage("candidate-deploy-failed", c.Application.TeamEmails,
                $"[ReleaseGate] {c.Application.Slug} {c.Version}: test deployment failed / 测试部署失败", now));
        }
        await db.SaveChangesAsync();
        changes.Published(c.Id);
    }
}
