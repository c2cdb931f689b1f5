using Microsoft.EntityFrameworkCore;
using Quartz;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Web.Observability;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// Deploys one candidate to the test host. One job per application, so its deployments run one at a
/// time; recovered after a crash or a shutdown that cut it short (RequestsRecovery).
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeployJob(DeployCandidate deploy, IHostApplicationLifetime lifetime, IDbContextFactory<ReleaseGateDb> dbs,
    PortalMetrics metrics, TimeProvider time) : IJob
{
    public const string CandidateKey = "candidateId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var candidateId = Guid.Parse(context.MergedJobDataMap.GetString(CandidateKey)!);
        var started = time.GetTimestamp();
        try
        {
            if (!await deploy.RunAsync(candidateId, ct)) return;
        }
        catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Cancelled, but not by a shutdown (that one recovers the job at the next start): end it, or it stays Deploying.
            await deploy.CancelledAsync(candidateId);
        }
        // The duration by the phase it ended in (AwaitingSignOff, DeployFailed, or Superseded half-way).
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var phase = await db.Candidates.Where(c => c.Id == candidateId).Select(c => c.Phase).SingleAsync(CancellationToken.None);
        if (phase != CandidatePhase.Deploying) metrics.Deployed(time.GetElapsedTime(started), phase.ToString());
    }
}

/// <summary>Queues deployments as Quartz triggers in the database.</summary>
public sealed class QuartzDeploymentQueue(ISchedulerFactory schedulers) : IDeploymentQueue
{
    public async Task EnqueueAsync(Guid candidateId, string application, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = new JobKey($"deploy-{application}", "deploy");
        if (await scheduler.GetJobDetail(job, ct) is null)
            await scheduler.AddJob(JobBuilder.Create<DeployJob>().WithIdentity(job).StoreDurably().RequestRecovery().Build(), AddJobOptions.Replacing, ct);
        // One pending deployment per candidate: asking again while one waits changes nothing.
        var trigger = new TriggerKey($"deploy-{candidateId}", "deploy");
        try
        {
            await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity(trigger).ForJob(job)
                .UsingJobData(DeployJob.CandidateKey, candidateId.ToString()).StartNow().Build(), default, ct);
        }
        catch (ObjectAlreadyExistsException)
        {
        }
    }
}

/// <summary>
/// Once started: queues the candidates left Registered or Promoting and the development deployments left Queued (an enqueue
/// lost to a crash right after a commit),
/// and gives every release window its trigger.
/// </summary>
public sealed class DeploymentCatchUp(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<DeploymentCatchUp> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(CatchUpAsync));
        return Task.CompletedTask;
    }

    private async Task CatchUpAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReleaseGate.Core.Data.ReleaseGateDb>();
            var queue = scope.ServiceProvider.GetRequiredService<IDeploymentQueue>();
            var waiting = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.Candidates.Where(c => c.Phase == ReleaseGate.Core.Candidates.CandidatePhase.Registered).Select(c => new { c.Id, c.Application.Slug }));
            foreach (var c in waiting) await queue.EnqueueAsync(c.Id, c.Slug, CancellationToken.None);
            if (waiting.Count > 0) log.LogInformation("Queued {Count} registered candidates for deployment", waiting.Count);
            var developing = await QuartzDevelopmentQueue.CatchUpAsync(db, scope.ServiceProvider.GetRequiredService<ReleaseGate.Core.Development.IDevelopmentQueue>(), DateTimeOffset.MaxValue, CancellationToken.None);
            if (developing > 0) log.LogInformation("Queued {Count} development deployments", developing);
            var promoting = await QuartzPromotionQueue.CatchUpAsync(scope.ServiceProvider, CancellationToken.None);
            if (promoting > 0) log.LogInformation("Queued {Count} promoting candidates", promoting);
            var watching = await QuartzRolloutWatch.CatchUpAsync(scope.ServiceProvider, CancellationToken.None);
            if (watching > 0) log.LogInformation("Looking again at {Count} rollouts", watching);
            await scope.ServiceProvider.GetRequiredService<WindowTriggers>().SyncAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not catch up on the queued work");
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
