using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Core.Tests;

public class GetCandidateTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T08:00:00Z");

    [Fact]
    public async Task Changes_since_production_join_the_commits_of_the_candidates_in_between_each_once()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        Guid id;
        await using (var db = dbs.CreateDbContext())
        {
            var app = Build.Application();
            var released = With(Build.Candidate(app, "1.0.0", T0), "a1");
            var skipped = With(Build.Candidate(app, "1.1.0", T0.AddDays(1)), "b1", "b2");
            var current = With(Build.Candidate(app, "1.2.0", T0.AddDays(2)), "c1", "b2");
            var later = With(Build.Candidate(app, "1.3.0", T0.AddDays(3)), "d1");
            var other = With(Build.Candidate(Build.Application("billing"), "9.0.0", T0.AddDays(1)), "x1");
            db.Candidates.AddRange(released, skipped, current, later, other);
            await db.SaveChangesAsync(ct);
            db.Releases.Add(new Release { ApplicationId = app.Id, CandidateId = released.Id, Version = "1.0.0", Digest = released.Digest, StartedAt = T0, Outcome = ReleaseOutcome.Succeeded });
            await db.SaveChangesAsync(ct);
            id = current.Id;
        }

        var details = await new GetCandidate(dbs).RunAsync(id, ct);

        Assert.Equal("1.0.0", details!.ProductionVersion);
        Assert.Equal(["c1", "b2", "b1"], details.ChangesSinceProduction!.Select(c => c.Commit));
    }

    [Fact]
    public async Task Without_a_release_the_changes_are_the_candidates_own()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        var candidate = With(Build.Candidate(), "c1", "c2");
        await using (var db = dbs.CreateDbContext())
        {
            db.Candidates.Add(candidate);
            await db.SaveChangesAsync(ct);
        }

        var details = await new GetCandidate(dbs).RunAsync(candidate.Id, ct);

        Assert.Null(details!.ProductionVersion);
        Assert.Equal(["c1", "c2"], details.ChangesSinceProduction!.Select(c => c.Commit));
    }

    private static Candidate With(Candidate c, params string[] commits)
    {
        c.Changes.AddRange(commits.Select(x => new CommitChange(x, "dev", $"change {x}")));
        return c;
    }
}
