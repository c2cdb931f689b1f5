using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Data.Sqlite;
using ReleaseGate.Registry;

namespace ReleaseGate.Faults;

/// <summary>
/// Everything a release chain runs on, owned by one test: a portal process, its own staging and production registries, its
/// own SMTP sink, and applications whose Swarm services already run an older image. <see cref="DriveAsync"/> takes one
/// application through register (the Jenkins script) → test deployment → sign-off (a QA's token) → release now (a release
/// manager's token) → promotion → rollout, riding out a portal that is down meanwhile, as Jenkins and people would.
/// </summary>
public sealed class ChainWorld : IAsyncDisposable
{
    public static readonly string[] Final = ["Released", "RolledBack", "RolloutPaused", "Errored", "DeployFailed", "Rejected", "Superseded"];
    private static readonly HttpClient Shared = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly RegistryClient InfraStaging = new(Shared, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string RunId { get; } = Guid.NewGuid().ToString("N")[..6];
    public required PortalProcess Portal { get; init; }
    public required OwnRegistry Staging { get; init; }
    public required OwnRegistry Production { get; init; }
    public required MailSink Mail { get; init; }
    public List<string> Applications { get; } = [];
    public string QaToken { get; private set; } = "";
    public string RmToken { get; private set; } = "";
    /// <summary>
    /// What every service runs before its release: the same web:v1, named by the shared staging registry, so the release
    /// changes the spec's image (a real rolling update) without a health check per container loading the engine.
    /// </summary>
    public static string OldImage => $"127.0.0.1:5001/demo/web:v1@{Infra.WebV1Digest}";
    public static string Digest => Infra.WebV1Digest;

    public string Slug(int i) => $"fl{RunId}{i:00}";
    public string ImageOf(string slug) => $"{Production.Authority}/{slug}:v1@{Digest}";

    /// <summary>Registries, sink and the portal's settings; <paramref name="count"/> applications declared and their services running the old image.</summary>
    public static async Task<ChainWorld> CreateAsync(int count, int replicas = 1, int delaySeconds = 0)
    {
        var world = new ChainWorld
        {
            Portal = new PortalProcess(), Staging = await OwnRegistry.StartAsync(), Production = await OwnRegistry.StartAsync(), Mail = new MailSink().Start(),
        };
        try
        {
            await world.PrepareAsync(count, replicas, delaySeconds);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    private async Task PrepareAsync(int count, int replicas, int delaySeconds)
    {
        Portal.Environment["ReleaseGate__Registries__Staging"] = Staging.Url.ToString();
        Portal.Environment["ReleaseGate__Registries__Production"] = Production.Url.ToString();
        Portal.Environment["ReleaseGate__Smtp__Port"] = Mail.Port.ToString();
        var yaml = new StringBuilder("applications:\n");
        for (var i = 0; i < count; i++)
        {
            var slug = Slug(i);
            Applications.Add(slug);
            yaml.Append($"""
                  - slug: {slug}
                    stagingRepository: {Staging.Authority}/faults/{slug}
                    productionRepository: {Production.Authority}/{slug}
                    swarmService: {slug}
                    qaEmails: [qa-{slug}@faults.example]
                    teamEmails: [team-{slug}@faults.example]
                    testEnvironment: {"{"} containerName: {slug}-test, publishedPort: {MailSink.FreePort()}, healthTimeoutSeconds: 30 {"}"}
                    rollout: {"{"} parallelism: 1, delaySeconds: {delaySeconds}, monitorSeconds: 1, timeoutSeconds: 180 {"}"}
                    swarm: {"{"} replicas: {replicas}, stopGracePeriodSeconds: 1 {"}"}

                """);
        }
        await File.WriteAllTextAsync(Portal.ApplicationsFile, yaml.ToString(), Ct);
        await Task.WhenAll(Applications.Select(async slug =>
        {
            await ImageCopy.CopyAsync(InfraStaging, "demo/web", Staging.Client, $"faults/{slug}", Digest, "v1", ct: Ct);
            await CreateServiceAsync(slug, replicas);
        }));
        // One at a time: each command's start syncs the applications file, and two at once collide.
        await Portal.AdminAsync("create-user", "--email", "qa@faults.example", "--roles", "QA");
        await Portal.AdminAsync("create-user", "--email", "rm@faults.example", "--roles", "ReleaseManager");
        QaToken = await Portal.TokenAsync("qa@faults.example");
        RmToken = await Portal.TokenAsync("rm@faults.example");
    }

    public static DockerClient Engine() => new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();

    private static async Task CreateServiceAsync(string slug, int replicas)
    {
        using var docker = Engine();
        await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = new ServiceSpec
        {
            Name = slug, Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)replicas } },
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec { Image = OldImage, StopGracePeriod = TimeSpan.FromSeconds(1) },
                RestartPolicy = new SwarmRestartPolicy { Condition = "any", Delay = TimeSpan.FromSeconds(1) },
            },
        } }, Ct);
    }

    // ---- the chain ------------------------------------------------------------------------------------------

    /// <summary>One application's release from registration to its end; answers the candidate's id.</summary>
    public async Task<string> DriveAsync(string slug, int build = 1)
    {
        var id = await SubmitAsync(slug, build);
        if (await SignOffAsync(id)) await ReleaseNowAsync(slug, id);
        await WaitAsync(id, Final);
        return id;
    }

    /// <summary>QA approves the tested digest once the candidate awaits sign-off; false when it ended before that.</summary>
    public async Task<bool> SignOffAsync(string id)
    {
        if (await WaitAsync(id, ["AwaitingSignOff", .. Final]) != "AwaitingSignOff") return false;
        await PostAsync(id, $"/api/v1/candidates/{id}/approvals", QaToken, $$"""{"digest":"{{Digest}}","comment":"tested"}""", "AwaitingSignOff");
        return await WaitAsync(id, ["Approved", .. Final]) == "Approved";
    }

    /// <summary>A release manager's "release now" of the approved candidate.</summary>
    public Task ReleaseNowAsync(string slug, string id) =>
        PostAsync(id, $"/api/v1/applications/{slug}/release-now", RmToken, """{"reason":"fault test"}""", "Approved");

    /// <summary>The Jenkins callback script, as the pipeline runs it: it retries while the portal is unreachable.</summary>
    public async Task<string> SubmitAsync(string slug, int build, int retries = 10)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "scripts/jenkins/releasegate.sh"), "submit",
            "--application", slug, "--image", $"{Staging.Authority}/faults/{slug}:v1", "--commit", "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "--build-number", build.ToString(), "--build-url", $"https://jenkins.example.com/job/{slug}/{build}/",
            "--submitted-by", "dev@faults.example", "--print-id"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["RELEASEGATE_URL"] = Portal.Url.ToString();
        start.Environment["RELEASEGATE_KEY_ID"] = PortalProcess.KeyId;
        start.Environment["RELEASEGATE_SECRET"] = PortalProcess.Secret;
        start.Environment["RELEASEGATE_RETRIES"] = retries.ToString();
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync(Ct);
        var stderr = p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"submit {slug} exited {p.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }

    /// <summary>
    /// A person's POST, retried while the portal is down or restarting; a refusal is fine when the candidate has moved
    /// past <paramref name="before"/> (the first try went through and only its answer was lost).
    /// </summary>
    private async Task PostAsync(string id, string path, string token, string json, string before)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Portal.Url, path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await Shared.SendAsync(request, Ct);
                if (response.IsSuccessStatusCode) return;
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    if (State(id).Phase != before) return;
                    throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested) { }
            if (DateTime.UtcNow > until) throw new TimeoutException($"POST {path} never went through");
            await Task.Delay(250, Ct);
        }
    }

    public async Task<string> WaitAsync(string id, string[] phases, int seconds = 120)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var (phase, progress) = State(id);
            if (phases.Contains(phase)) return phase;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{id} stayed {phase} ({progress}); waited for {string.Join(",", phases)}");
            await Task.Delay(200, Ct);
        }
    }

    // ---- what the chain left behind --------------------------------------------------------------------------

    // Read-write, though it only reads: a read-only connection cannot open a WAL database its killed writer left behind.
    private SqliteConnection Read()
    {
        var connection = new SqliteConnection($"Data Source={Portal.Database};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>A candidate's phase and progress, read from the database (also while the portal is down).</summary>
    public (string Phase, string? Progress) State(string id)
    {
        using var connection = Read();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Phase, Progress FROM Candidates WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id.ToUpperInvariant());
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : ("(none)", null);
    }

    /// <summary>The newest candidate of an application (by slug): what a kill found it doing; "(none)" before registration.</summary>
    public (string Phase, string? Progress) StateOfApplication(string slug)
    {
        using var connection = Read();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT c.Phase, c.Progress FROM Candidates c JOIN Applications a ON a.Id = c.ApplicationId WHERE a.Slug = $slug ORDER BY c.RegisteredAt DESC LIMIT 1";
        command.Parameters.AddWithValue("$slug", slug);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : ("(none)", null);
    }

    /// <summary>A candidate's timeline: each event's kind and its seconds after the first.</summary>
    public string Timeline(string id)
    {
        using var connection = Read();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Kind, At FROM CandidateEvents WHERE CandidateId = $id ORDER BY At, Id";
        command.Parameters.AddWithValue("$id", id.ToUpperInvariant());
        using var reader = command.ExecuteReader();
        var events = new List<(string Kind, long At)>();
        while (reader.Read()) events.Add((reader.GetString(0), reader.GetInt64(1)));
        return string.Join(", ", events.Select(e => $"{e.Kind} +{TimeSpan.FromTicks(e.At - events[0].At).TotalSeconds:0.0}"));
    }

    /// <summary>The rollout's looks in a row that could not reach Swarm, and what it says.</summary>
    public (long FailedLooks, string Message) RolloutOf(string id)
    {
        using var connection = Read();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT FailedLooks, Message FROM Rollouts WHERE CandidateId = $id";
        command.Parameters.AddWithValue("$id", id.ToUpperInvariant());
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, "");
    }

    /// <summary>The candidate's last timeline message, to say why a chain ended otherwise.</summary>
    public string LastEvent(string id)
    {
        using var connection = Read();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Kind || ': ' || Message FROM CandidateEvents WHERE CandidateId = $id ORDER BY At DESC, Id DESC LIMIT 1";
        command.Parameters.AddWithValue("$id", id.ToUpperInvariant());
        return command.ExecuteScalar() as string ?? "";
    }

    /// <summary>A number from the database; $id is the candidate id as stored (upper case).</summary>
    public long Count(string sql, string id = "")
    {
        using var connection = Read();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id.ToUpperInvariant());
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Until the outbox holds nothing unsent and the sink has taken it all.</summary>
    public async Task SettleMailAsync(int seconds = 90)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (Count("SELECT COUNT(*) FROM Outbox WHERE SentAt IS NULL") > 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("mail stayed in the outbox");
            await Task.Delay(250, Ct);
        }
        await Task.Delay(500, Ct);
    }

    /// <summary>The service after its release: image, the image its previous spec ran, update state and every task's image.</summary>
    public async Task<ServiceState> ServiceAsync(string slug)
    {
        using var docker = Engine();
        var s = await docker.Swarm.InspectServiceAsync(slug, Ct);
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [slug] = true } },
        }, Ct);
        return new ServiceState(s.Spec?.TaskTemplate?.ContainerSpec?.Image, s.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image, s.UpdateStatus?.State,
            tasks.Select(t => (t.Spec!.ContainerSpec!.Image!, t.Status?.State?.ToString().ToLowerInvariant() ?? "")).ToList());
    }

    /// <summary>Mails of one application: (recipients, subject) with the slug written as APP → how many Message-Ids and deliveries.</summary>
    public Dictionary<string, (int Ids, int Deliveries)> MailsOf(string slug) => Mail.Received
        .Where(m => (m.Subject ?? "").Contains(slug) || m.To.ToString().Contains(slug))
        .GroupBy(m => $"{string.Join(",", m.To.Mailboxes.Select(b => b.Address).Order())} | {m.Subject}".Replace(slug, "APP"))
        .ToDictionary(g => g.Key, g => (g.Select(m => m.MessageId).Distinct().Count(), g.Count()));

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("ReleaseGate.sln not found above the test binaries");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        using (var docker = Engine())
            foreach (var slug in Applications)
                try { await docker.Swarm.RemoveServiceAsync(slug); } catch (DockerApiException) { }
        await TestContainers.RemoveAsync(Applications);
        await Mail.DisposeAsync();
        await Staging.DisposeAsync();
        await Production.DisposeAsync();
    }
}

public sealed record ServiceState(string? Image, string? PreviousImage, string? UpdateState, List<(string Image, string State)> Tasks);
