using Microsoft.EntityFrameworkCore;
using Quartz;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Web.Observability;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// Copies one promoting candidate to production. Different candidates run side by side, bounded by Quartz's thread
/// pool; a copy cut short by a crash or a shutdown is recovered (RequestsRecovery) and copies only what is missing.
/// </summary>
public sealed class PromoteJob(PromoteCandidate promote, PortalMetrics metrics, TimeProvider time, ILogger<PromoteJob> log) : IJob
{
    public const string CandidateKey = "candidateId";
    public static readonly JobKey Key = new("promote", "promote");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var id = Guid.Parse(context.MergedJobDataMap.GetString(CandidateKey)!);
        var started = time.GetTimestamp();
        var outcome = await promote.RunAsync(id, ct);
        if (outcome.Value is { } phase) metrics.Promoted(time.GetElapsedTime(started), phase.ToString());
        // A second trigger for a candidate already moved on is harmless: it is refused and nothing changes.
        if (outcome.Refusal is { } refusal) log.LogInformation("Promotion of {Candidate} not run: {Reason}", id, refusal.Message);
    }
}

/// <summary>Queues promotions as Quartz triggers in the database, one waiting or running per candidate.</summary>
public sealed class QuartzPromotionQueue(ISchedulerFactory schedulers, TimeProvider time) : IPromotionQueue
{
    public async Task EnqueueAsync(Guid candidateId, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        // Already in hand: a trigger waits (the first, a retry's, or one Quartz made to recover a run cut short by a
        // crash), or the promotion runs now. A second one would copy and roll out beside it.
        var id = candidateId.ToString();
        var firing = (await scheduler.QueryFireInstances(new FireInstanceQuery { Job = PromoteJob.Key }, ct)).Items.Select(f => f.TriggerKey).ToHashSet();
        if ((await scheduler.GetTriggersOfJob(PromoteJob.Key, ct)).Any(t => (t.NextFireTimeUtc is not null || firing.Contains(t.Key))
            && t.JobDataMap.GetString(PromoteJob.CandidateKey) == id)) return;
        await ScheduleAsync(scheduler, candidateId, TimeSpan.Zero, ct);
    }

    public async Task RetryAsync(Guid candidateId, TimeSpan after, CancellationToken ct) =>
        await ScheduleAsync(await schedulers.GetScheduler(ct), candidateId, after, ct);

    // A fresh name each time: the trigger of the run in progress still exists while it schedules the next one.
    private async Task ScheduleAsync(IScheduler scheduler, Guid candidateId, TimeSpan after, CancellationToken ct) =>
        await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity($"promote-{candidateId}-{Guid.NewGuid():N}", "promote").ForJob(PromoteJob.Key)
            .UsingJobData(PromoteJob.CandidateKey, candidateId.ToString()).StartAt(time.GetUtcNow() + after).Build(), default, ct);

    /// <summary>
    /// Promoting candidates without a pending trigger (an enqueue lost to a crash right after a cutoff's commit), and
    /// rolling-out ones whose rollout was never started (a crash between the two saves of a promotion).
    /// </summary>
    public static async Task<int> CatchUpAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ReleaseGateDb>();
        var queue = services.GetRequiredService<IPromotionQueue>();
        var promoting = await db.Candidates.Where(c => c.Phase == CandidatePhase.Promoting).Select(c => c.Id).ToListAsync(ct);
        foreach (var id in await db.Candidates.Where(c => c.Phase == CandidatePhase.RollingOut).Select(c => c.Id).ToListAsync(ct))
            if (await PromoteCandidate.UnstartedReleaseAsync(db, id, ct)) promoting.Add(id);
        foreach (var id in promoting) await queue.EnqueueAsync(id, ct);
        return promoting.Count;
    }
}
