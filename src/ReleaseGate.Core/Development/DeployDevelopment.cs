using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Core.Development;

/// <summary>
/// Deploys the build an application's development environment was given, through the test host: pull by digest, replace
/// the previous development container, start, wait for health. The team is mailed when it fails. Every step first checks
/// that no newer build took over, and the whole is safe to run again from the start after a crash.
/// </summary>
public sealed class DeployDevelopment(IDbContextFactory<ReleaseGateDb> dbs, ITestHost host, ICandidateChanges changes, TimeProvider time, PortalLinks links)
{
    /// <summary>The environment label of a development container; test containers have none.</summary>
    public const string Environment = "development";

    /// <summary>Deploys; false when there was nothing to do (a newer build took over while this one was queued).</summary>
    public async Task<bool> RunAsync(string application, Guid attempt, CancellationToken ct)
    {
        using var span = Telemetry.Start("deploy-development");
        span?.SetTag("releasegate.application", application);
        var spec = await BeginAsync(application, attempt, ct);
        if (spec is null) return false;
        try
        {
            if (!await StepAsync(application, attempt, $"Pulling {spec.Image}", ct)) return true;
            await host.PullAsync(spec.Image, ct);
            if (!await StepAsync(application, attempt, "Replacing the previous development container", ct)) return true;
            await host.RemoveAsync(spec, ct);
            if (!await StepAsync(application, attempt, "Starting the container", ct)) return true;
            var containerId = await host.StartAsync(spec, ct);
            if (!await StepAsync(application, attempt, $"Waiting for health at {spec.HealthUrl}", ct)) return true;
            await host.WaitHealthyAsync(containerId, spec, ct);
            await FinishAsync(application, attempt, $"http://{host.PublicHost}:{spec.PublishedPort}/", ct);
        }
        catch (TestDeploymentException e)
        {
            await FailAsync(application, attempt, e.Message, e.LogTail);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await FailAsync(application, attempt, "The deployment stopped: a step timed out.", "");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(application, attempt, $"The deployment stopped on an unexpected error: {e.Message}", "");
            throw;
        }
        return true;
    }

    /// <summary>The job was cancelled for another reason than a shutdown: the environment must not stay Deploying.</summary>
    public Task CancelledAsync(string application, Guid attempt) =>
        FailAsync(application, attempt, "The deployment was cancelled before it finished; the next develop build deploys again.", "");

    private async Task<TestContainer?> BeginAsync(string application, Guid attempt, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var d = await CurrentAsync(db, application, attempt, ct);
        if (d is null || d.State is not (DevelopmentState.Queued or DevelopmentState.Deploying) || d.Application.Development is not { } env) return null;
        if (d.State == DevelopmentState.Queued) d.MoveTo(DevelopmentState.Deploying, time.GetUtcNow());
        d.Progress = "Queued";
        await db.SaveChangesAsync(ct);
        changes.Published(d.Attempt);
        return new TestContainer(env.ContainerName, d.StagingReference, env.PublishedPort, env.ContainerPort, env.EnvironmentVariables,
            new Dictionary<string, string>
            {
                [DeployCandidate.Labels.Application] = d.Application.Slug, [DeployCandidate.Labels.Environment] = Environment,
                [DeployCandidate.Labels.Digest] = d.Digest, [DeployCandidate.Labels.Version] = d.Version,
            },
            new Uri($"http://{host.PublicHost}:{env.PublishedPort}{env.HealthPath}"), TimeSpan.FromSeconds(env.HealthTimeoutSeconds));
    }

    /// <summary>The application's development deployment, if it is still this attempt's (a newer build has its own).</summary>
    private static Task<DevelopmentDeployment?> CurrentAsync(ReleaseGateDb db, string application, Guid attempt, CancellationToken ct) =>
        db.DevelopmentDeployments.Include(d => d.Application).SingleOrDefaultAsync(d => d.Application.Slug == application && d.Attempt == attempt, ct);

    private async Task<bool> StepAsync(string application, Guid attempt, string progress, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var d = await CurrentAsync(db, application, attempt, ct);
        if (d?.State != DevelopmentState.Deploying) return false;
        d.Progress = progress;
        d.Touch();
        await db.SaveChangesAsync(ct);
        changes.Published(attempt);
        return true;
    }

    private async Task FinishAsync(string application, Guid attempt, string url, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var d = await CurrentAsync(db, application, attempt, ct);
        if (d?.State != DevelopmentState.Deploying) return;
        var now = time.GetUtcNow();
        d.Running(url, now);
        db.AuditEvents.Add(AuditEvent.BySystem(now, "development.deployed", $"{application} {d.Version}", url));
        await db.SaveChangesAsync(ct);
        changes.Published(attempt);
    }

    private async Task FailAsync(string application, Guid attempt, string reason, string logTail)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var d = await CurrentAsync(db, application, attempt, CancellationToken.None);
        if (d?.State != DevelopmentState.Deploying) return;
        var now = time.GetUtcNow();
        System.Diagnostics.Activity.Current?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
        d.Failed(reason, logTail, now);
        db.AuditEvents.Add(AuditEvent.BySystem(now, "development.deploy-failed", $"{application} {d.Version}", reason));
        if (d.Application.TeamEmails.Count > 0)
        {
            var mail = new MailText()
                .Heading($"{application} {d.Version} could not be deployed to development", $"{application} {d.Version} 开发环境部署失败")
                .Field("Reason", "原因", reason)
                .Field("Build", "构建", $"#{d.BuildNumber}")
                .Field("Commit", "提交", d.Commit)
                .Link("Open the build", "打开构建", d.BuildUrl)
                .Link("Open the board", "打开看板", links.Board());
            if (logTail.Length > 0) mail.Preformatted("Last log lines", "最后的日志", logTail);
            db.Outbox.Add(mail.ToMessage("development-deploy-failed", d.Application.TeamEmails,
                $"[ReleaseGate] {application} {d.Version}: development deployment failed / 开发环境部署失败", now));
        }
        await db.SaveChangesAsync();
        changes.Published(attempt);
    }
}
