namespace ReleaseGate.Core.Development;

/// <summary>Queues a durable deployment of an application's development environment (port; a Quartz job fills it).</summary>
public interface IDevelopmentQueue
{
    /// <param name="attempt">The build taken in (<see cref="DevelopmentDeployment.Attempt"/>); a newer one makes it moot.</param>
    Task EnqueueAsync(string application, Guid attempt, CancellationToken ct);
}
