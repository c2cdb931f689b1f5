using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

public class DeleteApplicationTests
{
    private static readonly FakeTimeProvider Time = new(DateTimeOffset.Parse("2026-11-27T10:00:00Z"));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_application_without_candidates_is_deleted_and_audited()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser("admin@example.com", Roles.Admin);
        var app = Build.Application();
        await using (var db = dbs.CreateDbContext()) { db.Applications.Add(app); await db.SaveChangesAsync(Ct); }

        var outcome = await new DeleteApplication(dbs, Time).RunAsync(app.Id, "admin@example.com", Ct);

        Assert.False(outcome.IsRefused);
        await using var read = dbs.CreateDbContext();
        Assert.False(await read.Applications.AnyAsync(Ct));
        Assert.Equal("application.deleted", (await read.AuditEvents.SingleAsync(Ct)).Action);
    }

    [Fact]
    public async Task An_application_with_a_candidate_is_kept()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser("admin@example.com", Roles.Admin);
        var candidate = Build.Candidate();
        await using (var db = dbs.CreateDbContext()) { db.Candidates.Add(candidate); await db.SaveChangesAsync(Ct); }

        var outcome = await new DeleteApplication(dbs, Time).RunAsync(candidate.ApplicationId, "admin@example.com", Ct);

        Assert.Contains("candidates", Assert.IsType<Refusal>(outcome.Refusal).Message);
        await using var read = dbs.CreateDbContext();
        Assert.True(await read.Applications.AnyAsync(Ct));
    }
}
