using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Registry;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Adapters.Docker;

/// <summary>The test Docker host, through Docker.DotNet: pull by digest, replace, start, wait for health.</summary>
public sealed class DockerTestHost(
    IOptions<TestEnvironmentSettings> settings, IOptions<RegistriesSettings> registries, TimeProvider time, ILogger<DockerTestHost> log,
    ReleaseGate.Core.Applications.ISecretValues? secrets = null)
    : ITestHost, IDisposable
{
    private readonly ReleaseGate.Core.Applications.ISecretValues secretValues = secrets ?? new Secrets.EnvironmentSecrets();

    // Most services answer within a second: ask often at first, then back off.
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(500);
    // Connected on first use: a bad certificate then fails a deployment with a reason, not the portal's start.
    private readonly Lazy<DockerClient> engine = new(() => DockerEngine.Connect(settings.Value.DockerHost, settings.Value.TlsCertificatesPath));
    private DockerClient docker => engine.Value;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    // Images of the containers a deployment replaced, per application and environment: removed once the new one runs.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Reference, string Id)[]> replacedImages = new();

    public string PublicHost => settings.Value.PublicHost;

    public async Task PullAsync(string image, CancellationToken ct)
    {
        var reference = ImageReference.Parse(image);
        // A digest names one content for good: if the host has it, there is nothing to fetch.
        if (reference.Digest is not null && await Engine($"look for {image}", () => HasImageAsync(image, ct))) return;
        string? error = null;
        await Engine($"pull {image}", () => docker.Images.CreateImageAsync(
            new ImagesCreateParameters { FromImage = reference.RepositoryReference, Tag = reference.Digest ?? reference.Tag },
            AuthFor(reference.Registry),
            new Progress<JSONMessage>(m => error ??= m.Error?.Message),
            ct));
        if (error is not null) throw new TestDeploymentException($"The test host could not pull {image}: {error}");
    }

    private async Task<bool> HasImageAsync(string image, CancellationToken ct)
    {
        try
        {
            await docker.Images.InspectImageAsync(image, ct);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    public async Task RemoveAsync(TestContainer container, CancellationToken ct)
    {
        var (containerName, application) = (container.Name, container.Labels[DeployCandidate.Labels.Application]);
        var environment = DeployCandidate.Labels.EnvironmentOf(container.Labels);
        var byName = await Engine("list containers", () => docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [$"^/{containerName}$"] = true } },
        }, ct));
        var byLabel = await Engine("list containers", () => docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DeployCandidate.Labels.Application}={application}"] = true } },
        }, ct));
        // The application's containers of the other environment stay: a development deployment never replaces the test one.
        byLabel = byLabel.Where(c => DeployCandidate.Labels.EnvironmentOf(c.Labels?.AsReadOnly()) == environment).ToList();
        replacedImages[Owner(container)] = byName.Concat(byLabel).Where(c => !string.IsNullOrEmpty(c.ImageID)).Select(c => (c.Image, c.ImageID)).Distinct().ToArray();
        foreach (var id in byName.Concat(byLabel).Select(c => c.ID).Distinct())
        {
            log.LogInformation("Removing {Environment} container {Id} of {Application}", environment, id[..12], application);
            await Engine("remove the previous container", () => docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, ct));
        }
    }

    public async Task<string> StartAsync(TestContainer c, CancellationToken ct)
    {
        var port = $"{c.ContainerPort}/tcp";
        // Secret variables are read now and handed to the container only: never logged, never kept.
        var environment = ReleaseGate.Core.Applications.SecretVariable.Resolve(c.Environment, secretValues);
        if (environment.FirstOrDefault(kv => kv.Value is null).Key is { } missing)
            throw new TestDeploymentException($"The secret variable {missing} reads {c.Environment[missing]} from the portal's environment, which does not set it.");
        var created = await Engine($"create {c.Name}", () => docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = c.Name,
            Image = c.Image,
            Env = environment.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            Labels = new Dictionary<string, string>(c.Labels),
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>> { [port] = [new PortBinding { HostPort = c.PublishedPort.ToString() }] },
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
            },
        }, ct));
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        }
        catch (DockerApiException e) when (e.Message.Contains("port is already allocated") || e.Message.Contains("address already in use"))
        {
            throw new TestDeploymentException($"Port {c.PublishedPort} on the test host is already taken by something else; free it or give the application another published port.", inner: e);
        }
        catch (DockerApiException e)
        {
            throw new TestDeploymentException($"The test host could not start {c.Name}: {Short(e)}", await LogTailAsync(created.ID), e);
        }
        await RemoveReplacedImagesAsync(Owner(c), created.ID, ct);
        return created.ID;
    }

    /// <summary>An application's environment on this host: its test container, or its development one.</summary>
    private static string Owner(TestContainer c) => $"{c.Labels[DeployCandidate.Labels.Application]}/{DeployCandidate.Labels.EnvironmentOf(c.Labels)}";

    /// <summary>The test host keeps only the images it runs: the previous candidate's goes once the new one started.</summary>
    private async Task RemoveReplacedImagesAsync(string application, string containerId, CancellationToken ct)
    {
        if (!replacedImages.TryRemove(application, out var images) || images.Length == 0) return;
        var running = (await docker.Containers.InspectContainerAsync(containerId, ct)).Image;
        // By the reference we pulled (repository@digest): it untags only ours, and the image goes with its last reference.
        foreach (var (image, _) in images.Where(i => i.Id != running))
        {
            try
            {
                await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = false }, ct);
                log.LogInformation("Removed the replaced image {Image} of {Application}", image, application);
            }
            catch (DockerApiException e)
            {
                // Still used by another container (or already gone): keeping it is right.
                log.LogDebug("Kept image {Image}: {Reason}", image, e.Message);
            }
        }
    }

    public async Task WaitHealthyAsync(string containerId, TestContainer c, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + c.HealthTimeout;
        var first = await Engine("inspect the container", () => docker.Containers.InspectContainerAsync(containerId, ct));
        var hasHealthcheck = first.Config?.Healthcheck?.Test is { Count: > 0 } test && test[0] != "NONE";
        string lastProblem = "no answer yet";
        var poll = FirstPoll;
        while (true)
        {
            var state = (await Engine("inspect the container", () => docker.Containers.InspectContainerAsync(containerId, ct))).State
                ?? throw new TestDeploymentException("The test host did not report the container's state.");
            if (!state.Running || state.Restarting)
                throw new TestDeploymentException(
                    $"The container stopped right after it started (exit code {state.ExitCode}){(string.IsNullOrEmpty(state.Error) ? "" : ": " + state.Error)}.",
                    await LogTailAsync(containerId));
            if (hasHealthcheck)
            {
                if (state.Health?.Status == "healthy") return;
                // "unhealthy" may still turn healthy (a slow start): only the timeout decides.
                lastProblem = $"the image's health check says '{state.Health?.Status}'"
                    + (state.Health?.Log?.LastOrDefault()?.Output is { Length: > 0 } output ? $": {output.Trim()}" : "");
            }
            else
            {
                try
                {
                    using var response = await http.GetAsync(c.HealthUrl, ct);
                    if (response.IsSuccessStatusCode) return;
                    lastProblem = $"GET {c.HealthUrl} answered {(int)response.StatusCode}";
                }
                catch (HttpRequestException e) { lastProblem = $"GET {c.HealthUrl} failed: {e.Message}"; }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { lastProblem = $"GET {c.HealthUrl} timed out"; }
            }
            if (time.GetUtcNow() >= deadline)
                throw new TestDeploymentException($"The container did not become healthy within {c.HealthTimeout.TotalSeconds:0} s ({lastProblem}).", await LogTailAsync(containerId));
            await Task.Delay(poll, time, ct);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LongestPoll.Ticks));
        }
    }

    /// <summary>The container's last log lines, for the person reading why a deployment failed.</summary>
    private async Task<string> LogTailAsync(string containerId)
    {
        try
        {
            using var stream = await docker.Containers.GetContainerLogsAsync(containerId, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "30" }, CancellationToken.None);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            return (stdout + stderr).Trim();
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            return $"(logs unavailable: {e.Message})";
        }
    }

    /// <summary>
    /// The test engine pulls staging images with the pull-only credential given for that use, and nothing else: never the
    /// portal's own staging credential, never production's.
    /// </summary>
    private AuthConfig? AuthFor(string registry)
    {
        var r = registries.Value;
        return string.Equals(registry, r.StagingAuthority, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(r.StagingPullUserName)
            ? new AuthConfig { Username = r.StagingPullUserName, Password = SettingsCheck.ReadSecret(r.StagingPullPassword, r.StagingPullPasswordFile), ServerAddress = registry }
            : null;
    }

    /// <summary>An engine call whose failure a person can read: which step, on which host, and why.</summary>
    private async Task<T> Engine<T>(string step, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (DockerApiException e) { throw new TestDeploymentException($"The test host could not {step}: {Short(e)}", inner: e); }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException
                                   or System.Security.Cryptography.CryptographicException or System.Security.Authentication.AuthenticationException)
        {
            throw new TestDeploymentException($"The test host's Docker engine ({settings.Value.DockerHost}) cannot be reached to {step}: {e.Message}", inner: e);
        }
    }

    private async Task Engine(string step, Func<Task> call) => await Engine(step, async () => { await call(); return 0; });

    private static string Short(DockerApiException e) => e.ResponseBody is { Length: > 0 } body ? body.Trim() : e.Message;

    public void Dispose()
    {
        if (engine.IsValueCreated) engine.Value.Dispose();
        http.Dispose();
    }
}
