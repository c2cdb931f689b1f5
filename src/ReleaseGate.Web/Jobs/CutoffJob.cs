using Quartz;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// A release window's cutoff, fired by the window's own trigger (<see cref="WindowTriggers"/>). The cutoff handled is
/// the window's last one at or before the scheduled fire time, so a cutoff missed while the portal was down, and fired
/// late once at start, is still the cutoff it was; RunCutoff acts once per (window, cutoff) whatever fires it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class CutoffJob(RunCutoff run, ReleaseGateDb db, ICutoffCalendar calendar, ILogger<CutoffJob> log) : IJob
{
    public const string WindowKey = "windowId";
    public static readonly JobKey Key = new("cutoff", "schedule");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        // Job data is stored as strings (StoreJobDataAsStrings), so the id travels as text.
        var windowId = int.Parse(context.MergedJobDataMap.GetString(WindowKey)!);
        var window = await db.ReleaseWindows.FindAsync([windowId], ct);
        if (window is null) return;
        var fired = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var cutoffAt = window.IsRecurring
            ? Cutoffs.FindZone(window.TimeZoneId) is { } zone ? calendar.PreviousFire(window.Cron!, zone, fired) : null
            : window.CutoffAt;
        if (cutoffAt is null) return;
        var outcome = await run.RunAsync(windowId, cutoffAt.Value, ct);
        if (outcome.Refusal is { } refusal)
            log.LogWarning("Cutoff of window {Window} at {Cutoff} not run: {Reason}", window.Name, cutoffAt, refusal.Message);
        else if (!outcome.Value!.AlreadyHandled)
            log.LogInformation("Cutoff of window {Window} at {Cutoff} handled", window.Name, cutoffAt);
    }
}

/// <summary>Every minute: reminders that have come due (each window's reminder hours before a cutoff), sent once each.</summary>
[DisallowConcurrentExecution]
public sealed class ReminderJob(SendCutoffReminders remind, ReleaseGateDb db, ICutoffCalendar calendar, TimeProvider time) : IJob
{
    public static readonly JobKey Key = new("reminders", "schedule");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var windows = Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.ReleaseWindows.Where(w => w.Enabled && w.ReminderHours > 0), ct);
        foreach (var window in await windows)
        {
            // The next cutoff whose reminder time has passed but which is still ahead is due now.
            var cutoff = calendar.NextCutoff(window, now);
            if (cutoff is { } at && at - TimeSpan.FromHours(window.ReminderHours) <= now)
                await remind.RunAsync(window.Id, at, ct);
        }
    }
}
