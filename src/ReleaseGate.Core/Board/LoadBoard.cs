using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Board;

public sealed record ProductionState(string Version, string Digest, DateTimeOffset Since);

public sealed record CandidateSummary(
    Guid Id, string Version, string Digest, string Commit, CandidatePhase Phase,
    int Approvals, string? TestUrl, DateTimeOffset RegisteredAt, string SubmittedBy, bool ViewerVoted);

public sealed record BoardRow(
    int ApplicationId, string Slug, string DisplayName, int RequiredApprovals,
    ProductionState? Production, CandidateSummary? Candidate, NextCutoff? Cutoff);

/// <summary>One row per application: what production runs, the candidate now in play and the next cutoff.</summary>
public sealed class LoadBoard(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time)
{
    /// <param name="viewer">The signed-in user name, to tell which candidates they have already voted on.</param>
    public async Task<IReadOnlyList<BoardRow>> RunAsync(string? viewer = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var apps = await db.Applications.AsNoTracking().OrderBy(a => a.Slug)
            .Select(a => new { a.Id, a.Slug, a.DisplayName, a.RequiredApprovals }).ToListAsync(ct);

        // The newest successful release per application: what production runs now.
        var production = await db.Releases.AsNoTracking()
            .Where(r => r.Outcome == ReleaseOutcome.Succeeded)
            .GroupBy(r => r.ApplicationId)
            .Select(g => g.OrderByDescending(r => r.StartedAt).Select(r => new { r.ApplicationId, r.Version, r.Digest, Since = r.FinishedAt ?? r.StartedAt }).First())
            .ToDictionaryAsync(r => r.ApplicationId, ct);

        // The newest candidate: the one in play, or, when it made it, the one production now runs.
        var candidates = await db.Candidates.AsNoTracking()
            .GroupBy(c => c.ApplicationId)
            .Select(g => g.OrderByDescending(c => c.RegisteredAt).Select(c => new
            {
                c.ApplicationId,
                Summary = new CandidateSummary(c.Id, c.Version, c.Digest, c.Commit, c.Phase,
                    c.SignOffs.Count(s => s.Decision == SignOffDecision.Approve && s.WithdrawnAt == null && s.Digest == c.Digest),
                    c.TestUrl, c.RegisteredAt, c.SubmittedBy,
                    viewer != null && c.SignOffs.Any(s => s.WithdrawnAt == null && s.User == viewer)),
            }).First())
            .ToDictionaryAsync(c => c.ApplicationId, c => c.Summary, ct);

        var now = time.GetUtcNow();
        var windows = await db.ReleaseWindows.AsNoTracking().Where(w => w.Enabled).ToListAsync(ct);
        var freezes = await db.Freezes.AsNoTracking().Where(f => f.EndsAt > now).ToListAsync(ct);

        return apps.Select(a => new BoardRow(a.Id, a.Slug, a.DisplayName, a.RequiredApprovals,
                production.TryGetValue(a.Id, out var p) ? new ProductionState(p.Version, p.Digest, p.Since) : null,
                candidates.GetValueOrDefault(a.Id), calendar.Next(windows, freezes, a.Slug, now)))
            .ToList();
    }
}
