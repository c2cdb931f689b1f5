using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Web.Adapters.Docker;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Adapters.Swarm;

/// <summary>
/// Follows the manager's event stream so a rollout's end is noticed when Swarm reports it, not at the next look: a
/// service event that changes its update state ("updatestate.new") schedules a look at once. The durable looks every
/// second stay the source of truth; this only makes them sooner, and a broken stream just reconnects. Events of services
/// no application names (other stacks on the Swarm) are dropped without asking the database for their rollouts.
/// </summary>
public sealed class SwarmEvents(IOptions<SwarmSettings> settings, IServiceScopeFactory scopes, TimeProvider time, ILogger<SwarmEvents> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ManagedServices managed = new(time, async () =>
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReleaseGateDb>();
        return (await db.Applications.Select(a => a.SwarmService).ToListAsync()).ToHashSet(StringComparer.Ordinal);
    });

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var warned = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var docker = DockerEngine.Connect(settings.Value.DockerHost, settings.Value.TlsCertificatesPath);
                var filter = new ContainerEventsParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["type"] = new Dictionary<string, bool> { ["service"] = true },
                        ["event"] = new Dictionary<string, bool> { ["update"] = true },
                    },
                };
                backoff = TimeSpan.FromSeconds(1);
                await docker.System.MonitorEventsAsync(filter, new Progress(this), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Without a Swarm (or while the engine restarts) rollouts are still watched every second: say it once.
                if (!warned) log.LogWarning("Swarm events unavailable ({Message}); rollouts are watched by polling until they return", e.Message);
                warned = true;
            }
            try { await Task.Delay(backoff, stop); } catch (OperationCanceledException) { return; }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    private async Task LookNowAsync(string service)
    {
        try
        {
            if (!await managed.ContainsAsync(service)) return;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReleaseGateDb>();
            var open = await db.Rollouts.Where(r => r.Service == service && !r.Finished).Select(r => r.ReleaseId).ToListAsync();
            var watch = scope.ServiceProvider.GetRequiredService<IRolloutWatch>();
            foreach (var releaseId in open) await watch.LookAgainAsync(releaseId, TimeSpan.Zero, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not look at the rollout of {Service} after a Swarm event", service);
        }
    }

    /// <summary>Called on the stream's reader: hand the look to the thread pool so the stream keeps flowing.</summary>
    private sealed class Progress(SwarmEvents owner) : IProgress<Message>
    {
        public void Report(Message m)
        {
            if (m.Actor?.Attributes is { } a && a.ContainsKey("updatestate.new") && a.TryGetValue("name", out var service))
                _ = Task.Run(() => owner.LookNowAsync(service));
        }
    }
}

/// <summary>
/// The Swarm services the applications name, read again when an unknown one shows up (at most every few seconds, so a
/// busy foreign stack costs one query per period, not one per event). A stale set only delays a look: an application
/// added or renamed on any replica is known at the next re-read, and one removed merely costs a query that finds nothing.
/// </summary>
internal sealed class ManagedServices(TimeProvider time, Func<Task<HashSet<string>>> read)
{
    public static readonly TimeSpan ReadAtMostEvery = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim reading = new(1, 1);
    private HashSet<string> names = [];
    private DateTimeOffset? readAt;

    public async Task<bool> ContainsAsync(string service)
    {
        if (names.Contains(service)) return true;
        await reading.WaitAsync();
        try
        {
            // Another event may have re-read while this one waited.
            if (names.Contains(service)) return true;
            if (readAt is { } at && time.GetUtcNow() - at < ReadAtMostEvery) return false;
            names = await read();
            readAt = time.GetUtcNow();
            return names.Contains(service);
        }
        finally
        {
            reading.Release();
        }
    }
}
