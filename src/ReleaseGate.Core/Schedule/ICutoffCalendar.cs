namespace ReleaseGate.Core.Schedule;

/// <summary>When a window's next cutoff falls (port; the web host reads cron with Quartz, Core does not).</summary>
public interface ICutoffCalendar
{
    /// <summary>The first cutoff of <paramref name="window"/> strictly after <paramref name="after"/>, or null when none is left.</summary>
    DateTimeOffset? NextCutoff(ReleaseWindow window, DateTimeOffset after);
}

public sealed record NextCutoff(string Window, DateTimeOffset At);

public static class Cutoffs
{
    // A cron window inside a long freeze could be skipped many times; past this, it is reported as none.
    private const int MaxFrozenSkips = 500;

    /// <summary>The earliest cutoff of the enabled windows covering an application that no freeze blocks.</summary>
    public static NextCutoff? Next(this ICutoffCalendar calendar, IEnumerable<ReleaseWindow> windows,
        IReadOnlyCollection<Freeze> freezes, string applicationSlug, DateTimeOffset after)
    {
        NextCutoff? best = null;
        foreach (var window in windows.Where(w => w.Enabled && w.Covers(applicationSlug)))
        {
            var at = calendar.NextCutoff(window, after);
            for (var skips = 0; at is { } t && freezes.Any(f => f.Covers(t)); skips++)
                at = skips < MaxFrozenSkips ? calendar.NextCutoff(window, t) : null;
            if (at is { } found && (best is null || found < best.At)) best = new NextCutoff(window.Name, found);
        }
        return best;
    }
}
