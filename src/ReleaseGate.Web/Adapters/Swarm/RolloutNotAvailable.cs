using ReleaseGate.Core.Promotions;

namespace ReleaseGate.Web.Adapters.Swarm;

/// <summary>
/// Fills the rollout port until the Swarm adapter exists: it says so, and the candidate ends Errored with this reason
/// instead of being reported as released. The image is already in the production registry by then.
/// </summary>
public sealed class RolloutNotAvailable : IRollout
{
    public const string Reason =
        "Rollout to Swarm is not available in this version of ReleaseGate: the signed digest is in the production registry, but the service was not updated.";

    public Task<RolloutStart> StartAsync(RolloutRequest request, CancellationToken ct) => Task.FromResult(RolloutStart.NotStarted(Reason));
}
