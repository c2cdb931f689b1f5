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
    /// <summary>Hours before each cutoff at which QA is reminded of what still waits for them; 0 for none.</summary>
    public int ReminderHours { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Declared in the applications file: read-only in the portal, the file wins.</summary>
    public bool DeclaredInFile { get; set; }
    public string CreatedBy { get; set; } = "";

    public bool IsRecurring => Cron is { Length: > 0 };

    public bool Covers(string applicationSlug) =>
        ApplicationSlugs.Count == 0 || ApplicationSlugs.Contains(applicationSlug, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A release manager lets one cutoff of a window go ahead inside a freeze, for a recorded reason.</summary>
public sealed class CutoffOverride
{
    public int Id { get; init; }
    public int WindowId { get; init; }
    public DateTimeOffset CutoffAt { get; init; }
    public required string Reason { get; init; }
    public required string By { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>
/// A cutoff or reminder that has been handled. Its unique (kind, window, cutoff) key is what makes a
/// cutoff fired twice (a misfire, then a restart) act once.
/// </summary>
public sealed class CutoffRun
{
    public const string Cutoff = "cutoff";
    public const string Reminder = "reminder";

    public long Id { get; init; }
    public required string Kind { get; init; }
    public int WindowId { get; init; }
    public DateTimeOffset CutoffAt { get; init; }
    public DateTimeOffset HandledAt { get; init; }
    /// <summary>What was done, for the schedule page and the audit trail.</summary>
    public string Summary { get; set; } = "";
}
