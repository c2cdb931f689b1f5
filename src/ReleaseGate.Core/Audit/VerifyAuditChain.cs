using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Audit;

/// <summary>The chain's verdict: intact over all rows, or the first row at which it breaks and why.</summary>
public sealed record AuditChainReport(long Checked, long? BrokenAt, string? Reason)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>Recomputes every row's hash in chain order: an edited, removed or inserted row shows where it happened.</summary>
public sealed class VerifyAuditChain(IDbContextFactory<ReleaseGateDb> dbs)
{
    private const int Batch = 5000;

    public async Task<AuditChainReport> RunAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
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
                (previousHash, previousSequence, newestVersion) = (row.Hash, row.Sequence, row.HashVersion);
                checkedRows++;
            }
            if (rows.Count < Batch) return new(checkedRows, null, null);
        }
    }
}
