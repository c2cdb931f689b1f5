using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

/// <summary>
/// The chain alone cannot show its tail was cut off, or cut and re-appended as a fresh valid chain: the keyed checkpoints can.
/// Rows come from a use case (a calendar feed issued: one audit row each); the tampering is the attacker's, straight SQL.
/// </summary>
public class AuditCheckpointTests
{
    private const string Person = "qa@example.com";
    private static readonly AuditCheckpointKey Key = new(Encoding.UTF8.GetBytes("the-portal's-checkpoint-key-0123456789"));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-04T03:00:00Z"));

    private async Task AuditAsync(TestDatabase dbs, int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.False((await new IssueCalendarFeed(dbs, time).RunAsync(Person, Ct)).IsRefused);
        }
    }

    private async Task<TestDatabase> AnchoredTrailAsync(int rows)
    {
        var dbs = (await TestDatabase.CreateAsync()).WithUser(Person, Roles.Viewer);
        await AuditAsync(dbs, rows);
        Assert.NotNull(await new WriteAuditCheckpoint(dbs, Key, time).RunAsync(1, Ct));
        return dbs;
    }

    private static async Task TamperAsync(TestDatabase dbs, string sql)
    {
        await using var db = dbs.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    private static Task<AuditChainReport> VerifyAsync(TestDatabase dbs, AuditCheckpointKey? key = null) =>
        new VerifyAuditChain(dbs, key ?? Key).RunAsync(Ct);

    private static async Task<AuditChainReport> FoundAsync(TestDatabase dbs, CheckpointFinding finding, long brokenAt, string reason)
    {
        var report = await VerifyAsync(dbs);
        Assert.False(report.Intact);
        Assert.Equal((finding, brokenAt), (report.Finding, report.BrokenAt));
        Assert.Contains(reason, report.Reason);
        return report;
    }

    [Fact]
    public async Task An_untouched_trail_verifies_anchored_by_every_checkpoint()
    {
        await using var dbs = await AnchoredTrailAsync(5);
        await AuditAsync(dbs, 3);
        Assert.Null(await new WriteAuditCheckpoint(dbs, Key, time).RunAsync(4, Ct));
        Assert.Equal(8, (await new WriteAuditCheckpoint(dbs, Key, time).RunAsync(3, Ct))?.Sequence);

        var report = await VerifyAsync(dbs);

        Assert.True(report.Intact, report.Reason);
        Assert.True(report.Anchored);
        Assert.Equal((8L, 2, 8L), (report.Checked, report.Checkpoints, report.AnchoredTo));
    }

    [Fact]
    public async Task A_cut_off_tail_is_detected_though_the_chain_alone_is_intact()
    {
        await using var dbs = await AnchoredTrailAsync(6);
        await TamperAsync(dbs, """DELETE FROM "AuditEvents" WHERE "Sequence" > 4""");

        Assert.True((await new VerifyAuditChain(dbs).RunAsync(Ct)).Intact);
        Assert.Equal(4, (await FoundAsync(dbs, CheckpointFinding.RowMissing, 6, "cut off")).Checked);
        // Nor does the next checkpoint paper over the cut: the head is below the one already anchored.
        Assert.Null(await new WriteAuditCheckpoint(dbs, Key, time).RunAsync(1, Ct));
    }

    [Fact]
    public async Task A_tail_cut_and_re_appended_as_a_valid_chain_is_detected()
    {
        await using var dbs = await AnchoredTrailAsync(6);
        await TamperAsync(dbs, """DELETE FROM "AuditEvents" WHERE "Sequence" > 3""");
        await AuditAsync(dbs, 4);

        Assert.True((await new VerifyAuditChain(dbs).RunAsync(Ct)).Intact);
        await FoundAsync(dbs, CheckpointFinding.RowRewritten, 6, "rewritten");
    }

    [Fact]
    public async Task A_checkpoint_forged_with_another_key_is_detected()
    {
        await using var dbs = await AnchoredTrailAsync(6);
        // The attacker cuts the tail and replaces the checkpoint with one for the new head, under a key of their own.
        await TamperAsync(dbs, """DELETE FROM "AuditEvents" WHERE "Sequence" > 4""");
        await TamperAsync(dbs, """DELETE FROM "AuditCheckpoints" """);
        await using (var db = dbs.CreateDbContext())
        {
            var head = await db.AuditEvents.SingleAsync(a => a.Sequence == 4, Ct);
            db.AuditCheckpoints.Add(new AuditCheckpointKey(Encoding.UTF8.GetBytes("an-attacker's-guess-at-the-key-0123456")).Seal(4, head.Hash, time.GetUtcNow()));
            await db.SaveChangesAsync(Ct);
        }

        await FoundAsync(dbs, CheckpointFinding.Forged, 4, "MAC");
    }

    [Fact]
    public async Task Without_a_key_no_checkpoint_is_written_and_the_trail_is_not_anchored()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Person, Roles.Viewer);
        await AuditAsync(dbs, 3);

        Assert.Null(await new WriteAuditCheckpoint(dbs, AuditCheckpointKey.None, time).RunAsync(1, Ct));
        var report = await VerifyAsync(dbs, AuditCheckpointKey.None);

        Assert.True(report.Intact);
        Assert.False(report.Anchored);
        await using var db = dbs.CreateDbContext();
        Assert.Equal(0, await db.AuditCheckpoints.CountAsync(Ct));
    }
}
