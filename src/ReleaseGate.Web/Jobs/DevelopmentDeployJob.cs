using Microsoft.EntityFrameworkCore;
using Quartz;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Development;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// Deploys one develop build to its application's development environment. One job per application, so its development
/// deployments run one at a time (and beside its test deployments, which are another job); recovered after a crash or a
/// shutdown that cut it short (RequestsRecovery).
/// </summary>
[DisallowConcurrentExecution]
public sealed class DevelopmentDeployJob(DeployDevelopment deploy, IHostApplicationLifetime lifetime) : IJob
{
    public const string ApplicationKey = "application";
    public const string AttemptKey = "attempt";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var application = context.MergedJobDataMap.GetString(ApplicationKey)!;
        var attempt = Guid.Parse(context.MergedJobDataMap.GetString(AttemptKey)!);
        try
        {
            await deploy.RunAsync(application, attempt, ct);
        }
        catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Cancelled, but not by a shutdown (that one recovers the job at the next start): end it, or it stays Deploying.
            await deploy.CancelledAsync(application, attempt);
        }
    }
}

/// <summary>Queues development deployments as Quartz triggers in the database.</summary>
public sealed class QuartzDevelopmentQueue(ISchedulerFactory schedulers) : IDevelopmentQueue
{
    public async Task EnqueueAsync(string application, Guid attempt, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = new JobKey($"develop-{application}", "develop");
        if (await scheduler.GetJobDetail(job, ct) is null)
            await scheduler.AddJob(JobBuilder.Create<DevelopmentDeployJob>().WithIdentity(job).StoreDurably().RequestRecovery().Build(), AddJobOptions.Replacing, ct);
        // One trigger per build taken in: asking again while it waits changes nothing.
        try
        {
            await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity($"develop-{attempt}", "develop").ForJob(job)
                .UsingJobData(DevelopmentDeployJob.ApplicationKey, application).UsingJobData(DevelopmentDeployJob.AttemptKey, attempt.ToString())
                .StartNow().Build(), default, ct);
        }
        catch (ObjectAlreadyExistsException)
        {
        }
    }

    /// <summary>Queues the development deployments left Queued before <paramref name="before"/> (an enqueue lost to a crash after the commit).</summary>
    public static async Task<int> CatchUpAsync(ReleaseGateDb db, IDevelopmentQueue queue, DateTimeOffset before, CancellationToken ct)
    {
        var waiting = await db.DevelopmentDeployments.AsNoTracking()
            .Where(d => d.State == DevelopmentState.Queued && d.RequestedAt < before)
            .Select(d => new { d.Application.Slug, d.Attempt }).ToListAsync(ct);
        foreach (var d in waiting) await queue.EnqueueAsync(d.Slug, d.Attempt, ct);
        return waiting.Count;
    }
}
