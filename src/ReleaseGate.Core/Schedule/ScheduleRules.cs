using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Schedule;

/// <summary>The checks windows and freezes share; each problem names its field as the API spells it.</summary>
internal static class ScheduleRules
{
    public static Refusal Invalid(IReadOnlyList<FieldProblem> problems) => new(RefusalCode.Invalid, problems);

    public static FieldProblem Problem(string field, string en, string zh) => new(field, en, zh);

    /// <summary>The zone, or a problem when it is not an IANA zone this machine knows.</summary>
    public static TimeZoneInfo? Zone(string field, string id, List<FieldProblem> problems)
    {
        if (Cutoffs.FindZone(id) is { } zone) return zone;
        problems.Add(Problem(field, $"'{id}' is not a known IANA time zone (for example Asia/Shanghai).", $"'{id}' 不是已知的 IANA 时区(例如 Asia/Shanghai)。"));
        return null;
    }

    /// <summary>Checks that the cron can be read and fires at least once after <paramref name="now"/>.</summary>
    public static void Cron(ICutoffCalendar calendar, string field, string cron, TimeZoneInfo? zone, DateTimeOffset now, List<FieldProblem> problems)
    {
        if (!calendar.IsValid(cron))
            problems.Add(Problem(field, $"'{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]).",
                $"'{cron}' 不是有效的 Quartz cron 表达式(秒 分 时 日 月 周 [年])。"));
        else if (zone is not null && calendar.NextFire(cron, zone, now) is null)
            problems.Add(Problem(field, $"'{cron}' never fires again.", $"'{cron}' 以后不会再触发。"));
    }

    /// <summary>The slugs, trimmed and lower-case, with a problem naming any that is not an application.</summary>
    public static async Task<List<string>> ApplicationsAsync(ReleaseGateDb db, IReadOnlyList<string>? slugs, List<FieldProblem> problems, CancellationToken ct)
    {
        var wanted = (slugs ?? []).Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        var known = await db.Applications.Where(a => wanted.Contains(a.Slug)).Select(a => a.Slug).ToListAsync(ct);
        var unknown = wanted.Except(known).ToList();
        if (unknown.Count > 0)
            problems.Add(Problem("applications", $"There is no application {string.Join(", ", unknown.Select(u => $"'{u}'"))}.",
                $"应用 {string.Join("、", unknown.Select(u => $"'{u}'"))} 不存在。"));
        return wanted;
    }

    public static Refusal NotFound(string what, string whatZh, int id) =>
        new(RefusalCode.NotFound, "", $"There is no {what} {id}; it may have been deleted.", $"{whatZh} {id} 不存在,可能已被删除。");

    public static Refusal ManagedByFile(string name) =>
        new(RefusalCode.ManagedByFile, "", $"'{name}' is declared in the applications file; change it there, in Git.", $"'{name}' 在应用配置文件中声明,请在 Git 中修改。");
}
