using Docker.DotNet.Models;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Web.Adapters.Swarm;

/// <summary>The application's service settings and rollout policy in Swarm's terms, as `docker service create/update` writes them.</summary>
internal static class SwarmSpecs
{
    /// <summary>A new replicated service, ports published in host mode (the routing mesh is not assumed).</summary>
    public static ServiceSpec New(ServiceDeployment d, List<SecretReference> secrets) => new()
    {
        Name = d.Service,
        Labels = Labelled(new Dictionary<string, string>(), d),
        TaskTemplate = new TaskSpec
        {
            ContainerSpec = new ContainerSpec
            {
                Image = d.Image,
                Env = Env(d.Spec),
                Secrets = secrets.Count > 0 ? secrets : null,
                StopGracePeriod = TimeSpan.FromSeconds(Math.Max(0, d.Spec.StopGracePeriodSeconds)),
            },
            RestartPolicy = new SwarmRestartPolicy { Condition = "any", Delay = TimeSpan.FromSeconds(1) },
        },
        Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)Math.Max(0, d.Spec.Replicas) } },
        UpdateConfig = Update(d.Policy, rollback: false),
        RollbackConfig = Update(d.Policy, rollback: true),
        EndpointSpec = new EndpointSpec { Ports = d.Spec.PublishedPorts.Select(Port).ToList() },
    };

    /// <summary>The current spec with the new image and the application's policy; everything else stays as it is.</summary>
    /// <param name="secrets">With the environment applied: the secret variables' Docker secrets; null keeps both as they are.</param>
    public static ServiceSpec Updated(ServiceSpec current, ServiceDeployment d, List<SecretReference>? secrets)
    {
        var container = current.TaskTemplate!.ContainerSpec!;
        container.Image = d.Image;
        if (secrets is not null)
        {
            container.Env = Env(d.Spec);
            // Ours replaced (named after the service), anyone else's kept; a service without any is left as it was.
            var kept = (container.Secrets ?? []).Where(r => r.SecretName?.StartsWith(d.Service + "_", StringComparison.Ordinal) != true).ToList();
            if (kept.Count + secrets.Count > 0 || container.Secrets is { Count: > 0 }) container.Secrets = [.. kept, .. secrets];
        }
        current.Labels = Labelled(current.Labels ?? new Dictionary<string, string>(), d); // a declared service the portal updates is its own from now on
        current.UpdateConfig = Update(d.Policy, rollback: false);
        current.RollbackConfig = Update(d.Policy, rollback: true);
        return current;
    }

    /// <summary>The labels that mark a service as the portal's, and whose application it is.</summary>
    private static IDictionary<string, string> Labelled(IDictionary<string, string> labels, ServiceDeployment d)
    {
        labels[SwarmLabels.Managed] = "true";
        if (d.Application.Length > 0) labels[SwarmLabels.Application] = d.Application;
        return labels;
    }

    public static SwarmUpdateConfig Update(RolloutPolicy p, bool rollback) => new()
    {
        Parallelism = (ulong)Math.Max(0, p.Parallelism),
        Delay = TimeSpan.FromSeconds(Math.Max(0, p.DelaySeconds)),
        Monitor = TimeSpan.FromSeconds(Math.Max(0, p.MonitorSeconds)),
        MaxFailureRatio = (float)p.MaxFailureRatio,
        // A failed rollback pauses for a person; a failed update rolls back unless the policy says pause (or continue).
        FailureAction = rollback ? "pause" : p.FailureAction switch
        {
            RolloutFailureAction.Pause => "pause",
            RolloutFailureAction.Continue => "continue",
            _ => "rollback",
        },
        Order = p.Order == RolloutOrder.StartFirst ? "start-first" : "stop-first",
    };

    public static string ImageOf(ServiceSpec? spec) => spec?.TaskTemplate?.ContainerSpec?.Image ?? "";

    // A secret variable is a Docker secret's file, never a value in the spec: the variable names that file (NAME_FILE).
    private static List<string> Env(SwarmServiceSpec spec) => spec.EnvironmentVariables.Select(kv =>
        ReleaseGate.Core.Applications.SecretVariable.TryParse(kv.Value, out _) ? $"{kv.Key}_FILE=/run/secrets/{kv.Key}" : $"{kv.Key}={kv.Value}").ToList();

    /// <summary>"8080" or "18080:8080" (published:target), tcp, host mode.</summary>
    private static PortConfig Port(string text)
    {
        var parts = text.Split(':', 2);
        var target = uint.Parse(parts[^1]);
        return new PortConfig { Protocol = "tcp", TargetPort = target, PublishedPort = parts.Length == 2 ? uint.Parse(parts[0]) : target, PublishMode = "host" };
    }

    public static string Describe(SwarmUpdateConfig? u) => u is null ? "" :
        $"parallelism {u.Parallelism}, delay {u.Delay?.TotalSeconds ?? 0:0.#} s, monitor {u.Monitor?.TotalSeconds ?? 0:0.#} s, " +
        $"max failure ratio {u.MaxFailureRatio:0.##}, on failure {u.FailureAction}, order {u.Order}";
}
