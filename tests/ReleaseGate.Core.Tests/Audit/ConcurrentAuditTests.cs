using ReleaseGate.Core.Audit;

namespace ReleaseGate.Core.Tests;

/// <summary>
/// On PostgreSQL nothing in-process orders the saves that extend the audit chain: only the database's advisory lock,
/// the one that orders the saves of several replicas. Saves from many contexts at once must still form one chain.
/// </summary>
public class ConcurrentAuditTests
{
    [Fact]
    public async Task Saves_from_many_contexts_at_once_on_postgres_form_one_unbroken_chain()
    {
        await using var dbs = await TestDatabase.CreateAsync(postgres: true);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            await using var db = dbs.CreateDbContext();
            db.AuditEvents.Add(AuditEvent.BySystem(DateTimeOffset.UtcNow, "test.concurrent", $"row {i}", ""));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        })));

        var report = await new VerifyAuditChain(dbs).RunAsync(TestContext.Current.CancellationToken);
        Assert.True(report.Intact, $"broken at {report.BrokenAt}: {report.Reason}");
        Assert.Equal(40, report.Checked);
    }
}
