using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Development;
using ReleaseGate.Web.Security;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// Every minute: queues candidates left Registered and development deployments left Queued (their enqueue failed after the commit), and prunes sent mail,
/// idempotency records and seen signatures past their retention, so nothing is left behind and nothing grows forever.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HousekeepingJob(IDbContextFactory<ReleaseGateDb> dbs, IDeploymentQueue queue, IDevelopmentQueue developmentQueue, TimeProvider time,
    IOptions<RetentionSettings> retention, ILogger<HousekeepingJob> log) : IJob
{
    public static readonly JobKey Key = new("housekeeping", "maintenance");
    /// <summary>A registration younger than this may still be enqueueing; leave it to its own request.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var before = now - Grace;
        var waiting = await db.Candidates.Where(c => c.Phase == CandidatePhase.Registered && c.RegisteredAt < before)
            .Select(c => new { c.Id, c.Application.Slug }).ToListAsync(ct);
        foreach (var c in waiting) await queue.EnqueueAsync(c.Id, c.Slug, ct);
        if (waiting.Count > 0) log.LogWarning("Queued {Count} candidates left Registered for deployment", waiting.Count);
        if (await QuartzDevelopmentQueue.CatchUpAsync(db, developmentQueue, before, ct) is > 0 and var developing)
            log.LogWarning("Queued {Count} development deployments left Queued", developing);

        var sentBefore = now - TimeSpan.FromDays(retention.Value.SentMailDays);
        var mail = await db.Outbox.Where(m => m.SentAt != null && m.SentAt < sentBefore).ExecuteDeleteAsync(ct);
        var keptBefore = now - TimeSpan.FromDays(retention.Value.IdempotencyDays);
        var records = await db.IdempotencyRecords.Where(r => r.CreatedAt < keptBefore).ExecuteDeleteAsync(ct);
        var signatures = await ReplayGuard.PruneAsync(db, now, ct);
        if (mail + records + signatures > 0)
            log.LogInformation("Pruned {Mail} sent mails, {Records} idempotency records, {Signatures} seen signatures", mail, records, signatures);
    }
}
