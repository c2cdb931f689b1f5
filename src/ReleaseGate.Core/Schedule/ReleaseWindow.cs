namespace ReleaseGate.Core.Schedule;

/// <summary>A cutoff at which approved candidates are promoted: once, or recurring by cron, in a time zone.</summary>
public sealed class ReleaseWindow
{
    public int Id { get; init; }
    public required string Name { get; set; }
    /// <summary>Set for a one-off window.</summary>
    public DateTimeOffset? CutoffAt { get; set; }
    /// <summary>Quartz cron expression for a recurring window, read in <see cref="TimeZoneId"/>.</summary>
    public string? Cron { get; set; }
    /// <summary>IANA time zone, e.g. <c>Asia/Shanghai</c>.</summary>
    public string TimeZoneId { get; set; } = "UTC";
    /// <summary>Application slugs in scope; empty means every application.</summary>
    public List<string> ApplicationSlugs { get; set; } = [];
    public bool Enabled { get; set; } = true;
    public string CreatedBy { get; set; } = "";

    public bool Covers(string applicationSlug) =>
        ApplicationSlugs.Count == 0 || ApplicationSlugs.Contains(applicationSlug, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A period in which no cutoff promotes, unless a release manager overrides it with a reason.</summary>
public sealed class Freeze
{
    public int Id { get; init; }
    public required string Reason { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string CreatedBy { get; set; } = "";

    public bool Covers(DateTimeOffset at) => at >= StartsAt && at < EndsAt;
}
