using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Audit;

/// <summary>
/// Anchors the chain's current head with a keyed checkpoint once <c>minimumRows</c> rows came since the last one
/// (1 at shutdown: whatever came last). Answers the checkpoint written, or null: no key, or nothing new enough.
/// </summary>
public sealed class WriteAuditCheckpoint(IDbContextFactory<ReleaseGateDb> dbs, AuditCheckpointKey key, TimeProvider time)
{
    public async Task<AuditCheckpoint?> RunAsync(int minimumRows, CancellationToken ct = default)
    {
        if (!key.IsSet) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(ct);
        if (head is null) return null;
        var anchored = await db.AuditCheckpoints.MaxAsync(c => (long?)c.Sequence, ct) ?? 0;
        // A head below the newest checkpoint is a cut tail: anchoring it now would only add a checkpoint that agrees with the cut.
        if (head.Sequence - anchored < Math.Max(1, minimumRows)) return null;
        var checkpoint = key.Seal(head.Sequence, head.Hash, time.GetUtcNow());
        db.AuditCheckpoints.Add(checkpoint);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another writer anchored this very head first (the unique index refused ours): nothing is missing.
            if (await AnchoredMeanwhileAsync(head.Sequence, ct)) return null;
            throw;
        }
        return checkpoint;
    }

    private async Task<bool> AnchoredMeanwhileAsync(long sequence, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AuditCheckpoints.AnyAsync(c => c.Sequence == sequence, ct);
    }
}
