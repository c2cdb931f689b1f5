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

/// <summary>Queues promotions as Quartz triggers in the database, one per candidate.</summary>
public sealed class QuartzPromotionQueue(ISchedulerFactory schedulers) : IPromotionQueue
{
    public async Task EnqueueAsync(Guid candidateId, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var trigger = new TriggerKey($"promote-{candidateId}", "promote");
        // A retry after an earlier attempt ended: the old trigger is gone, so this schedules a new one.
        if (await scheduler.Exists(trigger, ct)) return;
        try
        {
            await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity(trigger).ForJob(PromoteJob.Key)
                .UsingJobData(PromoteJob.CandidateKey, candidateId.ToString()).StartNow().Build(), default, ct);
        }
        catch (ObjectAlreadyExistsException)
        {
        }
    }

    /// <summary>Promoting candidates without a pending trigger (an enqueue lost to a crash right after a cutoff's commit).</summary>
    public static async Task<int> CatchUpAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ReleaseGateDb>();
        var queue = services.GetRequiredService<IPromotionQueue>();
        var promoting = await db.Candidates.Where(c => c.Phase == CandidatePhase.Promoting).Select(c => c.Id).ToListAsync(ct);
        foreach (var id in promoting) await queue.EnqueueAsync(id, ct);
        return promoting.Count;
    }
}
