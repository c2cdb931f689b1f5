using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Core.Schedule;

/// <summary>What a cutoff did, per application and candidate.</summary>
public sealed record CutoffReport(bool AlreadyHandled, IReadOnlyList<ApplicationCutoff> Applications)
{
    public IEnumerable<Guid> Promoted => Applications.SelectMany(a => a.Candidates).Where(c => c.Action == CutoffAction.Promote).Select(c => c.CandidateId);
}

public sealed record ApplicationCutoff(string Application, string? FrozenBy, string? OverrideReason, IReadOnlyList<CandidateCutoff> Candidates);

public sealed record CandidateCutoff(Guid CandidateId, string Version, CandidatePhase Was, CutoffAction Action);

/// <summary>One cutoff as it is applied: a scheduled window's, or a release manager's ad-hoc one.</summary>
internal sealed record CutoffContext(string Label, string LabelZh, DateTimeOffset Now, string Actor, ICutoffCalendar Calendar,
    IReadOnlyList<ReleaseWindow> Windows, IReadOnlyList<Freeze> Freezes, PortalLinks Links);

/// <summary>Applies the cutoff's decision to one application's candidates in the caller's unit of work, with its mail and audit row.</summary>
internal static class CutoffWork
{
    private static readonly CandidatePhase[] Relevant = Enum.GetValues<CandidatePhase>()
        .Where(p => CutoffDecisions.IsWaiting(p) || p == CandidatePhase.Approved || CutoffDecisions.IsInFlight(p)).ToArray();

    public static async Task<ApplicationCutoff> ApplyAsync(ReleaseGateDb db, CutoffContext cx, Application app, Freeze? freeze, string? overrideReason, CancellationToken ct)
    {
        var candidates = await db.Candidates.Where(c => c.ApplicationId == app.Id && Relevant.Contains(c.Phase)).ToListAsync(ct);
        var frozen = freeze is not null && overrideReason is null;
        // Only a cutoff that may promote re-checks the approvals; a frozen one moves nothing.
        var shortOf = frozen ? [] : await ApprovalRecheck.DemoteShortAsync(db, cx, app, candidates, ct);
        var decisions = CutoffDecisions.Decide(candidates.Select(c => new CutoffCandidate(c.Id, c.Phase, c.RegisteredAt)), frozen);
        var byId = candidates.ToDictionary(c => c.Id);
        var promoted = decisions.Where(d => d.Action == CutoffAction.Promote).Select(d => byId[d.CandidateId]).FirstOrDefault();
        var inFlight = candidates.FirstOrDefault(c => CutoffDecisions.IsInFlight(c.Phase));
        var next = cx.Calendar.Next(cx.Windows, cx.Freezes, app.Slug, cx.Now);
        var overridden = freeze is not null && overrideReason is not null ? $" The freeze {freeze.Describe()} was overridden: {overrideReason}" : "";

        var report = new List<CandidateCutoff>();
        foreach (var d in decisions)
        {
            var c = byId[d.CandidateId];
            report.Add(new CandidateCutoff(c.Id, c.Version, c.Phase, d.Action));
            switch (d.Action)
            {
                case CutoffAction.Promote:
                    c.MoveTo(CandidatePhase.Promoting, cx.Now, cx.Actor, $"Promoted at the cutoff of {cx.Label}.{overridden}",
                        Fields(cx, overridden.Length > 0 ? new() { ["override"] = overrideReason! } : null));
                    break;
                case CutoffAction.Supersede:
                    c.MoveTo(CandidatePhase.Superseded, cx.Now, cx.Actor, $"Superseded at the cutoff of {cx.Label}: {promoted!.Version} is promoted instead.",
                        Fields(cx, new() { ["version"] = promoted.Version, ["build"] = promoted.BuildNumber.ToString() }));
                    break;
                case CutoffAction.MissedCutoff:
                    c.TargetWindowId = next?.WindowId;
                    c.Record(cx.Now, CandidateEventKinds.MissedCutoff, "system", $"Missed the cutoff of {cx.Label} while {c.Phase}"
                        + (shortOf.TryGetValue(c.Id, out var missing) ? $": {missing.En}; " : "; ")
                        + (next is null ? "no further cutoff is scheduled." : $"it waits for '{next.Window}' at {next.At:u}."),
                        Fields(cx, MissedFields(next, shortOf.GetValueOrDefault(c.Id))));
                    break;
                case CutoffAction.HeldByFreeze:
                    c.TargetWindowId = next?.WindowId;
                    c.Record(cx.Now, CandidateEventKinds.CutoffFrozen, "system", $"Not promoted at the cutoff of {cx.Label}: frozen by {freeze!.Describe()}.",
                        Fields(cx, new() { ["freeze"] = freeze.Describe() }));
                    break;
                case CutoffAction.HeldByPromotion:
                    c.TargetWindowId = next?.WindowId;
                    c.Record(cx.Now, CandidateEventKinds.CutoffHeld, "system", $"Not promoted at the cutoff of {cx.Label}: {inFlight!.Version} is still {inFlight.Phase}.",
                        Fields(cx, new() { ["version"] = inFlight.Version }));
                    break;
            }
        }
        var result = new ApplicationCutoff(app.Slug, freeze?.Reason, freeze is null ? null : overrideReason, report);
        if (report.Count == 0) return result;

        db.AuditEvents.Add(new AuditEvent
        {
            At = cx.Now, ActorKind = cx.Actor == "system" ? ActorKind.System : ActorKind.User, Actor = cx.Actor,
            Action = "cutoff.applied", Subject = app.Slug,
            Details = JsonSerializer.Serialize(new { Cutoff = cx.Label, Freeze = freeze?.Reason, Override = overrideReason,
                Candidates = report.Select(r => new { r.CandidateId, r.Version, Action = r.Action.ToString() }) }),
        });
        await QueueMailAsync(db, cx, app, candidates.Where(c => report.Any(r => r.CandidateId == c.Id)).ToList(), result, freeze, next, shortOf, ct);
        return result;
    }

