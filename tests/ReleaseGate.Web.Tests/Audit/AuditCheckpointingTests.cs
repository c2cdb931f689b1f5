using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Tests;

/// <summary>The running portal anchors the audit head every N rows, and the last rows before a stop too.</summary>
public class AuditCheckpointingTests
{
    private const string CheckpointKey = "checkpoint-key-for-the-shutdown-test-0123456789";

    [Fact]
    public async Task Stopping_the_portal_writes_a_checkpoint_of_the_audit_head()
    {
        var ct = TestContext.Current.CancellationToken;
        var portal = new PortalFactory { KeepDatabase = true };
        var path = portal.DatabasePath;
        try
        {
            portal.Settings["ReleaseGate:Audit:CheckpointKey"] = CheckpointKey;
            long head;
            using (portal)
            {
                // Starting audits the first admin's creation; 100 rows are not there yet, so no checkpoint is due before the stop.
                await using var db = portal.CreateDb();
                head = await db.AuditEvents.MaxAsync(a => a.Sequence, ct);
                Assert.Equal(0, await db.AuditCheckpoints.CountAsync(ct));
            }

            var stopped = new DbContextOptionsBuilder<ReleaseGateDb>().UseSqlite($"Data Source={path}").Options;
            await using (var db = new ReleaseGateDb(stopped))
            {
                var checkpoint = await db.AuditCheckpoints.SingleAsync(ct);
                Assert.Equal(head, checkpoint.Sequence);
            }
            var report = await new VerifyAuditChain(new Contexts(stopped), new AuditCheckpointKey(Encoding.UTF8.GetBytes(CheckpointKey))).RunAsync(ct);
            Assert.True(report.Intact, report.Reason);
            Assert.Equal((true, 1, head), (report.Anchored, report.Checkpoints, report.AnchoredTo));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    [Fact]
    public async Task Once_enough_rows_came_the_running_portal_writes_a_checkpoint_on_its_next_round()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Audit:CheckpointKey"] = CheckpointKey;
        portal.Settings["ReleaseGate:Audit:CheckpointEveryRows"] = "1";
        portal.Replace<TimeProvider>(clock);
        await using var db = portal.CreateDb(); // started: the first admin's creation is row 1

        // Each round of the clock is one check; the first may come before the service waits on it, so turn it until the row appears.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await db.AuditCheckpoints.CountAsync(ct) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint within 30 s of rounds");
            clock.Advance(Jobs.AuditCheckpointing.Interval);
            await Task.Delay(50, ct);
        }
        Assert.Equal(await db.AuditEvents.MaxAsync(a => a.Sequence, ct), (await db.AuditCheckpoints.SingleAsync(ct)).Sequence);
    }

    private sealed class Contexts(DbContextOptions<ReleaseGateDb> options) : IDbContextFactory<ReleaseGateDb>
    {
        public ReleaseGateDb CreateDbContext() => new(options);
    }
}
