using ReleaseGate.Core.Applications;

namespace ReleaseGate.Core.Promotions;

/// <summary>What the rollout needs: the service, the image pinned by digest, and the application's policy.</summary>
public sealed record RolloutRequest(Guid CandidateId, string Service, string Image, RolloutPolicy Policy);

/// <summary>The rollout began, or could not, with the reason a person reads.</summary>
public sealed record RolloutStart(bool Started, string Message)
{
    public static RolloutStart Began(string message = "") => new(true, message);
    public static RolloutStart NotStarted(string reason) => new(false, reason);
}

/// <summary>Starts a Swarm rolling update of production (port; the Swarm adapter fills it).</summary>
public interface IRollout
{
    Task<RolloutStart> StartAsync(RolloutRequest request, CancellationToken ct);
}
