using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>An application's releases page: what production ran, newest first, what it runs now, and a running release's rollout.</summary>
public sealed record ReleaseHistory(
    string Slug, string DisplayName, bool HasSwarmService, IReadOnlyList<Release> Releases, Release? Production, Rollout? Running)
{
    /// <summary>A restore needs a Swarm service, a succeeded release other than what runs now, and nothing in flight.</summary>
    public bool MayRestore(Release r) =>
        HasSwarmService && Running is null && Releases.All(x => x.Outcome != ReleaseOutcome.Running)
        && r.Outcome == ReleaseOutcome.Succeeded && r.Id != Production?.Id && r.Digest != Production?.Digest;
}

/// <summary>Reads an application's <see cref="ReleaseHistory"/> (null when there is no such application).</summary>
public sealed class LoadReleaseHistory(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<ReleaseHistory?> RunAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var app = await db.Applications.AsNoTracking().SingleOrDefaultAsync(a => a.Slug == slug, ct);
        if (app is null) return null;
        var releases = await db.Releases.AsNoTracking().Where(r => r.ApplicationId == app.Id)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).ToListAsync(ct);
        // Production is the newest succeeded release, as the board says.
        var production = releases.FirstOrDefault(r => r.Outcome == ReleaseOutcome.Succeeded);
        var running = releases.FirstOrDefault(r => r.Outcome == ReleaseOutcome.Running) is { } r
            ? await db.Rollouts.AsNoTracking().SingleOrDefaultAsync(x => x.ReleaseId == r.Id, ct) : null;
        return new ReleaseHistory(app.Slug, app.DisplayName, app.SwarmService.Length > 0, releases, production, running);
    }
}
