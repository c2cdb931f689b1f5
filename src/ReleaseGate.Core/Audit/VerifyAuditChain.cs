using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Audit;

/// <summary>What a checkpoint showed wrong: a MAC not made with our key, the row it names gone (a cut tail), or that row's hash changed (a rewritten tail).</summary>
public enum CheckpointFinding { Forged, RowMissing, RowRewritten }

/// <summary>
/// The chain's verdict: intact over all rows, or the first row at which it breaks and why. <see cref="Anchored"/>: a checkpoint key is
/// set and every checkpoint was checked (<see cref="Checkpoints"/> of them, the newest naming row <see cref="AnchoredTo"/>).
/// </summary>
public sealed record AuditChainReport(long Checked, long? BrokenAt, string? Reason,
    bool Anchored = false, int Checkpoints = 0, long? AnchoredTo = null, CheckpointFinding? Finding = null, long? CheckpointId = null)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>
/// Recomputes every row's hash in chain order: an edited, removed or inserted row shows where it happened. Then, when a checkpoint key
/// is set, every checkpoint must carry our MAC and name a row that still exists with the hash it vouched for: a tail cut off, or cut and
/// re-appended as a fresh valid chain, fails there.
/// </summary>
public sealed class VerifyAuditChain(IDbContextFactory<ReleaseGateDb> dbs, AuditCheckpointKey? key = null)
{
    private const int Batch = 5000;

    public async Task<AuditChainReport> RunAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var anchored = key is { IsSet: true };
        var checkpoints = anchored ? await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ThenBy(c => c.Id).ToListAsync(ct) : [];
        if (checkpoints.FirstOrDefault(c => !key!.Vouches(c)) is { } forged)
            return Found(0, forged, CheckpointFinding.Forged, $"checkpoint {forged.Id} does not carry this portal's MAC (forged, or written with another key)");
        var named = checkpoints.ToLookup(c => c.Sequence);

        var (previousHash, previousSequence, checkedRows, newestVersion) = ("", 0L, 0L, 0);
        while (true)
        {
            var rows = await db.AuditEvents.AsNoTracking().Where(a => a.Sequence > previousSequence)
                .OrderBy(a => a.Sequence).Take(Batch).ToListAsync(ct);
            foreach (var row in rows)
            {
                if (row.Sequence != previousSequence + 1)
                    return new(checkedRows, row.Sequence, $"rows {previousSequence + 1} to {row.Sequence - 1} are missing");
                if (row.PreviousHash != previousHash)
                    return new(checkedRows, row.Sequence, "it does not link to the row before it");
                // Once rows are sealed the new way, an older way after them is a row rewritten to dodge it.
                if (row.HashVersion < newestVersion)
                    return new(checkedRows, row.Sequence, "it is hashed the old way after rows hashed the new way");
                if (row.ComputeHash() != row.Hash)
                    return new(checkedRows, row.Sequence, "its content no longer matches its hash");
                if (named[row.Sequence].FirstOrDefault(c => c.Hash != row.Hash) is { } rewritten)
                    return Found(checkedRows, rewritten, CheckpointFinding.RowRewritten,
                        $"checkpoint {rewritten.Id} vouched for another hash of this row (the tail from here was rewritten)");
                (previousHash, previousSequence, newestVersion) = (row.Hash, row.Sequence, row.HashVersion);
                checkedRows++;
            }
            if (rows.Count < Batch) break;
        }
        // The chain is whole up to its head; a checkpoint beyond the head names rows that were there and are gone.
        if (checkpoints.LastOrDefault() is { } beyond && beyond.Sequence > previousSequence)
            return Found(checkedRows, beyond, CheckpointFinding.RowMissing,
                $"checkpoint {beyond.Id} names row {beyond.Sequence} but the newest row is {previousSequence} (the tail was cut off)");
        return new(checkedRows, null, null, anchored, checkpoints.Count, checkpoints.LastOrDefault()?.Sequence);
    }

    private static AuditChainReport Found(long checkedRows, AuditCheckpoint checkpoint, CheckpointFinding finding, string reason) =>
        new(checkedRows, checkpoint.Sequence, reason, Anchored: true, Finding: finding, CheckpointId: checkpoint.Id);
}
