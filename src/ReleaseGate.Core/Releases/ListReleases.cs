using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>What production ran for an application, newest first (null when there is no such application).</summary>
public sealed class ListReleases(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<IReadOnlyList<Release>?> RunAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var app = await db.Applications.AsNoTracking().SingleOrDefaultAsync(a => a.Slug == slug, ct);
        if (app is null) return null;
        return await db.Releases.AsNoTracking().Where(r => r.ApplicationId == app.Id)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).ToListAsync(ct);
    }
}
