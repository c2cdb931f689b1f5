using ReleaseGate.Core.Access;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>A freeze as the page or the API sends it: one-off (startsAt, endsAt) or recurring (startCron, endCron, timeZone).</summary>
public sealed record FreezeForm(
    int? Id, string? Reason, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    string? StartCron, string? EndCron, string? TimeZone, IReadOnlyList<string>? Applications);

/// <summary>A release manager creates or changes a freeze.</summary>
public sealed class SaveFreeze(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, ScheduleDefaults defaults, TimeProvider time)
{
    public async Task<Outcome<FreezeView>> RunAsync(FreezeForm form, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.EditSchedule, ct)).Refusal is { } refused) return refused;

        Freeze? current = null;
        if (form.Id is { } id)
        {
            current = await db.Freezes.SingleOrDefaultAsync(f => f.Id == id, ct);
            if (current is null) return ScheduleRules.NotFound("freeze", "冻结期", id);
            if (current.DeclaredInFile) return ScheduleRules.ManagedByFile(current.Reason);
        }

        var problems = new List<FieldProblem>();
        var reason = form.Reason?.Trim() ?? "";
        if (reason.Length == 0)
            problems.Add(ScheduleRules.Problem("reason", "A freeze needs a reason that says why.", "冻结期需要填写原因。"));
        var zoneId = string.IsNullOrWhiteSpace(form.TimeZone) ? defaults.TimeZoneId : form.TimeZone.Trim();
        var startCron = string.IsNullOrWhiteSpace(form.StartCron) ? null : form.StartCron.Trim();
        var endCron = string.IsNullOrWhiteSpace(form.EndCron) ? null : form.EndCron.Trim();
        var recurring = startCron is not null || endCron is not null;
        if (recurring)
        {
            if (form.StartsAt is not null || form.EndsAt is not null)
                problems.Add(ScheduleRules.Problem("startsAt", "Give startsAt and endsAt, or startCron and endCron, not both.", "startsAt/endsAt 与 startCron/endCron 只能填写一组。"));
            var zone = ScheduleRules.Zone("timeZone", zoneId, problems);
            if (startCron is null) problems.Add(ScheduleRules.Problem("startCron", "A recurring freeze needs a startCron.", "周期性冻结期需要 startCron。"));
            else ScheduleRules.Cron(calendar, "startCron", startCron, zone, now, problems);
            if (endCron is null) problems.Add(ScheduleRules.Problem("endCron", "A recurring freeze needs an endCron.", "周期性冻结期需要 endCron。"));
            else ScheduleRules.Cron(calendar, "endCron", endCron, zone, now, problems);
        }
        else if (form.StartsAt is not { } starts)
            problems.Add(ScheduleRules.Problem("startsAt", "Give startsAt and endsAt, or startCron and endCron.", "请填写 startsAt 和 endsAt,或 startCron 和 endCron。"));
        else if (form.EndsAt is not { } ends)
            problems.Add(ScheduleRules.Problem("endsAt", "A one-off freeze needs an end.", "一次性冻结期需要结束时间。"));
        else if (ends <= starts)
            problems.Add(ScheduleRules.Problem("endsAt", "The freeze must end after it starts.", "冻结期的结束时间必须晚于开始时间。"));
        else if (ends <= now)
            problems.Add(ScheduleRules.Problem("endsAt", $"{ends:u} is in the past: this freeze would never hold anything back.", $"{ends:u} 已经过去,此冻结期不会起作用。"));
        var slugs = await ScheduleRules.ApplicationsAsync(db, form.Applications, problems, ct);
        if (problems.Count > 0) return ScheduleRules.Invalid(problems);

        var freeze = current ?? new Freeze { Reason = reason, CreatedBy = actor };
        freeze.Reason = reason;
        (freeze.StartsAt, freeze.EndsAt) = recurring ? (null, null) : (form.StartsAt, form.EndsAt);
        (freeze.StartCron, freeze.EndCron) = (startCron, endCron);
        freeze.TimeZoneId = zoneId;
        freeze.ApplicationSlugs = slugs;
        if (current is null) db.Freezes.Add(freeze);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, current is null ? "freeze.created" : "freeze.changed", reason,
            JsonSerializer.Serialize(new { freeze.StartsAt, freeze.EndsAt, freeze.StartCron, freeze.EndCron, TimeZone = zoneId, Applications = slugs })));
        await db.SaveChangesAsync(ct);
        return FreezeView.Of(freeze, calendar, now);
    }
}
