using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>Who was reminded of what: the candidates listed in each QA member's one mail.</summary>
public sealed record ReminderReport(bool AlreadyHandled, IReadOnlyDictionary<string, IReadOnlyList<Guid>> Reminded);

/// <summary>
/// <see cref="ReleaseWindow.ReminderHours"/> before a cutoff (a job calls this with the cutoff it is for), each enabled QA
/// member gets one mail listing the candidates in the window's scope still waiting for their sign-off: not those they
/// have voted on, nor their own submissions. Sent once per (window, cutoff).
/// </summary>
public sealed class SendCutoffReminders(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time, PortalLinks links)
{
    public async Task<Outcome<ReminderReport>> RunAsync(int windowId, DateTimeOffset cutoffAt, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await HandledAsync(db, windowId, cutoffAt, ct)) return new ReminderReport(true, new Dictionary<string, IReadOnlyList<Guid>>());
        var window = await db.ReleaseWindows.AsNoTracking().SingleOrDefaultAsync(w => w.Id == windowId, ct);
        if (window is null) return ScheduleRules.NotFound("release window", "发布窗口", windowId);
        if (!calendar.IsCutoff(window, cutoffAt))
            return new Refusal(RefusalCode.Invalid, "cutoffAt", $"{cutoffAt:u} is not a cutoff of '{window.Name}'.", $"{cutoffAt:u} 不是发布窗口 '{window.Name}' 的截止时间。");

        var now = time.GetUtcNow();
        var waiting = (await db.Candidates.AsNoTracking().Include(c => c.Application).Include(c => c.SignOffs)
                .Where(c => c.Phase == CandidatePhase.AwaitingSignOff).OrderBy(c => c.RegisteredAt).ToListAsync(ct))
            .Where(c => window.Covers(c.Application.Slug)).ToList();
        var qaMembers = await db.UserRoles
            .Join(db.Roles.Where(r => r.Name == Roles.QA), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(db.Users, id => id, u => u.Id, (_, u) => new { u.UserName, u.Email, u.LockoutEnd })
            .Where(u => u.Email != null).ToListAsync(ct);

        var reminded = new Dictionary<string, IReadOnlyList<Guid>>();
        foreach (var qa in qaMembers.Where(u => u.LockoutEnd is null || u.LockoutEnd <= now))
        {
            bool Me(string who) => PersonReference.Parse(who).Names(qa.UserName, qa.Email);
            var theirs = waiting.Where(c => !Me(c.SubmittedBy) && !c.SignOffs.Any(s => s.WithdrawnAt == null && Me(s.User))).ToList();
            if (theirs.Count == 0) continue;
            var mail = new MailText()
                .Heading($"{theirs.Count} candidate(s) wait for your sign-off before '{window.Name}' at {cutoffAt:u}",
                    $"{theirs.Count} 个候选版本等待您在发布窗口 '{window.Name}'({cutoffAt:u})之前签核");
            foreach (var c in theirs)
                mail.Field($"{c.Application.Slug} {c.Version}", $"{c.Application.Slug} {c.Version}", c.TestUrl ?? "—")
                    .Link("Approve or reject", "批准或拒绝", links.Candidate(c.Id));
            db.Outbox.Add(mail.ToMessage("cutoff-reminder", [qa.Email!],
                $"[ReleaseGate] {theirs.Count} candidate(s) wait for your sign-off / 等待您签核", now));
            reminded[qa.Email!] = theirs.Select(c => c.Id).ToList();
        }
        db.CutoffRuns.Add(new CutoffRun { Kind = CutoffRun.Reminder, WindowId = windowId, CutoffAt = cutoffAt, HandledAt = now, Summary = $"{reminded.Count} reminder(s)" });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Fired twice at once and the other saved first: its mails stand, ours were never written.
            await using var check = await dbs.CreateDbContextAsync(CancellationToken.None);
            if (await HandledAsync(check, windowId, cutoffAt, CancellationToken.None)) return new ReminderReport(true, new Dictionary<string, IReadOnlyList<Guid>>());
            throw;
        }
        return new ReminderReport(false, reminded);
    }

    private static Task<bool> HandledAsync(ReleaseGateDb db, int windowId, DateTimeOffset cutoffAt, CancellationToken ct) =>
        db.CutoffRuns.AnyAsync(r => r.Kind == CutoffRun.Reminder && r.WindowId == windowId && r.CutoffAt == cutoffAt, ct);
}
