using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Tests;

/// <summary>The last rows before a stop are anchored too: stopping the portal writes a checkpoint of the audit head.</summary>
public class AuditCheckpointShutdownTests
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

    private sealed class Contexts(DbContextOptions<ReleaseGateDb> options) : IDbContextFactory<ReleaseGateDb>
    {
        public ReleaseGateDb CreateDbContext() => new(options);
    }
}
