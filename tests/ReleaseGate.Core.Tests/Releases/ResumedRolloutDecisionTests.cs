using ReleaseGate.Core.Releases;

namespace ReleaseGate.Core.Tests.Releases;

/// <summary>
/// After a resume Swarm may show no update at all (it ends a paused update when the unchanged spec is sent again), while
/// a crashing image's task restarts now and then: found in Chromium (PausedRolloutInBrowserTests), decided here.
/// </summary>
public class ResumedRolloutDecisionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2027-03-01T08:00:00Z");
    private const string Digest = "sha256:d64c48406457c9b7cc3e2ad749ca04a9a05891619334c5806ef89adc0779fa29";
    private static readonly string Image = $"127.0.0.1:5002/orders-api:1.1.0@{Digest}";

    private static Rollout Resumed() => new()
    {
        ReleaseId = 1, Service = "orders-api", Image = Image, Digest = Digest, StartedAt = Now.AddMinutes(-1), Deadline = Now.AddMinutes(2),
        PreviousUpdateStartedAt = Now.AddSeconds(-40), // the paused update: a resume makes it the earlier one
    };

    private static SwarmObservation NoUpdateWithTaskRunningFor(double seconds) => new(true, Image, 1, null, null, null,
        [new SwarmTask("t9", 1, "node-1", Image, "running", "running", "running", null, Now.AddSeconds(-seconds))]);

    [Fact]
    public void A_task_that_just_restarted_after_a_resume_is_not_yet_a_release()
    {
        var decision = RolloutDecision.Decide(Resumed(), NoUpdateWithTaskRunningFor(0.5), Now, TimeSpan.FromSeconds(2));

        Assert.Equal(RolloutVerdict.Watching, decision.Verdict);
    }

    [Fact]
    public void A_task_that_outlived_the_monitor_period_after_a_resume_is_released()
    {
        var decision = RolloutDecision.Decide(Resumed(), NoUpdateWithTaskRunningFor(3), Now, TimeSpan.FromSeconds(2));

        Assert.Equal(RolloutVerdict.Converged, decision.Verdict);
    }

    [Fact]
    public void A_service_the_rollout_created_is_released_as_soon_as_its_tasks_run()
    {
        var created = Resumed();
        created.Created = true;

        Assert.Equal(RolloutVerdict.Converged, RolloutDecision.Decide(created, NoUpdateWithTaskRunningFor(0.5), Now, TimeSpan.FromSeconds(2)).Verdict);
    }
}
