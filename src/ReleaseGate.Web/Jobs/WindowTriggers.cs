using Microsoft.EntityFrameworkCore;
using Quartz;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// Keeps one Quartz trigger per enabled release window, in Quartz's persistent store: a cron trigger in the window's
/// zone, or a one-off. A trigger whose window did not change is left alone, so a cutoff missed while the portal was
/// down is still a misfire at the next start and fires once; an edited window is rescheduled; a deleted one removed.
/// </summary>
public sealed class WindowTriggers(ISchedulerFactory schedulers, IDbContextFactory<ReleaseGateDb> dbs, ILogger<WindowTriggers> log)
{
    private const string Group = "windows";
    private const string ShapeKey = "shape";

    public async Task SyncAsync(CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var windows = await db.ReleaseWindows.AsNoTracking().Where(w => w.Enabled).ToListAsync(ct);
        var handled = (await db.CutoffRuns.Where(r => r.Kind == CutoffRun.Cutoff).Select(r => new { r.WindowId, r.CutoffAt }).ToListAsync(ct))
            .Select(r => (r.WindowId, r.CutoffAt)).ToHashSet();
        var wanted = new HashSet<TriggerKey>();
        foreach (var w in windows)
        {
            // A one-off window whose cutoff was handled needs no trigger any more.
            if (!w.IsRecurring && handled.Contains((w.Id, w.CutoffAt!.Value))) continue;
            var key = new TriggerKey($"window-{w.Id}", Group);
            wanted.Add(key);
            var shape = Shape(w);
            var existing = await scheduler.GetTrigger(key, ct);
            if (existing?.JobDataMap.GetString(ShapeKey) == shape) continue;
            if (Build(w, key, shape) is not { } trigger)
            {
                log.LogWarning("Release window {Window} has a schedule Quartz cannot read ({Shape}); it gets no trigger", w.Name, shape);
                continue;
            }
            if (existing is null) await scheduler.ScheduleJob(trigger, default, ct);
            else await scheduler.RescheduleJob(key, trigger, ct);
        }
        foreach (var stale in (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(Group), ct)).Except(wanted))
            await scheduler.UnscheduleJob(stale, ct);
    }

    private static string Shape(ReleaseWindow w) => w.IsRecurring ? $"cron|{w.Cron}|{w.TimeZoneId}" : $"once|{w.CutoffAt:O}";

    private static ITrigger? Build(ReleaseWindow w, TriggerKey key, string shape)
    {
        var builder = TriggerBuilder.Create().WithIdentity(key).ForJob(CutoffJob.Key)
            .UsingJobData(CutoffJob.WindowKey, w.Id.ToString()).UsingJobData(ShapeKey, shape);
        if (!w.IsRecurring)
            return builder.StartAt(w.CutoffAt!.Value).WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
        if (Cutoffs.FindZone(w.TimeZoneId) is not { } zone) return null;
        try
        {
            // FireAndProceed: a cutoff missed while the portal was down fires once at start, then the schedule goes on.
            return builder.WithCronSchedule(w.Cron!, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)).Build();
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Every few seconds, and at start: windows saved in the portal, the API or the file get their triggers.</summary>
[DisallowConcurrentExecution]
public sealed class WindowTriggersJob(WindowTriggers triggers) : IJob
{
    public static readonly JobKey Key = new("window-triggers", "schedule");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await triggers.SyncAsync(ct);
}
