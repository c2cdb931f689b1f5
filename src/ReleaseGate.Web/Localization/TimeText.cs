using System.Globalization;

namespace ReleaseGate.Web.Localization;

/// <summary>Relative ("3 minutes ago") and absolute times in the viewer's language and time zone.</summary>
public static class TimeText
{
    public static string Absolute(this BrowserTime clock, DateTimeOffset at) =>
        clock.Local(at).ToString("g", CultureInfo.CurrentCulture);

    public static string Relative(this UiText L, DateTimeOffset at, DateTimeOffset now)
    {
        var ago = now - at;
        if (ago < TimeSpan.FromSeconds(45)) return L["JustNow"];
        if (ago < TimeSpan.FromMinutes(60)) return Count(L, "Minute", (int)Math.Max(1, Math.Round(ago.TotalMinutes)));
        if (ago < TimeSpan.FromHours(24)) return Count(L, "Hour", (int)ago.TotalHours);
        return Count(L, "Day", (int)ago.TotalDays);
    }

    /// <summary>A countdown such as <c>2d 03:04:05</c> / <c>2天 03:04:05</c>.</summary>
    /// <summary>"in 01:02:03" until <paramref name="at"/>, "due now" from then on.</summary>
    public static string CountdownTo(this UiText L, DateTimeOffset at, DateTimeOffset now) =>
        at - now is var left && left > TimeSpan.Zero ? L.Format("CutoffIn", L.Countdown(left)) : L["CutoffDue"];

    public static string Countdown(this UiText L, TimeSpan left) =>
        left.Days > 0 ? L.Format("CountdownDays", left.Days, left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture))
            : left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    private static string Count(UiText L, string unit, int n) => L.Format(n == 1 ? $"{unit}Ago" : $"{unit}sAgo", n);
}
