using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Core.Applications;

/// <summary>What production runs: the newest succeeded release, with its candidate's commit when it came from one.</summary>
public sealed record ProductionRelease(string Version, string Digest, string? Commit, DateTimeOffset ReleasedAt);

/// <param name="Development">What runs in its development environment, when it has one and a develop build came.</param>
public sealed record ApplicationWithProduction(Application Application, ProductionRelease? Production, DevelopmentDeployment? Development = null);

/// <summary>Applications by slug (all, or the one asked for), each with what production runs.</summary>
public sealed class ListApplications(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<IReadOnlyList<ApplicationWithProduction>> RunAsync(string? slug = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var apps = db.Applications.AsNoTracking();
        if (slug is not null) apps = apps.Where(a => a.Slug == slug);
        var list = await apps.OrderBy(a => a.Slug).ToListAsync(ct);
        var ids = list.Select(a => a.Id).ToList();
        var releases = await db.Releases.AsNoTracking()
            .Where(r => ids.Contains(r.ApplicationId) && r.Outcome == ReleaseOutcome.Succeeded)
            .GroupBy(r => r.ApplicationId).Select(g => g.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).First()).ToListAsync(ct);
        var candidateIds = releases.Where(r => r.CandidateId != null).Select(r => r.CandidateId!.Value).ToList();
        var commits = await db.Candidates.AsNoTracking().Where(c => candidateIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Commit, ct);
        var development = await db.DevelopmentDeployments.AsNoTracking().Where(d => ids.Contains(d.ApplicationId))
            .ToDictionaryAsync(d => d.ApplicationId, ct);
        return list.Select(a => new ApplicationWithProduction(a, releases.FirstOrDefault(r => r.ApplicationId == a.Id) is { } r
            ? new ProductionRelease(r.Version, r.Digest, r.CandidateId is { } c ? commits.GetValueOrDefault(c) : null, r.FinishedAt ?? r.StartedAt)
            : null, development.GetValueOrDefault(a.Id))).ToList();
    }
}
