using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Schedule;

/// <summary>At a glance, as Argo CD shows sync state: a cutoff goes ahead, is held by a freeze, or goes ahead by override.</summary>
public enum CutoffState { Open, Frozen, Overridden }

public sealed record CandidatePreview(Guid Id, string Version, CandidatePhase Phase, CutoffAction Action);

public sealed record ApplicationPreview(string Application, string? FrozenBy, IReadOnlyList<CandidatePreview> Candidates);

/// <summary>One cutoff in the range: when, its state, and what it would do to today's candidates.</summary>
public sealed record CutoffPreview(int WindowId, string Window, string TimeZone, DateTimeOffset At, CutoffState State, IReadOnlyList<ApplicationPreview> Applications)
{
    public IEnumerable<CandidatePreview> Would(CutoffAction action) => Applications.SelectMany(a => a.Candidates).Where(c => c.Action == action);
}

/// <summary>A span in which a freeze holds; <see cref="End"/> null when its end cron never fires again.</summary>
public sealed record FreezePeriod(int FreezeId, string Reason, DateTimeOffset Start, DateTimeOffset? End, IReadOnlyList<string> Applications);

public sealed record ScheduleView(
    IReadOnlyList<ReleaseWindowView> Windows, IReadOnlyList<FreezeView> Freezes,
    IReadOnlyList<CutoffPreview> Cutoffs, IReadOnlyList<FreezePeriod> FreezePeriods, IReadOnlyList<string> Applications);

/// <summary>
/// The schedule between two instants: every window's cutoffs with what each would promote and what would miss it if it
/// fired with today's candidates (<see cref="CutoffDecisions"/>), and the freeze periods, for the page and the iCalendar feed.
/// </summary>
public sealed class PreviewCutoff(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time)
{
    // An every-minute cron would otherwise fill a month with 40 000 cutoffs.
    public const int MaxCutoffs = 400;
    private const int MaxPeriodsPerFreeze = 200;

    public async Task<Outcome<ScheduleView>> RunAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var windows = await db.ReleaseWindows.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct);
        var freezes = await db.Freezes.AsNoTracking().ToListAsync(ct);
        var overrides = (await db.CutoffOverrides.AsNoTracking().Select(o => new { o.WindowId, o.CutoffAt }).ToListAsync(ct))
            .Select(o => (o.WindowId, o.CutoffAt)).ToHashSet();
        var apps = await db.Applications.AsNoTracking().OrderBy(a => a.Slug).Select(a => a.Slug).ToListAsync(ct);
        var relevant = Enum.GetValues<CandidatePhase>()
            .Where(p => CutoffDecisions.IsWaiting(p) || p == CandidatePhase.Approved || CutoffDecisions.IsInFlight(p)).ToArray();
        var candidates = (await db.Candidates.AsNoTracking().Where(c => relevant.Contains(c.Phase))
                .Select(c => new { c.Id, c.Version, c.Phase, c.RegisteredAt, c.Application.Slug }).ToListAsync(ct))
            .ToLookup(c => c.Slug);

        var cutoffs = new List<CutoffPreview>();
        foreach (var window in windows.Where(w => w.Enabled))
        {
            for (var at = calendar.NextCutoff(window, from.AddTicks(-1)); at is { } t && t <= to && cutoffs.Count < MaxCutoffs; at = calendar.NextCutoff(window, t))
            {
                var overridden = overrides.Contains((window.Id, t));
                var perApp = new List<ApplicationPreview>();
                foreach (var slug in apps.Where(window.Covers))
                {
                    var freeze = calendar.FrozenBy(freezes, slug, t);
                    var mine = candidates[slug].ToList();
                    var decisions = CutoffDecisions.Decide(mine.Select(c => new CutoffCandidate(c.Id, c.Phase, c.RegisteredAt)), freeze is not null && !overridden);
                    var byId = mine.ToDictionary(c => c.Id);
                    perApp.Add(new ApplicationPreview(slug, freeze?.Reason,
                        decisions.Select(d => new CandidatePreview(d.CandidateId, byId[d.CandidateId].Version, byId[d.CandidateId].Phase, d.Action)).ToList()));
                }
                // By scope, not by today's applications: a freeze of everything holds a cutoff even before the first application exists.
                var frozen = freezes.Any(f => Overlaps(window, f) && calendar.Period(f, t) is not null);
                var state = !frozen ? CutoffState.Open : overridden ? CutoffState.Overridden : CutoffState.Frozen;
                cutoffs.Add(new CutoffPreview(window.Id, window.Name, window.TimeZoneId, t, state, perApp));
            }
        }

        return new ScheduleView(
            windows.Select(w => ReleaseWindowView.Of(w, calendar, now)).ToList(),
            freezes.Where(f => f.EndsAt is null || f.EndsAt > now).OrderBy(f => f.StartsAt ?? DateTimeOffset.MinValue).ThenBy(f => f.Id)
                .Select(f => FreezeView.Of(f, calendar, now)).ToList(),
            cutoffs.OrderBy(c => c.At).ThenBy(c => c.Window).ToList(),
            freezes.SelectMany(f => Periods(f, from, to)).OrderBy(p => p.Start).ToList(),
            apps);
    }

    private static bool Overlaps(ReleaseWindow w, Freeze f) =>
        w.ApplicationSlugs.Count == 0 || f.ApplicationSlugs.Count == 0 || w.ApplicationSlugs.Any(f.Covers);

    /// <summary>The periods of a freeze that overlap [from, to].</summary>
    private IEnumerable<FreezePeriod> Periods(Freeze f, DateTimeOffset from, DateTimeOffset to)
    {
        if (!f.IsRecurring)
        {
            if (f.StartsAt < to && f.EndsAt > from) yield return new FreezePeriod(f.Id, f.Reason, f.StartsAt!.Value, f.EndsAt, f.ApplicationSlugs);
            yield break;
        }
        if (Cutoffs.FindZone(f.TimeZoneId) is not { } zone || f.EndCron is null || !calendar.IsValid(f.StartCron!) || !calendar.IsValid(f.EndCron)) yield break;
        var start = calendar.PreviousFire(f.StartCron!, zone, from) ?? calendar.NextFire(f.StartCron!, zone, from);
        for (var i = 0; start is { } s && s <= to && i < MaxPeriodsPerFreeze; i++)
        {
            var end = calendar.NextFire(f.EndCron, zone, s);
            if (end is null || end > from) yield return new FreezePeriod(f.Id, f.Reason, s, end, f.ApplicationSlugs);
            if (end is null) yield break;
            // The next period starts at the first start fire after this one has ended.
            start = calendar.NextFire(f.StartCron!, zone, end.Value > s ? end.Value : s);
        }
    }
}
