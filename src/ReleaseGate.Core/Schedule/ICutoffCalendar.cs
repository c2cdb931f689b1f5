namespace ReleaseGate.Core.Schedule;

/// <summary>
/// Reads cron expressions (port; the web host fills it with Quartz's CronExpression).
/// </summary>
/// <remarks>
/// Why a port and not Cronos in Core: windows are written in Quartz's dialect (seconds first, '?', an optional
/// year, day-of-week 1-7 = SUN-SAT) and Quartz fires the jobs. Cronos reads day-of-week 0-6 and has no year
/// field, so "0 0 18 ? * 6" would mean Saturday to one and Friday to the other: one reader must decide both
/// when a cutoff falls and when the job runs.
/// </remarks>
public interface ICutoffCalendar
{
    /// <summary>Whether <paramref name="cron"/> is an expression this calendar can read.</summary>
    bool IsValid(string cron);

    /// <summary>The first fire of <paramref name="cron"/>, read in <paramref name="zone"/>, strictly after
    /// <paramref name="after"/>; null when it never fires again or cannot be read.</summary>
    DateTimeOffset? NextFire(string cron, TimeZoneInfo zone, DateTimeOffset after);
}

/// <summary>A window's next cutoff as the board and the cutoff show it.</summary>
public sealed record NextCutoff(string Window, DateTimeOffset At, int WindowId);

/// <summary>What the schedule asks of the calendar, built once on its two methods.</summary>
public static class Cutoffs
{
    // A cron window inside a long freeze could be skipped many times; past this, it is reported as none.
    private const int MaxFrozenSkips = 500;

    public static TimeZoneInfo? FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>The first cutoff of <paramref name="window"/> strictly after <paramref name="after"/>, or null when none is left.</summary>
    public static DateTimeOffset? NextCutoff(this ICutoffCalendar calendar, ReleaseWindow window, DateTimeOffset after)
    {
        if (!window.IsRecurring) return window.CutoffAt > after ? window.CutoffAt : null;
        return calendar.NextFireOrNull(window.Cron!, window.TimeZoneId, after);
    }

    public static IReadOnlyList<DateTimeOffset> NextCutoffs(this ICutoffCalendar calendar, ReleaseWindow window, DateTimeOffset after, int count)
    {
        var list = new List<DateTimeOffset>();
        for (var at = calendar.NextCutoff(window, after); at is { } t && list.Count < count; at = calendar.NextCutoff(window, t))
            list.Add(t);
        return list;
    }

    /// <summary>
    /// The first reminder due strictly after <paramref name="after"/>: the cutoff it is for and when to send it
    /// (<see cref="ReleaseWindow.ReminderHours"/> before). Null when the window reminds nobody or has no cutoff left.
    /// </summary>
    public static (DateTimeOffset CutoffAt, DateTimeOffset RemindAt)? NextReminder(this ICutoffCalendar calendar, ReleaseWindow window, DateTimeOffset after)
    {
        if (window.ReminderHours <= 0) return null;
        var lead = TimeSpan.FromHours(window.ReminderHours);
        // A cutoff whose reminder is still ahead is after `after` too; an hourly window with a day's lead skips a few.
        var at = calendar.NextCutoff(window, after);
        for (var i = 0; at is { } t && i < 1000; i++, at = calendar.NextCutoff(window, t))
            if (t - lead > after) return (t, t - lead);
        return null;
    }

    /// <summary>Whether <paramref name="at"/> is one of the window's cutoffs (a job or a person may name one that is not).</summary>
    public static bool IsCutoff(this ICutoffCalendar calendar, ReleaseWindow window, DateTimeOffset at) =>
        calendar.NextCutoff(window, at.AddTicks(-1)) == at;

    /// <summary>
    /// The last fire at or before <paramref name="atOrBefore"/>. Cron readers only look forward, so this looks forward
    /// from ever further back (a minute, doubling up to ten years) and keeps the last fire not past the instant.
    /// </summary>
    public static DateTimeOffset? PreviousFire(this ICutoffCalendar calendar, string cron, TimeZoneInfo zone, DateTimeOffset atOrBefore)
    {
        for (var span = TimeSpan.FromMinutes(1); span <= TimeSpan.FromDays(3660); span *= 2)
        {
            DateTimeOffset? last = null;
            for (var at = calendar.NextFire(cron, zone, atOrBefore - span - TimeSpan.FromTicks(1)); at is { } t && t <= atOrBefore; at = calendar.NextFire(cron, zone, t))
                last = t;
            if (last is not null) return last;
        }
        return null;
    }

    public static DateTimeOffset? NextFireOrNull(this ICutoffCalendar calendar, string cron, string zoneId, DateTimeOffset after) =>
        FindZone(zoneId) is { } zone && calendar.IsValid(cron) ? calendar.NextFire(cron, zone, after) : null;

    /// <summary>The earliest cutoff of the enabled windows covering an application that no freeze blocks.</summary>
    public static NextCutoff? Next(this ICutoffCalendar calendar, IEnumerable<ReleaseWindow> windows,
        IReadOnlyCollection<Freeze> freezes, string applicationSlug, DateTimeOffset after)
    {
        NextCutoff? best = null;
        foreach (var window in windows.Where(w => w.Enabled && w.Covers(applicationSlug)))
        {
            var at = calendar.NextCutoff(window, after);
            for (var skips = 0; at is { } t && calendar.FrozenBy(freezes, applicationSlug, t) is not null; skips++)
                at = skips < MaxFrozenSkips ? calendar.NextCutoff(window, t) : null;
            if (at is { } found && (best is null || found < best.At)) best = new NextCutoff(window.Name, found, window.Id);
        }
        return best;
    }
}
