using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Core.Tests;

/// <summary>New rows hash length-prefixed fields (no two rows encode alike); rows sealed the old way keep verifying.</summary>
public class AuditHashVersionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuditEvent Row(string subject, string details, int version) => new()
    {
        At = DateTimeOffset.UnixEpoch, ActorKind = ActorKind.System, Actor = "system", Action = "a", Subject = subject, Details = details, HashVersion = version,
    };

    [Fact]
    public void A_newline_moved_between_fields_changes_the_hash_now_but_did_not_before()
    {
        Assert.Equal(Row("a\nb", "c", 0).ComputeHash(), Row("a", "b\nc", 0).ComputeHash());
        Assert.NotEqual(Row("a\nb", "c", AuditEvent.CurrentHashVersion).ComputeHash(), Row("a", "b\nc", AuditEvent.CurrentHashVersion).ComputeHash());
    }

    [Fact]
    public async Task Old_rows_still_verify_and_new_rows_after_them_use_the_new_encoding()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        await using (var db = dbs.CreateDbContext())
        {
            db.AuditEvents.Add(AuditEvent.BySystem(DateTimeOffset.UnixEpoch, "old.step", "row 1"));
            db.AuditEvents.Add(AuditEvent.BySystem(DateTimeOffset.UnixEpoch, "old.step", "row 2"));
            await db.SaveChangesAsync(Ct);
        }
        // As the migration leaves rows sealed before versions: version 0, with the hash of the old encoding.
        await using (var db = dbs.CreateDbContext())
        {
            var previous = "";
            foreach (var row in await db.AuditEvents.OrderBy(a => a.Sequence).ToListAsync(Ct))
            {
                row.HashVersion = 0;
                row.PreviousHash = previous;
                row.Hash = row.ComputeHash();
                previous = row.Hash;
            }
            await db.SaveChangesAsync(Ct);
            db.AuditEvents.Add(AuditEvent.BySystem(DateTimeOffset.UnixEpoch, "new.step", "row 3"));
            db.AuditEvents.Add(AuditEvent.BySystem(DateTimeOffset.UnixEpoch, "new.step", "row 4"));
            await db.SaveChangesAsync(Ct);
        }

        Assert.True((await new VerifyAuditChain(dbs).RunAsync(Ct)).Intact);
        await using (var db = dbs.CreateDbContext())
            Assert.Equal([0, 0, AuditEvent.CurrentHashVersion, AuditEvent.CurrentHashVersion], await db.AuditEvents.OrderBy(a => a.Sequence).Select(a => a.HashVersion).ToListAsync(Ct));

        // A new row re-sealed the old way (to hide an edit the old encoding cannot see) breaks the chain.
        await using (var db = dbs.CreateDbContext())
        {
            var last = await db.AuditEvents.SingleAsync(a => a.Sequence == 4, Ct);
            last.HashVersion = 0;
            last.Hash = last.ComputeHash();
            await db.SaveChangesAsync(Ct);
        }
        var report = await new VerifyAuditChain(dbs).RunAsync(Ct);
        Assert.Equal(4, report.BrokenAt);
        Assert.Contains("old way", report.Reason);
    }
}
