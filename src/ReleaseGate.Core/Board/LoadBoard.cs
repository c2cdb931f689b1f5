using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Board;

public sealed record ProductionState(string Version, string Digest, DateTimeOffset Since);

public sealed record CandidateSummary(
    Guid Id, string Version, string Digest, string Commit, CandidatePhase Phase,
    int Approvals, string? TestUrl, DateTimeOffset RegisteredAt, string SubmittedBy, bool ViewerVoted);

/// <summary>What the development environment runs: the newest develop build, outside the gate.</summary>
public sealed record DevelopmentSummary(string Version, int BuildNumber, DevelopmentState State, string? Url, string? Reason);

/// <param name="RegistryOnly">No Swarm service: production is the production registry serving the digest.</param>
public sealed record BoardRow(
    int ApplicationId, string Slug, string DisplayName, int RequiredApprovals,
    ProductionState? Production, CandidateSummary? Candidate, NextCutoff? Cutoff, DevelopmentSummary? Development = null, bool RegistryOnly = false);

/// <summary>One row per application: what production runs, the candidate now in play and the next cutoff.</summary>
public sealed class LoadBoard(IDbContextFactory<ReleaseGateDb> dbs, ICutoffCalendar calendar, TimeProvider time)
{
    /// <param name="viewer">The signed-in user name, to tell which candidates they have already voted on.</param>
    public async Task<IReadOnlyList<BoardRow>> RunAsync(string? viewer = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        // Per application, one index seek each for its newest successful release (what production runs) and its
        // newest candidate (the one in play or, when it made it, the one in production); grouping all 50,000
        // candidates instead costs more than the whole page may take.
        var apps = await db.Applications.AsNoTracking().OrderBy(a => a.Slug)
            .Select(a => new
            {
                a.Id, a.Slug, a.DisplayName, a.RequiredApprovals, RegistryOnly = a.SwarmService == "",
                ReleaseId = db.Releases.Where(r => r.ApplicationId == a.Id && r.Outcome == ReleaseOutcome.Succeeded)
                    .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefault(),
                CandidateId = db.Candidates.Where(c => c.ApplicationId == a.Id)
                    .OrderByDescending(c => c.RegisteredAt).Select(c => (Guid?)c.Id).FirstOrDefault(),
            }).ToListAsync(ct);

        var releaseIds = apps.Where(a => a.ReleaseId != null).Select(a => a.ReleaseId!.Value).ToList();
        var production = await db.Releases.AsNoTracking().Where(r => releaseIds.Contains(r.Id))
            .Select(r => new { r.Id, State = new ProductionState(r.Version, r.Digest, r.FinishedAt ?? r.StartedAt) })
            .ToDictionaryAsync(r => r.Id, r => r.State, ct);

        var candidateIds = apps.Where(a => a.CandidateId != null).Select(a => a.CandidateId!.Value).ToList();
        var candidates = await db.Candidates.AsNoTracking().Where(c => candidateIds.Contains(c.Id))
            .Select(c => new CandidateSummary(c.Id, c.Version, c.Digest, c.Commit, c.Phase,
                c.SignOffs.Count(s => s.Decision == SignOffDecision.Approve && s.WithdrawnAt == null && s.Digest == c.Digest),
                c.TestUrl, c.RegisteredAt, c.SubmittedBy,
                viewer != null && c.SignOffs.Any(s => s.WithdrawnAt == null && s.User == viewer)))
            .ToDictionaryAsync(c => c.Id, ct);

        var development = await db.DevelopmentDeployments.AsNoTracking()
            .Select(d => new { d.ApplicationId, Summary = new DevelopmentSummary(d.Version, d.BuildNumber, d.State, d.Url, d.Reason) })
            .ToDictionaryAsync(d => d.ApplicationId, d => d.Summary, ct);

        var now = time.GetUtcNow();
        var windows = await db.ReleaseWindows.AsNoTracking().Where(w => w.Enabled).ToListAsync(ct);
        var freezes = await db.Freezes.AsNoTracking().Where(f => f.EndsAt == null || f.EndsAt > now).ToListAsync(ct);

        return apps.Select(a => new BoardRow(a.Id, a.Slug, a.DisplayName, a.RequiredApprovals,
                a.ReleaseId is { } r ? production.GetValueOrDefault(r) : null,
                a.CandidateId is { } c ? candidates.GetValueOrDefault(c) : null,
                calendar.Next(windows, freezes, a.Slug, now), development.GetValueOrDefault(a.Id), a.RegistryOnly))
            .ToList();
    }
}
