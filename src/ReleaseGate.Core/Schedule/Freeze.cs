namespace ReleaseGate.Core.Schedule;

/// <summary>
/// A period in which no cutoff promotes, unless a release manager overrides the cutoff with a reason.
/// One-off (<see cref="StartsAt"/> to <see cref="EndsAt"/>) or recurring like GitLab's deploy freezes:
/// from each fire of <see cref="StartCron"/> to the next fire of <see cref="EndCron"/>, in <see cref="TimeZoneId"/>.
/// </summary>
public sealed class Freeze
{
    public int Id { get; init; }
    public required string Reason { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public string? StartCron { get; set; }
    public string? EndCron { get; set; }
    public string TimeZoneId { get; set; } = "UTC";
    /// <summary>Application slugs it freezes; empty means every application.</summary>
    public List<string> ApplicationSlugs { get; set; } = [];
    public bool DeclaredInFile { get; set; }
    public string CreatedBy { get; set; } = "";

    public bool IsRecurring => StartCron is { Length: > 0 };

    public bool Covers(string applicationSlug) =>
        ApplicationSlugs.Count == 0 || ApplicationSlugs.Contains(applicationSlug, StringComparer.OrdinalIgnoreCase);

    public string Describe() => IsRecurring
        ? $"'{Reason}' (from '{StartCron}' to '{EndCron}' in {TimeZoneId})"
        : $"'{Reason}' ({StartsAt:u} to {EndsAt:u})";
}
