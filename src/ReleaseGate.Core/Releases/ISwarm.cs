using ReleaseGate.Core.Applications;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// The production Swarm (port; the Swarm adapter fills it). Start creates the service when it does not exist yet;
/// every call that changes a service sends the version it read, so a change by someone else is refused, not overwritten.
/// </summary>
public interface ISwarm
{
    Task<SwarmStart> StartAsync(ServiceDeployment deployment, CancellationToken ct);
    Task<SwarmObservation> ObserveAsync(string service, CancellationToken ct);
    /// <summary>Sends the spec again, which is how Swarm continues a paused update.</summary>
    Task<SwarmStart> ResumeAsync(ServiceDeployment deployment, CancellationToken ct);
    /// <summary>Back to <paramref name="previousImage"/>: Swarm's own rollback when its previous spec runs that image.</summary>
    Task<SwarmStart> RollbackAsync(string service, string previousImage, CancellationToken ct);
    Task ScaleAsync(string service, int replicas, CancellationToken ct);
    Task RemoveAsync(string service, CancellationToken ct);
    Task<IReadOnlyList<SwarmNode>> ListNodesAsync(CancellationToken ct);
    Task<IReadOnlyList<SwarmServiceInfo>> ListServicesAsync(CancellationToken ct);
    Task<SwarmServiceInfo?> InspectAsync(string service, CancellationToken ct);
    Task<IReadOnlyList<SwarmTask>> ListTasksAsync(string service, CancellationToken ct);
}

/// <summary>What a rollout asks of Swarm: the image pinned by digest, the application's policy and service settings.</summary>
public sealed record ServiceDeployment(string Service, string Image, RolloutPolicy Policy, SwarmServiceSpec Spec)
{
    /// <summary>The application's slug, written on the service as <see cref="SwarmLabels.Application"/>.</summary>
    public string Application { get; init; } = "";
}

/// <summary>The labels the portal writes on every service it creates or rolls out: what marks a service as the portal's.</summary>
public static class SwarmLabels
{
    public const string Managed = "com.releasegate.managed", Application = "com.releasegate.application";
    /// <summary>Written by earlier versions on the services they created (its value the service's name).</summary>
    public const string Legacy = "releasegate.application";
}

/// <summary>What Swarm said when the update was sent: created or updated, and the update status found before it.</summary>
public sealed record SwarmStart(bool Created, string? PreviousImage, DateTimeOffset? PreviousUpdateStartedAt, long Version);

/// <summary>One look at a service: its spec's image, Swarm's update status and its tasks as `docker service ps` lists them.</summary>
public sealed record SwarmObservation(
    bool Exists, string? Image, int DesiredReplicas, string? UpdateState, string? UpdateMessage, DateTimeOffset? UpdateStartedAt,
    IReadOnlyList<SwarmTask> Tasks)
{
    /// <summary>When Swarm marked the update completed (its own clock): how late the portal noticed is measured from it.</summary>
    public DateTimeOffset? UpdateCompletedAt { get; init; }
    /// <summary>The service's update monitor period as Swarm applies it (its default when the spec leaves it unset).</summary>
    public TimeSpan? UpdateMonitor { get; init; }

    public static readonly SwarmObservation Missing = new(false, null, 0, null, null, null, []);
}

public sealed record SwarmTask(string Id, int Slot, string Node, string Image, string DesiredState, string State, string Message,
    string? Error, DateTimeOffset At)
{
    public bool Running => State == "running" && DesiredState == "running";
    /// <summary>
    /// The digests (repo digests) of the image the task's container was made from, as the engine reports them; null when
    /// the engine could not inspect the container (it has none yet, or it runs on another node).
    /// </summary>
    public IReadOnlyList<string>? ContainerDigests { get; init; }
}

public sealed record SwarmNode(string Id, string Hostname, string Role, string Availability, string Status, string EngineVersion, bool Leader);

public sealed record SwarmServiceInfo(
    string Name, string Mode, int Running, int Desired, string Image, string? UpdateState, string? UpdateMessage,
    string UpdateConfig, IReadOnlyList<string> Ports, IReadOnlyList<string> EnvNames)
{
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>The engine could not be reached, or refused; the message is Swarm's.</summary>
public class SwarmException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The service changed since it was read: someone else updated it.</summary>
public sealed class SwarmConflictException(string message, Exception? inner = null) : SwarmException(message, inner);

/// <summary>Whether a smoke URL answers 2xx (port; an HTTP adapter fills it). Null when it does, else what went wrong.</summary>
public interface ISmokeTest
{
    Task<string?> ProbeAsync(string url, CancellationToken ct);
}
