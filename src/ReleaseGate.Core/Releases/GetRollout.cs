using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>A candidate's latest rollout as last observed, for the candidate page and the API (null before any).</summary>
public sealed class GetRollout(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<Rollout?> RunAsync(Guid candidateId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Rollouts.AsNoTracking().Where(r => r.CandidateId == candidateId)
            .Join(db.Releases.Where(r => r.Kind == ReleaseKind.Rollout), r => r.ReleaseId, r => r.Id, (rollout, _) => rollout)
            .OrderByDescending(r => r.ReleaseId).FirstOrDefaultAsync(ct);
    }
}
