using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Schedule__*: how release windows are read when their author names no zone.</summary>
public sealed class ScheduleSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Schedule";

    /// <summary>IANA time zone, e.g. Asia/Shanghai: the default for windows and freezes.</summary>
    [Required] public string TimeZone { get; set; } = "UTC";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
            yield return new("must be an IANA time zone such as Asia/Shanghai or Europe/Berlin.", [nameof(TimeZone)]);
    }
}
