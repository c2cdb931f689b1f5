using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Core.Tests;

public class VerifyAuditChainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> ChainOfAsync(int rows)
    {
        var dbs = await TestDatabase.CreateAsync();
        await using var db = dbs.CreateDbContext();
        for (var i = 0; i < rows; i++)
            db.AuditEvents.Add(AuditEvent.BySystem(DateTimeOffset.UnixEpoch.AddMinutes(i), "test.step", $"row {i + 1}", $"details {i + 1}"));
        await db.SaveChangesAsync(Ct);
        return dbs;
    }

    [Fact]
    public async Task An_untouched_chain_is_intact()
    {
        await using var dbs = await ChainOfAsync(12);
        var report = await new VerifyAuditChain(dbs).RunAsync(Ct);
        Assert.True(report.Intact);
        Assert.Equal(12, report.Checked);
    }

    [Theory]
    // Quoted names: the same statement tampers on SQLite and on PostgreSQL (RG_TEST_DATABASE=Postgres).
    [InlineData("""UPDATE "AuditEvents" SET "Details" = 'rewritten' WHERE "Sequence" = 5""", 5, "content")]
    [InlineData("""DELETE FROM "AuditEvents" WHERE "Sequence" = 7""", 8, "missing")]
    [InlineData("""UPDATE "AuditEvents" SET "PreviousHash" = 'forged' WHERE "Sequence" = 3""", 3, "link")]
    public async Task A_tampered_chain_names_the_row_where_it_breaks(string tampering, long brokenAt, string reason)
    {
        await using var dbs = await ChainOfAsync(12);
        await using (var db = dbs.CreateDbContext()) await db.Database.ExecuteSqlRawAsync(tampering, Ct);

        var report = await new VerifyAuditChain(dbs).RunAsync(Ct);

        Assert.False(report.Intact);
        Assert.Equal(brokenAt, report.BrokenAt);
        Assert.Contains(reason, report.Reason);
    }

    [Fact]
    public async Task The_list_filters_by_action_newest_first()
    {
        await using var dbs = await ChainOfAsync(5);
        await using (var db = dbs.CreateDbContext())
        {
            db.AuditEvents.Add(AuditEvent.ByUser(DateTimeOffset.UnixEpoch, "qa@example.com", "candidate.approved", "orders-api 1.0"));
            await db.SaveChangesAsync(Ct);
        }
        var all = await new ListAuditEvents(dbs).RunAsync(new AuditQuery(), Ct);
        var approvals = await new ListAuditEvents(dbs).RunAsync(new AuditQuery(Action: "candidate."), Ct);

        Assert.Equal(6, all.Total);
        Assert.Equal(6, all.Items[0].Sequence);
        Assert.Equal("qa@example.com", Assert.Single(approvals.Items).Actor);
    }
}
