using System.Globalization;
using ReleaseGate.Core;

namespace ReleaseGate.Web.Components.Schedule;

/// <summary>A refusal's problems by field, in the viewer's language, so each shows under its own input.</summary>
public sealed class FieldProblems
{
    private readonly Dictionary<string, string> byField = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => byField.Count > 0;

    public void Clear() => byField.Clear();

    public void Add(string field, string message) =>
        byField[field] = byField.TryGetValue(field, out var had) ? $"{had} {message}" : message;

    public void Add(Refusal refusal)
    {
        foreach (var p in refusal.Problems) Add(p.Field, p.MessageIn(CultureInfo.CurrentUICulture));
    }

    /// <summary>The problem of <paramref name="field"/>, or null; "" is the whole request's.</summary>
    public string? For(string field) => byField.GetValueOrDefault(field);

    /// <summary>Problems of fields the dialog has no input for, shown above its buttons.</summary>
    public IEnumerable<string> Except(params string[] shown) => byField.Where(kv => !shown.Contains(kv.Key, StringComparer.OrdinalIgnoreCase)).Select(kv => kv.Value);

    /// <summary>Reads "yyyy-MM-dd HH:mm" as a time in <paramref name="zoneId"/> (UTC while the zone is unknown: Core names the zone).</summary>
    public static bool TryLocal(string? text, string? zoneId, out DateTimeOffset? at)
    {
        at = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTime.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm", "yyyy-MM-dd H:mm", "yyyy-MM-ddTHH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return false;
        var zone = Core.Schedule.Cutoffs.FindZone(zoneId ?? "UTC") ?? TimeZoneInfo.Utc;
        at = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return true;
    }

    public static string LocalText(DateTimeOffset? at, string zoneId) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, Core.Schedule.Cutoffs.FindZone(zoneId) ?? TimeZoneInfo.Utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
}
