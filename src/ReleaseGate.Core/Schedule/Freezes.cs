namespace ReleaseGate.Core.Schedule;

/// <summary>Whether an instant is frozen for an application: a pure reading of the freezes and the calendar.</summary>
public static class Freezes
{
    /// <summary>The first freeze covering <paramref name="applicationSlug"/> at <paramref name="at"/>, or null when nothing is frozen.</summary>
    public static Freeze? FrozenBy(this ICutoffCalendar calendar, IEnumerable<Freeze> freezes, string applicationSlug, DateTimeOffset at) =>
        freezes.Where(f => f.Covers(applicationSlug)).OrderBy(f => f.Id).FirstOrDefault(f => calendar.Period(f, at) is not null);

    /// <summary>The period of <paramref name="freeze"/> that contains <paramref name="at"/> (start inclusive, end exclusive), or null.</summary>
    public static (DateTimeOffset Start, DateTimeOffset? End)? Period(this ICutoffCalendar calendar, Freeze freeze, DateTimeOffset at)
    {
        if (!freeze.IsRecurring)
            return freeze.StartsAt <= at && at < freeze.EndsAt ? (freeze.StartsAt!.Value, freeze.EndsAt) : null;
        if (Cutoffs.FindZone(freeze.TimeZoneId) is not { } zone || freeze.EndCron is null
            || !calendar.IsValid(freeze.StartCron!) || !calendar.IsValid(freeze.EndCron)) return null;
        // A recurring freeze runs from a start fire to the next end fire after it, as GitLab's deploy freezes do.
        if (calendar.PreviousFire(freeze.StartCron!, zone, at) is not { } start) return null;
        var end = calendar.NextFire(freeze.EndCron, zone, start);
        return end is null || at < end ? (start, end) : null;
    }
}
