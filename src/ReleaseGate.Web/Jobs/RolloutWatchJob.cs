using Microsoft.EntityFrameworkCore;
using Quartz;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Web.Observability;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// One look at a rollout; when it is not finished, the next look is a new trigger "in N s", so no thread waits and a
/// look cut short by a crash is recovered (RequestsRecovery). One job per release: its looks never overlap.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RolloutWatchJob(WatchRollout watch, IRolloutWatch again, IDbContextFactory<ReleaseGateDb> dbs, PortalMetrics metrics) : IJob
{
    public const string ReleaseKey = "releaseId";
    public const string Group = "rollout";

    public static JobKey KeyOf(long releaseId) => new($"rollout-{releaseId}", Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var releaseId = long.Parse(context.MergedJobDataMap.GetString(ReleaseKey)!);
        if (await watch.RunAsync(releaseId, ct) is not { } after)
        {
            await context.Scheduler.DeleteJob(KeyOf(releaseId), ct); // done: the last trigger went with this look
            await RecordAsync(releaseId, ct);
            return;
        }
        // A look recovered after a crash may find the next one already scheduled: one chain of looks is enough.
        var pending = (await context.Scheduler.GetTriggersOfJob(KeyOf(releaseId), ct))
            .Any(t => !t.Key.Equals(context.Trigger.Key));
        if (!pending) await again.LookAgainAsync(releaseId, after, ct);
    }

    /// <summary>A decided rollout's duration, start to decision by the portal's clock (so a restart in between does not shorten it).</summary>
    private async Task RecordAsync(long releaseId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var release = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == releaseId, ct);
        var rollout = await db.Rollouts.AsNoTracking().SingleOrDefaultAsync(r => r.ReleaseId == releaseId, ct);
        // Paused, or moved on by a person: not decided yet, a resume looks again.
        if (release?.FinishedAt is not { } finished || rollout is null) return;
        metrics.RolledOut(finished - rollout.StartedAt, release.Outcome.ToString());
    }
}

/// <summary>Schedules the next look at a rollout as a durable trigger in Quartz's store.</summary>
public sealed class QuartzRolloutWatch(ISchedulerFactory schedulers, TimeProvider time) : IRolloutWatch
{
    public async Task LookAgainAsync(long releaseId, TimeSpan after, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = RolloutWatchJob.KeyOf(releaseId);
        if (await scheduler.GetJobDetail(job, ct) is null)
            await scheduler.AddJob(JobBuilder.Create<RolloutWatchJob>().WithIdentity(job).StoreDurably().RequestRecovery()
                .UsingJobData(RolloutWatchJob.ReleaseKey, releaseId.ToString()).Build(), AddJobOptions.Replacing, ct);
        // A fresh name each time: the trigger of the look in progress still exists while it schedules the next one.
        await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity($"{releaseId}-{Guid.NewGuid():N}", RolloutWatchJob.Group).ForJob(job)
            .StartAt(time.GetUtcNow() + after).Build(), default, ct);
    }

    /// <summary>Rollouts left undecided with no look pending (a crash between saving and scheduling): look again now.</summary>
    public static async Task<int> CatchUpAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ReleaseGateDb>();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        var watch = services.GetRequiredService<IRolloutWatch>();
        var open = await db.Rollouts.Where(r => !r.Finished).Select(r => new { r.ReleaseId, r.CandidateId }).ToListAsync(ct);
        var count = 0;
        foreach (var r in open)
        {
            if (r.CandidateId is { } id && !await db.Candidates.AnyAsync(c => c.Id == id && c.Phase == CandidatePhase.RollingOut, ct)
                && await db.Releases.AnyAsync(x => x.Id == r.ReleaseId && x.Kind == ReleaseKind.Rollout, ct)) continue;
            if ((await scheduler.GetTriggersOfJob(RolloutWatchJob.KeyOf(r.ReleaseId), ct)).Count > 0) continue;
            await watch.LookAgainAsync(r.ReleaseId, TimeSpan.Zero, ct);
            count++;
        }
        return count;
    }
}