    private static async Task QueueMailAsync(ReleaseGateDb db, CutoffContext cx, Application app, List<Candidate> touched,
        ApplicationCutoff result, Freeze? freeze, NextCutoff? next, Dictionary<Guid, ApprovalShortfall> shortOf, CancellationToken ct)
    {
        var to = new List<string>(app.QaEmails);
        foreach (var submitter in touched.Select(c => c.SubmittedBy).Distinct())
            if (await Recipients.SubmitterAsync(db, submitter, ct) is { Length: > 0 } email) to.Add(email);
        to.AddRange(await Recipients.ReleaseManagersAsync(db, cx.Now, ct));
        if (to.Count == 0) return;

        var mail = new MailText().Heading($"{app.Slug}: cutoff of {cx.Label}", $"{app.Slug}:{cx.LabelZh} 截止");
        if (freeze is not null && result.OverrideReason is null)
            mail.Line($"Nothing was promoted: frozen by {freeze.Describe()}.", $"未发布任何版本:处于冻结期 '{freeze.Reason}'。");
        else if (freeze is not null)
            mail.Line($"The freeze '{freeze.Reason}' was overridden: {result.OverrideReason}", $"冻结期 '{freeze.Reason}' 已被覆盖:{result.OverrideReason}");
        foreach (var r in result.Candidates)
        {
            var (en, zh) = r.Action switch
            {
                CutoffAction.Promote => ("is being promoted to production", "正在发布到生产环境"),
                CutoffAction.Supersede => ("was superseded by a newer approved candidate", "已被更新的已批准版本取代"),
                CutoffAction.MissedCutoff => ($"missed the cutoff ({r.Was})" + (shortOf.TryGetValue(r.CandidateId, out var s) ? $": {s.En}" : "")
                    + (next is null ? "" : $"; next: '{next.Window}' at {next.At:u}"),
                    $"错过了截止时间({r.Was})" + (shortOf.TryGetValue(r.CandidateId, out var sz) ? $":{sz.Zh}" : "")
                    + (next is null ? "" : $";下一次:'{next.Window}' {next.At:u}")),
                CutoffAction.HeldByFreeze => ("was held back by the freeze", "因冻结期未发布"),
                _ => ("waits: an earlier promotion is still under way", "等待中:上一次发布仍在进行"),
            };
            mail.Field(r.Version, r.Version, $"{en} / {zh}").Link("Open the candidate", "打开候选版本", cx.Links.Candidate(r.CandidateId));
        }
        db.Outbox.Add(mail.ToMessage("cutoff", to, $"[ReleaseGate] {app.Slug}: cutoff of {cx.Label} / 截止", cx.Now));
    }

    private static EventFields? MissedFields(NextCutoff? next, ApprovalShortfall? shortfall)
    {
        if (next is null && shortfall is null) return null;
        var fields = new EventFields();
        if (next is not null) (fields["next"], fields["nextAt"]) = (next.Window, $"{next.At:u}");
        if (shortfall is not null) (fields["shortfall"], fields["shortfallZh"]) = (shortfall.En, shortfall.Zh);
        return fields;
    }

    /// <summary>The cutoff's name in both languages, for the timeline to write the event in the viewer's.</summary>
    private static EventFields Fields(CutoffContext cx, EventFields? more)
    {
        var fields = new EventFields { ["cutoff"] = cx.Label, ["cutoffZh"] = cx.LabelZh };
        foreach (var (k, v) in more ?? []) fields[k] = v;
        return fields;
    }
}
