namespace ReleaseGate.Core.Releases;

/// <summary>Looks at a release's rollout again after a while (port; a durable Quartz trigger fills it).</summary>
public interface IRolloutWatch
{
    Task LookAgainAsync(long releaseId, TimeSpan after, CancellationToken ct);
}
