using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Core.Tests;

public class AuditChainTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-26T10:00:00Z");

    [Fact]
    public async Task Each_row_carries_the_hash_of_the_one_before()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var db = dbs.CreateDbContext();
            db.AuditEvents.Add(AuditEvent.BySystem(At.AddMinutes(i), "test.action", $"subject-{i}"));
            db.AuditEvents.Add(AuditEvent.ByUser(At.AddMinutes(i), "qa@example.com", "test.other", $"subject-{i}"));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = dbs.CreateDbContext();
        var rows = await read.AuditEvents.OrderBy(a => a.Sequence).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1L, 2, 3, 4, 5, 6], rows.Select(r => r.Sequence));
        Assert.Equal("", rows[0].PreviousHash);
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.Equal(rows[i - 1].Hash, rows[i].PreviousHash);
            Assert.Equal(rows[i].ComputeHash(), rows[i].Hash);
        }
    }

    [Fact]
    public async Task Concurrent_writers_never_fork_the_chain()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var db = dbs.CreateDbContext();
            db.AuditEvents.Add(AuditEvent.BySystem(At, "race", $"writer-{i}"));
            await db.SaveChangesAsync(ct);
        }));

        await using var read = dbs.CreateDbContext();
        var rows = await read.AuditEvents.OrderBy(a => a.Sequence).ToListAsync(ct);
        Assert.Equal(8, rows.Count);
        Assert.Equal(8, rows.Select(r => r.PreviousHash).Distinct().Count());
    }

    [Fact]
    public async Task An_edited_row_no_longer_matches_its_hash()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var db = dbs.CreateDbContext())
        {
            db.AuditEvents.Add(AuditEvent.ByUser(At, "rm@example.com", "freeze.overridden", "window 3", "reason: hotfix"));
            await db.SaveChangesAsync(ct);
        }
        await using (var db = dbs.CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Details" = 'reason: none'""", ct);

        await using var read = dbs.CreateDbContext();
        var row = await read.AuditEvents.SingleAsync(ct);
        Assert.NotEqual(row.ComputeHash(), row.Hash);
    }
}
