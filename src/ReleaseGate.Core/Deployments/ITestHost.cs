namespace ReleaseGate.Core.Deployments;

/// <summary>What to run on the test host for one candidate.</summary>
public sealed record TestContainer(
    string Name, string Image, int PublishedPort, int ContainerPort,
    IReadOnlyDictionary<string, string> Environment, IReadOnlyDictionary<string, string> Labels,
    Uri HealthUrl, TimeSpan HealthTimeout);

/// <summary>A test deployment step that failed, with the reason a person reads and the container's last log lines.</summary>
public sealed class TestDeploymentException(string reason, string logTail = "", Exception? inner = null) : Exception(reason, inner)
{
    public string LogTail { get; } = logTail;
}

/// <summary>The test Docker host (port; Docker.DotNet fills it). Steps throw <see cref="TestDeploymentException"/>.</summary>
public interface ITestHost
{
    /// <summary>The host name QA's browser uses to reach published ports.</summary>
    string PublicHost { get; }

    Task PullAsync(string image, CancellationToken ct);

    /// <summary>
    /// Removes what <paramref name="container"/> replaces: the container of its name, and any labelled with its application
    /// in the same environment (test, or development: <see cref="DeployCandidate.Labels.Environment"/>).
    /// </summary>
    Task RemoveAsync(TestContainer container, CancellationToken ct);

    /// <summary>Creates and starts the container; returns its id.</summary>
    Task<string> StartAsync(TestContainer container, CancellationToken ct);

    /// <summary>Waits until healthy: the image's HEALTHCHECK when it has one, else a GET of the health URL.</summary>
    Task WaitHealthyAsync(string containerId, TestContainer container, CancellationToken ct);
}

/// <summary>Queues a durable deployment of a candidate (port; a Quartz job fills it).</summary>
public interface IDeploymentQueue
{
    Task EnqueueAsync(Guid candidateId, string application, CancellationToken ct);
}
