using System.Globalization;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Components.Schedule;

/// <summary>
/// The calendar's arithmetic, kept out of the markup: days and hours in the viewer's zone, and which cutoffs and
/// freeze periods fall in each. Weeks start on Monday, as in ISO 8601 and in China.
/// </summary>
public sealed record ScheduleGrid(TimeZoneInfo Zone, IReadOnlyList<CutoffPreview> Cutoffs, IReadOnlyList<FreezePeriod> Freezes)
{
    /// <summary>The instant local midnight of <paramref name="day"/> is in the viewer's zone.</summary>
    public DateTimeOffset Start(DateOnly day) => At(day.ToDateTime(TimeOnly.MinValue));

    public DateTimeOffset At(DateTime local) => new(local, Zone.GetUtcOffset(local));

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public IEnumerable<CutoffPreview> CutoffsIn(DateTimeOffset from, DateTimeOffset to) => Cutoffs.Where(c => c.At >= from && c.At < to);

    public IReadOnlyList<FreezePeriod> FreezesIn(DateTimeOffset from, DateTimeOffset to) =>
        Freezes.Where(p => p.Start < to && (p.End is null || p.End > from)).ToList();

    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>Six weeks from the Monday on or before the first of the month: every month fits.</summary>
    public static IReadOnlyList<DateOnly> MonthDays(DateOnly anyDay)
    {
        var first = MondayOf(new DateOnly(anyDay.Year, anyDay.Month, 1));
        return Enumerable.Range(0, 42).Select(first.AddDays).ToList();
    }

    public static IReadOnlyList<DateOnly> WeekDays(DateOnly anyDay) => Enumerable.Range(0, 7).Select(MondayOf(anyDay).AddDays).ToList();

    /// <summary>Weekday names in the viewer's language, Monday first.</summary>
    public static IReadOnlyList<string> WeekdayNames() =>
        Enumerable.Range(1, 7).Select(i => CultureInfo.CurrentCulture.DateTimeFormat.GetAbbreviatedDayName((DayOfWeek)(i % 7))).ToList();

    public static string StateKey(CutoffState state) => $"SchedState{state}";

    public static MudBlazor.Color StateColor(CutoffState state) => state switch
    {
        CutoffState.Frozen => MudBlazor.Color.Info,
        CutoffState.Overridden => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Success,
    };
}
