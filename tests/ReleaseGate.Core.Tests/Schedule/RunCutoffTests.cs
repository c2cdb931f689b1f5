using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Schedule;

public class RunCutoffTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Cutoff = Now.AddHours(2);

    [Fact]
    public async Task Cutoff_promotes_the_newest_approved_candidate_supersedes_older_ones_and_queues_the_promotion()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("tuesday", Cutoff);
        var older = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0", minutesAgo: 120);
        var newer = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.1.0", minutesAgo: 60);
        world.Time.SetUtcNow(Cutoff);

        var report = (await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.False(report.AlreadyHandled);
        Assert.Equal(CandidatePhase.Promoting, (await world.ReloadAsync(newer.Id)).Phase);
        var superseded = await world.ReloadAsync(older.Id);
        Assert.Equal(CandidatePhase.Superseded, superseded.Phase);
        Assert.Contains("1.1.0 is promoted instead", superseded.Events[^1].Message);
        Assert.Equal([newer.Id], world.Queue.Enqueued);
        Assert.Contains(newer.Id, world.Changes.Published);
        var mail = Assert.Single(await world.MailsAsync("cutoff"));
        Assert.Equal(["dev@example.com", "qa@example.com", "rm@example.com"], mail.To.Order());
        Assert.Contains("1.1.0", mail.TextBody);
        Assert.Contains("正在发布到生产环境", mail.TextBody);
        await using var db = world.Dbs.CreateDbContext();
        var run = await db.CutoffRuns.SingleAsync(Ct);
        Assert.Equal((window.Id, Cutoff, CutoffRun.Cutoff), (run.WindowId, run.CutoffAt, run.Kind));
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), a => a.Action == "cutoff.applied" && a.Subject == "orders-api");
    }

    [Fact]
    public async Task A_candidate_awaiting_sign_off_at_the_cutoff_keeps_waiting_and_is_told_the_next_window()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("daily", cron: "0 0 10 * * ?");
        var waiting = await world.AddCandidateAsync(world.Billing, CandidatePhase.AwaitingSignOff, "2.0.0");
        var cutoff = DateTimeOffset.Parse("2027-03-01T10:00:00Z");
        world.Time.SetUtcNow(cutoff);

        await world.RunCutoff().RunAsync(window.Id, cutoff, Ct);

        var c = await world.ReloadAsync(waiting.Id);
        Assert.Equal(CandidatePhase.AwaitingSignOff, c.Phase);
        Assert.Equal(window.Id, c.TargetWindowId);
        var missed = Assert.Single(c.Events, e => e.Kind == "MissedCutoff");
        Assert.Contains("'daily' at 2027-03-01 10:00:00Z", missed.Message);
        Assert.Contains("'daily' at 2027-03-02 10:00:00Z", missed.Message);
        Assert.Empty(world.Queue.Enqueued);
        var mail = Assert.Single(await world.MailsAsync("cutoff"));
        Assert.Contains("billing-qa@example.com", mail.To);
        Assert.Contains("missed the cutoff", mail.TextBody);
    }

    [Theory]
    [InlineData(DisabledQa, "gone-qa@example.com may no longer sign off")]
    [InlineData(Manager, "rm@example.com may no longer sign off")]
    public async Task An_approval_whose_voter_may_no_longer_sign_off_does_not_count_and_the_candidate_misses_the_cutoff_saying_why(
        string voter, string said)
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("tuesday", Cutoff);
        // Approved by a QA since disabled, or by someone who holds no role that may approve: re-checked at the cutoff.
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0", approvedBy: voter);
        world.Time.SetUtcNow(Cutoff);

        var report = (await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.Equal(CutoffAction.MissedCutoff, Assert.Single(report.Applications.Single(a => a.Application == "orders-api").Candidates).Action);
        var after = await world.ReloadAsync(c.Id);
        Assert.Equal(CandidatePhase.AwaitingSignOff, after.Phase);
        var missed = Assert.Single(after.Events, e => e.Kind == "MissedCutoff");
        Assert.Contains("only 0 of 1 approvals still count", missed.Message);
        Assert.Contains(said, missed.Message);
        Assert.Empty(world.Queue.Enqueued);
        var mail = Assert.Single(await world.MailsAsync("cutoff"));
        Assert.Contains("only 0 of 1 approvals still count", mail.TextBody);
        Assert.Contains("仅 0/1 个批准仍然有效", mail.TextBody);
    }

    [Fact]
    public async Task An_approval_by_a_qa_still_enabled_counts_and_the_candidate_is_promoted()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("tuesday", Cutoff);
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0", approvedBy: Qa2);
        world.Time.SetUtcNow(Cutoff);

        await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct);

        Assert.Equal(CandidatePhase.Promoting, (await world.ReloadAsync(c.Id)).Phase);
        Assert.Equal([c.Id], world.Queue.Enqueued);
    }

    [Fact]
    public async Task A_cutoff_run_twice_acts_once()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Cutoff);
        var approved = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");
        world.Time.SetUtcNow(Cutoff);

        var first = (await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct)).Value!;
        var counts = await world.CountsAsync();
        world.Time.Advance(TimeSpan.FromMinutes(5));
        var second = (await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.False(first.AlreadyHandled);
        Assert.True(second.AlreadyHandled);
        Assert.Equal(counts, await world.CountsAsync());
        Assert.Equal([approved.Id], world.Queue.Enqueued);
    }

    [Fact]
    public async Task A_cutoff_fired_twice_at_once_acts_once()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Cutoff);
        await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");
        world.Time.SetUtcNow(Cutoff);

        var both = await Task.WhenAll(
            Task.Run(() => world.RunCutoff().RunAsync(window.Id, Cutoff, Ct), Ct),
            Task.Run(() => world.RunCutoff().RunAsync(window.Id, Cutoff, Ct), Ct));

        Assert.Single(both, o => o.Value is { AlreadyHandled: false });
        Assert.Single(world.Queue.Enqueued);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal(1, await db.CutoffRuns.CountAsync(Ct));
    }

    [Fact]
    public async Task Cutoff_inside_a_freeze_promotes_nothing_and_says_which_freeze_on_each_candidate()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Cutoff);
        await world.AddFreezeAsync(new Freeze { Reason = "Spring festival", StartsAt = Now, EndsAt = Now.AddDays(7), ApplicationSlugs = ["orders-api"] });
        var frozen = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");
        var free = await world.AddCandidateAsync(world.Billing, CandidatePhase.Approved, "2.0.0");
        world.Time.SetUtcNow(Cutoff);

        var report = (await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct)).Value!;

        var c = await world.ReloadAsync(frozen.Id);
        Assert.Equal(CandidatePhase.Approved, c.Phase);
        Assert.Contains("Spring festival", Assert.Single(c.Events, e => e.Kind == "CutoffFrozen").Message);
        Assert.Equal("Spring festival", report.Applications.Single(a => a.Application == "orders-api").FrozenBy);
        // The freeze's scope is orders-api only: billing goes ahead.
        Assert.Equal([free.Id], world.Queue.Enqueued);
        Assert.Contains(await world.MailsAsync("cutoff"), m => m.TextBody.Contains("Nothing was promoted: frozen by 'Spring festival'"));
    }

    [Fact]
    public async Task An_override_lets_exactly_that_cutoff_through_the_freeze()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("daily", cron: "0 0 10 * * ?", apps: "orders-api");
        await world.AddFreezeAsync(new Freeze { Reason = "audit week", StartsAt = Now, EndsAt = Now.AddDays(7) });
        var first = DateTimeOffset.Parse("2027-03-01T10:00:00Z");
        var second = first.AddDays(1);

        var overridden = await world.OverrideCutoff().RunAsync(window.Id, first, "security fix CVE-2027-0001", Manager, Ct);
        Assert.False(overridden.IsRefused);

        var a = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");
        world.Time.SetUtcNow(first);
        var report = (await world.RunCutoff().RunAsync(window.Id, first, Ct)).Value!;
        Assert.Equal([a.Id], world.Queue.Enqueued);
        Assert.Contains("security fix CVE-2027-0001", report.Applications.Single().OverrideReason);
        Assert.Contains("was overridden", (await world.ReloadAsync(a.Id)).Events[^1].Message);

        var b = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.1.0", minutesAgo: -120);
        world.Time.SetUtcNow(second);
        await world.RunCutoff().RunAsync(window.Id, second, Ct);
        Assert.Equal(CandidatePhase.Approved, (await world.ReloadAsync(b.Id)).Phase);
        Assert.Equal([a.Id], world.Queue.Enqueued);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), e => e.Action == "cutoff.override" && e.Actor == Manager);
    }

    [Theory]
    [InlineData("2027-03-01T10:00:00Z", "", "reason")]
    [InlineData("2027-03-01T10:30:00Z", "because", "cutoffAt")]
    [InlineData("2027-03-08T10:00:00Z", "because", "cutoffAt")] // after the freeze: nothing to override
    public async Task A_bad_override_is_refused_naming_its_field_and_changes_nothing(string cutoffAt, string reason, string field)
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("daily", cron: "0 0 10 * * ?");
        await world.AddFreezeAsync(new Freeze { Reason = "audit week", StartsAt = Now, EndsAt = Now.AddDays(6) });
        var before = await world.CountsAsync();

        var outcome = await world.OverrideCutoff().RunAsync(window.Id, DateTimeOffset.Parse(cutoffAt), reason, Manager, Ct);

        Assert.Equal((RefusalCode.Invalid, field), (outcome.Refusal!.Code, outcome.Refusal.Field));
        Assert.Equal(before, await world.CountsAsync());
    }

    [Fact]
    public async Task Qa_cannot_override_a_cutoff()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("daily", cron: "0 0 10 * * ?");
        await world.AddFreezeAsync(new Freeze { Reason = "audit week", StartsAt = Now, EndsAt = Now.AddDays(6) });

        var outcome = await world.OverrideCutoff().RunAsync(window.Id, DateTimeOffset.Parse("2027-03-01T10:00:00Z"), "please", Qa1, Ct);

        Assert.Equal(RefusalCode.MissingRole, outcome.Refusal!.Code);
    }

    [Fact]
    public async Task A_window_scoped_to_some_applications_leaves_the_others_alone()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("billing only", Cutoff, apps: "billing");
        var orders = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");
        world.Time.SetUtcNow(Cutoff);

        var report = (await world.RunCutoff().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.Equal(["billing"], report.Applications.Select(a => a.Application));
        Assert.Equal(CandidatePhase.Approved, (await world.ReloadAsync(orders.Id)).Phase);
        Assert.Empty(await world.MailsAsync());
    }

    [Fact]
    public async Task An_instant_that_is_not_a_cutoff_of_the_window_is_refused()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Cutoff);

        var outcome = await world.RunCutoff().RunAsync(window.Id, Cutoff.AddMinutes(1), Ct);

        Assert.Equal((RefusalCode.Invalid, "cutoffAt"), (outcome.Refusal!.Code, outcome.Refusal.Field));
        Assert.Equal(0, (await world.CountsAsync()).Runs);
    }
}
