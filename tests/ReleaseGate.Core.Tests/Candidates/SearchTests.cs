using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Core.Tests;

/// <summary>
/// The portal's text filters ignore case on every database: SQLite's LIKE does and PostgreSQL's does not, so the
/// use cases compare lowered text themselves (scripts/test.sh runs this on both).
/// </summary>
public class SearchTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T08:00:00Z");

    [Theory]
    [InlineData("rc")]
    [InlineData("RC.1")]
    [InlineData("9FCEB02")]
    [InlineData("9fceb02")]
    public async Task Candidates_are_found_by_version_or_commit_in_any_case(string search)
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var db = dbs.CreateDbContext())
        {
            var app = Build.Application();
            var wanted = Build.Candidate(app, "2.0.0-Rc.1", T0);
            var other = new Candidate
            {
                Application = app, Version = "1.9.0", Digest = wanted.Digest, Commit = "0123456789abcdef0123456789abcdef01234567",
                SubmittedBy = wanted.SubmittedBy, RegisteredAt = T0.AddDays(-1),
            };
            db.Candidates.AddRange(wanted, other);
            await db.SaveChangesAsync(ct);
        }

        var page = await new ListCandidates(dbs).RunAsync(new CandidateQuery(Search: search), ct);

        Assert.Equal(["2.0.0-Rc.1"], page.Items.Select(i => i.Version));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task A_commit_is_matched_from_its_start_only()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var db = dbs.CreateDbContext())
        {
            db.Candidates.Add(Build.Candidate());
            await db.SaveChangesAsync(ct);
        }

        var page = await new ListCandidates(dbs).RunAsync(new CandidateQuery(Search: "CE"), ct);

        Assert.Empty(page.Items);
    }

    [Theory]
    [InlineData("ALICE", null, null, 2)]
    [InlineData("Example.COM", null, null, 3)]
    [InlineData(null, "Candidate.", null, 2)]
    [InlineData(null, "CANDIDATE.REGISTERED", null, 1)]
    [InlineData(null, null, "orders-API 1.0", 2)]
    [InlineData("alice", "candidate.APPROVED", "ORDERS", 1)]
    public async Task Audit_filters_ignore_case(string? actor, string? action, string? subject, int expected)
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var db = dbs.CreateDbContext())
        {
            db.AuditEvents.Add(AuditEvent.ByUser(T0, "Alice@Example.com", "candidate.registered", "orders-api 1.0.0"));
            db.AuditEvents.Add(AuditEvent.ByUser(T0.AddMinutes(1), "alice@example.com", "candidate.approved", "orders-api 1.0.0"));
            db.AuditEvents.Add(AuditEvent.ByUser(T0.AddMinutes(2), "bob@example.com", "user.created", "Carol"));
            await db.SaveChangesAsync(ct);
        }

        var page = await new ListAuditEvents(dbs).RunAsync(new AuditQuery(actor, action, subject), ct);

        Assert.Equal(expected, page.Total);
    }
}
