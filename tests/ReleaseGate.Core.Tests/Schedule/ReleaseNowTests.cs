using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Schedule;

public class ReleaseNowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Release_now_promotes_the_newest_approved_candidate_of_that_application_only()
    {
        await using var world = await CreateAsync();
        var orders = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");
        var billing = await world.AddCandidateAsync(world.Billing, CandidatePhase.Approved, "2.0.0");

        var outcome = await world.ReleaseNow().RunAsync("orders-api", "customer hotfix", Manager, ct: Ct);

        Assert.Equal(CutoffAction.Promote, Assert.Single(outcome.Value!.Candidates).Action);
        var c = await world.ReloadAsync(orders.Id);
        Assert.Equal(CandidatePhase.Promoting, c.Phase);
        Assert.Equal(Manager, c.Events[^1].Actor);
        Assert.Contains("customer hotfix", c.Events[^1].Message);
        Assert.Equal(CandidatePhase.Approved, (await world.ReloadAsync(billing.Id)).Phase);
        Assert.Equal([orders.Id], world.Queue.Enqueued);
        Assert.Single(await world.MailsAsync("cutoff"));
    }

    [Theory]
    [InlineData(CandidatePhase.AwaitingSignOff)]
    [InlineData(CandidatePhase.Promoting)]
    [InlineData(CandidatePhase.Errored)]
    public async Task Release_now_without_an_approved_candidate_is_refused_as_the_wrong_phase(CandidatePhase phase)
    {
        await using var world = await CreateAsync();
        await world.AddCandidateAsync(world.Orders, phase, "1.0.0");
        var before = await world.CountsAsync();

        var outcome = await world.ReleaseNow().RunAsync("orders-api", "hotfix", Manager, ct: Ct);

        Assert.Equal(RefusalCode.WrongPhase, outcome.Refusal!.Code);
        Assert.Equal(before, await world.CountsAsync());
        Assert.Empty(world.Queue.Enqueued);
    }

    [Fact]
    public async Task Release_now_inside_a_freeze_is_refused_unless_the_call_overrides_it_with_a_reason()
    {
        await using var world = await CreateAsync();
        await world.AddFreezeAsync(new Freeze { Reason = "year-end close", StartsAt = Now.AddHours(-1), EndsAt = Now.AddDays(2) });
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");

        var refused = await world.ReleaseNow().RunAsync("orders-api", "hotfix", Manager, ct: Ct);
        Assert.Equal(RefusalCode.Frozen, refused.Refusal!.Code);
        Assert.Contains("year-end close", refused.Refusal.Message);
        Assert.Empty(world.Queue.Enqueued);

        var done = await world.ReleaseNow().RunAsync("orders-api", "payments are down", Manager, overrideFreeze: true, Ct);
        Assert.Contains("payments are down", done.Value!.OverrideReason);
        Assert.Equal([c.Id], world.Queue.Enqueued);
        Assert.Contains("year-end close", (await world.ReloadAsync(c.Id)).Events[^1].Message);
    }

    [Theory]
    [InlineData(Qa1, "hotfix", RefusalCode.MissingRole)]
    [InlineData(DisabledManager, "hotfix", RefusalCode.AccountDisabled)]
    [InlineData(Manager, " ", RefusalCode.Invalid)]
    public async Task Release_now_is_for_an_enabled_release_manager_with_a_reason(string actor, string reason, RefusalCode code)
    {
        await using var world = await CreateAsync();
        await world.AddCandidateAsync(world.Orders, CandidatePhase.Approved, "1.0.0");

        var outcome = await world.ReleaseNow().RunAsync("orders-api", reason, actor, ct: Ct);

        Assert.Equal(code, outcome.Refusal!.Code);
        Assert.Empty(world.Queue.Enqueued);
    }
}
