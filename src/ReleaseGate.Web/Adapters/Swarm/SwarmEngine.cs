using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Releases;
using ReleaseGate.Web.Adapters.Docker;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Adapters.Swarm;

/// <summary>
/// The production Swarm through Docker.DotNet: every update sends the version it read (the engine refuses it when the
/// service changed meanwhile) and the production registry's credentials, so workers can pull the image.
/// </summary>
public sealed class SwarmEngine(IOptions<SwarmSettings> settings, IOptions<RegistriesSettings> registries,
    ReleaseGate.Core.Applications.ISecretValues? secrets = null) : ISwarm, IDisposable
{
    private readonly ReleaseGate.Core.Applications.ISecretValues secretValues = secrets ?? new Secrets.EnvironmentSecrets();

    // Connected on first use: a bad certificate then fails a rollout with a reason, not the portal's start.
    private readonly Lazy<DockerClient> engine = new(() => DockerEngine.Connect(settings.Value.DockerHost, settings.Value.TlsCertificatesPath));
    private DockerClient docker => engine.Value;

    public Task<SwarmStart> StartAsync(ServiceDeployment d, CancellationToken ct) => SendAsync(d, applyEnv: false, ct);

    public Task<SwarmStart> ResumeAsync(ServiceDeployment d, CancellationToken ct) => SendAsync(d, applyEnv: true, ct);

    private Task<SwarmStart> SendAsync(ServiceDeployment d, bool applyEnv, CancellationToken ct) => Call($"update {d.Service}", async () =>
    {
        if (await FindAsync(d.Service, ct) is not { } current)
        {
            // First release: the service is created as `docker service create` would, from the application's settings.
            await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = SwarmSpecs.New(d, await SecretsAsync(d, ct)), RegistryAuth = Auth()! }, ct);
            var created = await FindAsync(d.Service, ct);
            return new SwarmStart(true, null, null, (long)(created?.Version?.Index ?? 0));
        }
        var previousImage = SwarmSpecs.ImageOf(current.Spec);
        // Asked already (a start cut short by a crash before it was recorded): another update would make Swarm's previous
        // spec this one, and a rollback go nowhere. Its update status is ours, so none counts as an earlier one's.
        if (!applyEnv && previousImage == d.Image)
            return new SwarmStart(false, SwarmSpecs.ImageOf(current.PreviousSpec), null, (long)(current.Version?.Index ?? 0));
        await docker.Swarm.UpdateServiceAsync(current.ID!, new ServiceUpdateParameters
        {
            Service = SwarmSpecs.Updated(current.Spec!, d, applyEnv ? await SecretsAsync(d, ct) : null),
            Version = (long)(current.Version?.Index ?? 0),
            RegistryAuth = Auth()!,
        }, ct);
        return new SwarmStart(false, previousImage, current.UpdateStatus?.StartedAt is { } s ? Utc(s) : null, (long)(current.Version?.Index ?? 0));
    });

    /// <summary>
    /// The service's secret variables as Docker secrets, made on first need: named after the service, the variable and
    /// a hash of the content, so a changed value is a new secret (Swarm secrets cannot change) and the same value is reused.
    /// </summary>
    private async Task<List<SecretReference>> SecretsAsync(ServiceDeployment d, CancellationToken ct)
    {
        var wanted = ReleaseGate.Core.Applications.SecretVariable.In(d.Spec.EnvironmentVariables).ToList();
        if (wanted.Count == 0) return [];
        var existing = await docker.Secrets.ListAsync(ct);
        var references = new List<SecretReference>();
        foreach (var (variable, environmentName) in wanted)
        {
            var value = secretValues.Find(environmentName)
                ?? throw new SwarmException($"The secret variable {variable} reads {environmentName} from the portal's environment, which does not set it.");
            var bytes = System.Text.Encoding.UTF8.GetBytes(value);
            var name = $"{d.Service}_{variable}_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12]}";
            if (name.Length > 64) name = name[^64..];
            var id = existing.FirstOrDefault(x => x.Spec?.Name == name)?.ID
                ?? (await docker.Secrets.CreateAsync(new SwarmSecretSpec
                {
                    Name = name, Data = bytes,
                    Labels = new Dictionary<string, string> { ["releasegate.application"] = d.Service, ["releasegate.variable"] = variable },
                }, ct)).ID;
            references.Add(new SecretReference
            {
                SecretID = id, SecretName = name,
                File = new SecretReferenceFileTarget { Name = variable, UID = "0", GID = "0", Mode = 292 }, // 0444
            });
        }
        return references;
    }

    public Task<SwarmStart> RollbackAsync(string service, string previousImage, CancellationToken ct) => Call($"roll back {service}", async () =>
    {
        var current = await FindAsync(service, ct) ?? throw new SwarmException($"There is no service '{service}'.");
        var parameters = new ServiceUpdateParameters { Service = current.Spec!, Version = (long)(current.Version?.Index ?? 0), RegistryAuth = Auth()! };
        // Swarm keeps one previous spec: use it when it runs the image we came from, else go to that image directly.
        if (SwarmSpecs.ImageOf(current.PreviousSpec) == previousImage) parameters.Rollback = "previous";
        else current.Spec!.TaskTemplate!.ContainerSpec!.Image = previousImage;
        await docker.Swarm.UpdateServiceAsync(current.ID!, parameters, ct);
        return new SwarmStart(false, SwarmSpecs.ImageOf(current.Spec), current.UpdateStatus?.StartedAt is { } s ? Utc(s) : null, 0);
    });

    public Task<SwarmObservation> ObserveAsync(string service, CancellationToken ct) => Call($"inspect {service}", async () =>
    {
        if (await FindAsync(service, ct) is not { } s) return SwarmObservation.Missing;
        var tasks = await TasksAsync(s.ID!, ct);
        return new SwarmObservation(true, SwarmSpecs.ImageOf(s.Spec), (int)(s.Spec?.Mode?.Replicated?.Replicas ?? 0),
            s.UpdateStatus?.State, s.UpdateStatus?.Message, s.UpdateStatus?.StartedAt is { } started ? Utc(started) : null, tasks)
        {
            UpdateCompletedAt = s.UpdateStatus?.CompletedAt is { } completed && completed.Year > 1 ? Utc(completed) : null,
            // The engine sends no monitor when it is zero, and Swarm then applies its default (5 s).
            UpdateMonitor = s.Spec?.UpdateConfig?.Monitor is { } m && m > TimeSpan.Zero ? m : TimeSpan.FromSeconds(WatchRollout.SwarmDefaultMonitorSeconds),
        };
    });

    public Task<IReadOnlyList<SwarmTask>> ListTasksAsync(string service, CancellationToken ct) => Call($"list the tasks of {service}", async () =>
        await FindAsync(service, ct) is { } s ? await TasksAsync(s.ID!, ct) : (IReadOnlyList<SwarmTask>)[]);

    public Task ScaleAsync(string service, int replicas, CancellationToken ct) => Call($"scale {service}", async () =>
    {
        var current = await FindAsync(service, ct) ?? throw new SwarmException($"There is no service '{service}'.");
        current.Spec!.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)replicas } };
        await docker.Swarm.UpdateServiceAsync(current.ID!, new ServiceUpdateParameters { Service = current.Spec!, Version = (long)(current.Version?.Index ?? 0), RegistryAuth = Auth()! }, ct);
        return true;
    });

    public Task RemoveAsync(string service, CancellationToken ct) => Call($"remove {service}", async () =>
    {
        await docker.Swarm.RemoveServiceAsync(service, ct);
        return true;
    });

    public Task<IReadOnlyList<SwarmNode>> ListNodesAsync(CancellationToken ct) => Call("list the nodes", async () =>
        (IReadOnlyList<SwarmNode>)(await docker.Swarm.ListNodesAsync(ct)).Select(n => new SwarmNode(n.ID ?? "", n.Description?.Hostname ?? n.ID ?? "",
            n.Spec?.Role ?? "", n.Spec?.Availability ?? "", n.Status?.State ?? "", n.Description?.Engine?.EngineVersion ?? "",
            n.ManagerStatus?.Leader == true)).OrderBy(n => n.Hostname).ToList());

    public Task<IReadOnlyList<SwarmServiceInfo>> ListServicesAsync(CancellationToken ct) => Call("list the services", async () =>
        (IReadOnlyList<SwarmServiceInfo>)(await docker.Swarm.ListServicesAsync(new ServiceListParameters { Status = true }, ct))
            .Select(Info).OrderBy(s => s.Name).ToList());

    public Task<SwarmServiceInfo?> InspectAsync(string service, CancellationToken ct) => Call($"inspect {service}", async () =>
        await FindAsync(service, ct) is { } s ? Info(s) : null);

    private static SwarmServiceInfo Info(SwarmService s) => new(
        s.Spec?.Name ?? s.ID ?? "", s.Spec?.Mode?.Global is not null ? "global" : "replicated",
        (int)(s.ServiceStatus?.RunningTasks ?? 0), (int)(s.ServiceStatus?.DesiredTasks ?? s.Spec?.Mode?.Replicated?.Replicas ?? 0),
        SwarmSpecs.ImageOf(s.Spec), s.UpdateStatus?.State, s.UpdateStatus?.Message, SwarmSpecs.Describe(s.Spec?.UpdateConfig),
        (s.Endpoint?.Ports ?? s.Spec?.EndpointSpec?.Ports ?? []).Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.Protocol} ({p.PublishMode})").ToList(),
        // Names only: values may be secrets, and the Swarm page is read by everyone signed in.
        (s.Spec?.TaskTemplate?.ContainerSpec?.Env ?? []).Select(e => e.Split('=', 2)[0]).ToList())
    {
        Labels = new Dictionary<string, string>(s.Spec?.Labels ?? new Dictionary<string, string>()),
    };

    private async Task<SwarmService?> FindAsync(string service, CancellationToken ct)
    {
        try
        {
            var found = await docker.Swarm.InspectServiceAsync(service, ct);
            // Inspect also matches an ID prefix: only the exact name counts.
            return found.Spec?.Name == service ? found : null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<SwarmTask>> TasksAsync(string serviceId, CancellationToken ct)
    {
        var nodes = (await docker.Swarm.ListNodesAsync(ct)).ToDictionary(n => n.ID!, n => n.Description?.Hostname ?? n.ID);
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } },
        }, ct);
        var seen = new List<SwarmTask>(tasks.Count);
        foreach (var t in tasks)
        {
            var task = new SwarmTask(t.ID, (int)(t.Slot ?? 0), t.NodeID is { } n && nodes.TryGetValue(n, out var host) ? host : t.NodeID ?? "",
                t.Spec?.ContainerSpec?.Image ?? "", t.DesiredState?.ToString().ToLowerInvariant() ?? "", t.Status?.State?.ToString().ToLowerInvariant() ?? "",
                t.Status?.Message ?? "", string.IsNullOrEmpty(t.Status?.Err) ? null : t.Status!.Err,
                t.Status?.Timestamp is { } at ? Utc(at) : DateTimeOffset.MinValue);
            seen.Add(task.Running && t.Status?.ContainerStatus?.ContainerID is { Length: > 0 } container
                ? task with { ContainerDigests = await ContainerDigestsAsync(container, ct) } : task);
        }
        return seen;
    }

    // A container's image never changes: asked once per container (two engine calls), not at every look.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<string>> containerDigests = new();

    /// <summary>
    /// What the container really runs: the repo digests of the image it was made from, as the engine reports them. Null when
    /// this engine does not have the container (it runs on another node; only its own engine could tell).
    /// </summary>
    private async Task<IReadOnlyList<string>?> ContainerDigestsAsync(string containerId, CancellationToken ct)
    {
        if (containerDigests.TryGetValue(containerId, out var known)) return known;
        try
        {
            var container = await docker.Containers.InspectContainerAsync(containerId, ct);
            var image = await docker.Images.InspectImageAsync(container.Image, ct);
            var digests = (image.RepoDigests ?? []).Select(d => d[(d.IndexOf('@') + 1)..]).Where(d => d.StartsWith("sha256:", StringComparison.Ordinal)).Distinct().ToList();
            if (containerDigests.Count > 2000) containerDigests.Clear();
            return containerDigests[containerId] = digests;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private AuthConfig? Auth()
    {
        var r = registries.Value;
        // The pull-only credential given for the Swarm, never the push credential promotion copies with.
        return string.IsNullOrEmpty(r.ProductionPullUserName) ? null : new AuthConfig
        {
            Username = r.ProductionPullUserName, Password = SettingsCheck.ReadSecret(r.ProductionPullPassword, r.ProductionPullPasswordFile) ?? "",
            ServerAddress = r.ProductionAuthority,
        };
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc));

    /// <summary>Engine failures become Swarm's words; a stale version becomes a conflict, never a silent overwrite.</summary>
    private static async Task<T> Call<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DockerApiException e) when ((e.ResponseBody ?? "").Contains("out of sequence", StringComparison.OrdinalIgnoreCase))
        {
            throw new SwarmConflictException($"Swarm refused to {what}: {Short(e)}", e);
        }
        catch (DockerApiException e)
        {
            throw new SwarmException($"Swarm refused to {what}: {Short(e)}", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new SwarmException($"The Swarm manager could not be reached to {what}: {e.Message}", e);
        }
    }

    private static string Short(DockerApiException e) =>
        System.Text.Json.JsonDocument.Parse(e.ResponseBody is { Length: > 0 } b && b.TrimStart().StartsWith('{') ? b : "{}").RootElement
            .TryGetProperty("message", out var m) ? m.GetString() ?? e.Message : e.Message;

    public void Dispose()
    {
        if (engine.IsValueCreated) engine.Value.Dispose();
    }
}
