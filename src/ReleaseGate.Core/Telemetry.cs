using System.Diagnostics;

namespace ReleaseGate.Core;

/// <summary>
/// Spans of the gate's work (register, deploy, sign-off, cutoff, promote, rollout, mail) on the BCL's ActivitySource,
/// so Core needs no telemetry package: the host decides whether anyone listens and where the spans go.
/// </summary>
public static class Telemetry
{
    public const string SourceName = "ReleaseGate";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for one step (null when nobody listens), tagged with the candidate it concerns.</summary>
    public static Activity? Start(string step, Guid? candidateId = null)
    {
        var span = Source.StartActivity($"releasegate.{step}");
        if (candidateId is { } id) span?.SetTag("releasegate.candidate.id", id.ToString());
        return span;
    }

    /// <summary>Tags the span with the refusal's code, if any, and hands the outcome on.</summary>
    public static Outcome<T> Ended<T>(this Activity? span, Outcome<T> outcome)
    {
        if (outcome.Refusal is { } refusal) span?.SetTag("releasegate.refusal", refusal.Code.ToString());
        return outcome;
    }
}
