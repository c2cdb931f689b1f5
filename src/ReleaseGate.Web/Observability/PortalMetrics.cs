using System.Diagnostics.Metrics;

namespace ReleaseGate.Web.Observability;

/// <summary>
/// The gate's own instruments, on a Meter from the host's IMeterFactory (so two portals in one test process keep
/// their figures apart). Durations are recorded where the jobs end; refusals in ApiProblems, the one place they pass.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "ReleaseGate";

    // Seconds: test deployments and copies take seconds to minutes, rollouts up to their timeout.
    private static readonly double[] StepBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

    private readonly Histogram<double> deploy;
    private readonly Histogram<double> promote;
    private readonly Histogram<double> rollout;
    private readonly Counter<long> refusals;

    public PortalMetrics(IMeterFactory meters, GateCounts counts)
    {
        var meter = meters.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets };
        deploy = meter.CreateHistogram("releasegate.deploy.duration", "s", "Time a test deployment ran, by the phase it ended in", advice: advice);
        promote = meter.CreateHistogram("releasegate.promote.duration", "s", "Time a copy to production ran, by the phase it ended in", advice: advice);
        rollout = meter.CreateHistogram("releasegate.rollout.duration", "s", "Time from a Swarm update's start to its decision, by outcome", advice: advice);
        refusals = meter.CreateCounter<long>("releasegate.api.refusals", "{refusal}", "API calls answered with a problem, by reason and status");
        meter.CreateObservableGauge("releasegate.candidates",
            () => counts.Read().ByPhase.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("phase", p.Key.ToString()))),
            "{candidate}", "Candidates in each phase");
        meter.CreateObservableGauge("releasegate.mail.queue", () => counts.Read().UnsentMail, "{mail}", "Mails in the outbox not yet taken by the SMTP server");
    }

    public void Deployed(TimeSpan took, string phase) => deploy.Record(took.TotalSeconds, Outcome(phase));
    public void Promoted(TimeSpan took, string phase) => promote.Record(took.TotalSeconds, Outcome(phase));
    public void RolledOut(TimeSpan took, string outcome) => rollout.Record(took.TotalSeconds, Outcome(outcome));

    public void Refused(string reason, int status) =>
        refusals.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("status", status));

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);
}
