using ReleaseGate.Core.Access;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>The zone a window or freeze is read in when its author names none (ReleaseGate__Schedule__TimeZone).</summary>
public sealed record ScheduleDefaults(string TimeZoneId = "UTC");

/// <summary>A window as the page or the API sends it; <see cref="Id"/> null creates one.</summary>
public sealed record ReleaseWindowForm(
    int? Id, string? Name, DateTimeOffset? CutoffAt, string? Cron, string? TimeZone,
    IReadOnlyList<string>? Applications, int ReminderHours = 0);

/// <summary>A release manager creates or changes a release window.</summary>
public sealed class SaveReleaseWindow(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, ScheduleDefaults defaults, TimeProvider time)
{
    public const int MaxReminderHours = 24 * 7;

    public async Task<Outcome<ReleaseWindowView>> RunAsync(ReleaseWindowForm form, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.EditSchedule, ct)).Refusal is { } refused) return refused;

        ReleaseWindow? current = null;
        if (form.Id is { } id)
        {
            current = await db.ReleaseWindows.SingleOrDefaultAsync(w => w.Id == id, ct);
            if (current is null) return ScheduleRules.NotFound("release window", "发布窗口", id);
            if (current.DeclaredInFile) return ScheduleRules.ManagedByFile(current.Name);
        }

        var problems = new List<FieldProblem>();
        var name = form.Name?.Trim() ?? "";
        if (name.Length == 0)
            problems.Add(ScheduleRules.Problem("name", "A window needs a name.", "发布窗口需要名称。"));
        else if (await db.ReleaseWindows.AnyAsync(w => w.Name == name && w.Id != (current == null ? 0 : current.Id), ct))
            problems.Add(ScheduleRules.Problem("name", $"'{name}' is already the name of another window.", $"'{name}' 已是其他发布窗口的名称。"));
        var zoneId = string.IsNullOrWhiteSpace(form.TimeZone) ? defaults.TimeZoneId : form.TimeZone.Trim();
        var zone = ScheduleRules.Zone("timeZone", zoneId, problems);
        var cron = string.IsNullOrWhiteSpace(form.Cron) ? null : form.Cron.Trim();
        switch (form.CutoffAt, cron)
        {
            case (null, null):
                problems.Add(ScheduleRules.Problem("cutoffAt", "Give a one-off cutoffAt or a recurring cron.", "请填写一次性的 cutoffAt 或周期性的 cron。"));
                break;
            case ({ }, { }):
                problems.Add(ScheduleRules.Problem("cron", "Give either a one-off cutoffAt or a recurring cron, not both.", "cutoffAt 与 cron 只能填写其一。"));
                break;
            case ({ } at, null) when at <= now:
                problems.Add(ScheduleRules.Problem("cutoffAt", $"{at:u} is in the past.", $"{at:u} 已经过去。"));
                break;
            case (null, { } c):
                ScheduleRules.Cron(calendar, "cron", c, zone, now, problems);
                break;
        }
        if (form.ReminderHours is < 0 or > MaxReminderHours)
            problems.Add(ScheduleRules.Problem("reminderHours", $"Must be between 0 (no reminder) and {MaxReminderHours}.", $"必须在 0(不提醒)到 {MaxReminderHours} 之间。"));
        var slugs = await ScheduleRules.ApplicationsAsync(db, form.Applications, problems, ct);
        if (problems.Count > 0) return ScheduleRules.Invalid(problems);

        var window = current ?? new ReleaseWindow { Name = name, CreatedBy = actor };
        window.Name = name;
        window.CutoffAt = cron is null ? form.CutoffAt : null;
        window.Cron = cron;
        window.TimeZoneId = zoneId;
        window.ApplicationSlugs = slugs;
        window.ReminderHours = form.ReminderHours;
        if (current is null) db.ReleaseWindows.Add(window);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, current is null ? "window.created" : "window.changed", name,
            JsonSerializer.Serialize(new { window.CutoffAt, window.Cron, TimeZone = zoneId, Applications = slugs, window.ReminderHours })));
        await db.SaveChangesAsync(ct);
        return ReleaseWindowView.Of(window, calendar, now);
    }
}
