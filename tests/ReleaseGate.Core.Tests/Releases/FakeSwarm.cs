using ReleaseGate.Core.Releases;

namespace ReleaseGate.Core.Tests.Releases;

/// <summary>A scripted Swarm: each look returns the next observation (the last one repeats), or throws what it is given.</summary>
internal sealed class FakeSwarm : ISwarm
{
    public SwarmStart Start { get; set; } = new(false, "127.0.0.1:5002/orders-api:1.4.1@sha256:old", Earlier, 10);
    public static readonly DateTimeOffset Earlier = DateTimeOffset.Parse("2027-02-01T08:00:00Z");
    public Queue<Func<SwarmObservation>> Looks { get; } = new();
    private Func<SwarmObservation>? last;
    public List<string> Calls { get; } = [];

    public void Then(SwarmObservation seen) => Looks.Enqueue(() => seen);
    public void ThenUnreachable() => Looks.Enqueue(() => throw new SwarmException("connection refused"));

    public Task<SwarmStart> StartAsync(ServiceDeployment d, CancellationToken ct) { Calls.Add($"start {d.Image}"); return Task.FromResult(Start); }
    public Task<SwarmObservation> ObserveAsync(string service, CancellationToken ct)
    {
        if (Looks.Count > 0) last = Looks.Dequeue();
        return Task.FromResult(last!());
    }
    public Task<SwarmStart> ResumeAsync(ServiceDeployment d, CancellationToken ct) { Calls.Add($"resume {d.Image}"); return Task.FromResult(Start with { PreviousUpdateStartedAt = DateTimeOffset.Parse("2027-03-01T08:00:05Z") }); }
    public Task<SwarmStart> RollbackAsync(string service, string previousImage, CancellationToken ct) { Calls.Add($"rollback {previousImage}"); return Task.FromResult(Start); }
    public Task ScaleAsync(string service, int replicas, CancellationToken ct) { Calls.Add($"scale {service} {replicas}"); return Task.CompletedTask; }
    public Task RemoveAsync(string service, CancellationToken ct) { Calls.Add($"remove {service}"); return Task.CompletedTask; }
    public Task<IReadOnlyList<SwarmNode>> ListNodesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<SwarmNode>>([]);
    public Task<IReadOnlyList<SwarmServiceInfo>> ListServicesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<SwarmServiceInfo>>([]);
    public Task<SwarmServiceInfo?> InspectAsync(string service, CancellationToken ct) => Task.FromResult<SwarmServiceInfo?>(null);
    public Task<IReadOnlyList<SwarmTask>> ListTasksAsync(string service, CancellationToken ct) => Task.FromResult<IReadOnlyList<SwarmTask>>([]);
}

internal sealed class FakeSmoke : ISmokeTest
{
    public string? Problem { get; set; }
    public Task<string?> ProbeAsync(string url, CancellationToken ct) => Task.FromResult(Problem);
}

internal sealed class RecordedWatch : IRolloutWatch
{
    public List<(long ReleaseId, TimeSpan After)> Looks { get; } = [];
    public Task LookAgainAsync(long releaseId, TimeSpan after, CancellationToken ct) { Looks.Add((releaseId, after)); return Task.CompletedTask; }
}
