using ReleaseGate.Core.Board;
using ReleaseGate.Core.Candidates;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Tests;

public class LoadBoardTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T08:00:00Z");

    [Fact]
    public async Task Shows_what_production_runs_and_the_newest_candidate_in_play()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var db = dbs.CreateDbContext())
        {
            var orders = Build.Application("orders-api");
            var billing = Build.Application("billing");
            db.Applications.AddRange(orders, billing);
            await db.SaveChangesAsync(ct);

            db.Releases.Add(new Release { ApplicationId = orders.Id, Version = "1.0.0", Digest = "sha256:" + new string('1', 64), StartedAt = T0, FinishedAt = T0.AddMinutes(2), Outcome = ReleaseOutcome.Succeeded });
            db.Releases.Add(new Release { ApplicationId = orders.Id, Version = "1.1.0", Digest = "sha256:" + new string('2', 64), StartedAt = T0.AddDays(1), Outcome = ReleaseOutcome.RolledBack });

            var old = Build.Candidate(orders, "1.2.0", T0.AddDays(2));
            old.MoveTo(CandidatePhase.Superseded, T0.AddDays(3), "system", "newer candidate");
            var current = Build.Candidate(orders, "1.3.0", T0.AddDays(3));
            current.MoveTo(CandidatePhase.Deploying, T0.AddDays(3), "system", "deploy");
            current.MoveTo(CandidatePhase.AwaitingSignOff, T0.AddDays(3), "system", "ready");
            current.SignOffs.Add(new SignOff { Digest = current.Digest, User = "qa1@example.com", Decision = SignOffDecision.Approve, At = T0.AddDays(3) });
            // A vote for another digest counts for nothing, and a withdrawn one neither.
            current.SignOffs.Add(new SignOff { Digest = "sha256:" + new string('f', 64), User = "qa2@example.com", Decision = SignOffDecision.Approve, At = T0.AddDays(3) });
            current.SignOffs.Add(new SignOff { Digest = current.Digest, User = "qa3@example.com", Decision = SignOffDecision.Approve, At = T0.AddDays(3), WithdrawnAt = T0.AddDays(3) });
            db.Candidates.AddRange(old, current);
            await db.SaveChangesAsync(ct);
        }

        var rows = await new LoadBoard(dbs, new OneOffCalendar(), new FakeTimeProvider(T0.AddDays(4))).RunAsync("qa1@example.com", ct);

        Assert.Equal(["billing", "orders-api"], rows.Select(r => r.Slug));
        Assert.Null(rows[0].Production);
        Assert.Null(rows[0].Candidate);
        var ordersRow = rows[1];
        Assert.Equal("1.0.0", ordersRow.Production!.Version);
        Assert.Equal(T0.AddMinutes(2), ordersRow.Production.Since);
        Assert.Equal("1.3.0", ordersRow.Candidate!.Version);
        Assert.Equal(CandidatePhase.AwaitingSignOff, ordersRow.Candidate.Phase);
        Assert.Equal(1, ordersRow.Candidate.Approvals);
        Assert.True(ordersRow.Candidate.ViewerVoted);
        Assert.Null(ordersRow.Cutoff);
    }

    [Fact]
    public async Task Each_application_gets_the_earliest_cutoff_of_the_enabled_windows_covering_it_outside_freezes()
    {
        await using var dbs = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        await using (var db = dbs.CreateDbContext())
        {
            db.Applications.AddRange(Build.Application("orders-api"), Build.Application("billing"));
            db.ReleaseWindows.AddRange(
                new ReleaseWindow { Name = "past", CutoffAt = T0.AddHours(-1) },
                new ReleaseWindow { Name = "disabled", CutoffAt = T0.AddHours(1), Enabled = false },
                new ReleaseWindow { Name = "frozen", CutoffAt = T0.AddHours(2) },
                new ReleaseWindow { Name = "billing only", CutoffAt = T0.AddHours(3), ApplicationSlugs = ["billing"] },
                new ReleaseWindow { Name = "everyone", CutoffAt = T0.AddHours(5) });
            db.Freezes.Add(new Freeze { Reason = "holiday", StartsAt = T0.AddHours(1.5), EndsAt = T0.AddHours(2.5) });
            await db.SaveChangesAsync(ct);
        }

        var rows = await new LoadBoard(dbs, new OneOffCalendar(), new FakeTimeProvider(T0)).RunAsync(null, ct);

        Assert.Equal(new NextCutoff("billing only", T0.AddHours(3), 4), rows.Single(r => r.Slug == "billing").Cutoff);
        Assert.Equal(new NextCutoff("everyone", T0.AddHours(5), 5), rows.Single(r => r.Slug == "orders-api").Cutoff);
    }
}

/// <summary>One-off windows only: recurring ones are read by the web host's Quartz calendar.</summary>
internal sealed class OneOffCalendar : ICutoffCalendar
{
    public bool IsValid(string cron) => false;
    public DateTimeOffset? NextFire(string cron, TimeZoneInfo zone, DateTimeOffset after) => null;
}
