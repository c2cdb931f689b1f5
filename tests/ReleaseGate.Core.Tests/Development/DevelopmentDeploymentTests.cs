using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Integrations;

namespace ReleaseGate.Core.Tests;

/// <summary>
/// A develop build and its development environment, with a scripted registry and host (the real engine and the shipped
/// Jenkinsfile are in Web.Tests' DevelopStageTests): newest wins, the states' table, no candidate, the team told of a failure.
/// </summary>
public class DevelopmentDeploymentTests : IAsyncLifetime
{
    private const string KeyId = "jenkins-1";
    private const string BillingKeyId = "jenkins-billing";
    private static readonly string DigestA = "sha256:" + new string('a', 64), DigestB = "sha256:" + new string('b', 64);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
    private readonly Queue queue = new();
    private readonly Registry registry = new();
    private TestDatabase dbs = null!;

    private sealed class Registry : IImageRegistry
    {
        public Dictionary<string, string> Tags { get; } = [];
        public Task<string?> ResolveDigestAsync(string repository, string reference, CancellationToken ct) => Task.FromResult(Tags.GetValueOrDefault(reference));
    }

    private sealed class Queue : IDevelopmentQueue
    {
        public List<Guid> Queued { get; } = [];
        public Task EnqueueAsync(string application, Guid attempt, CancellationToken ct) { Queued.Add(attempt); return Task.CompletedTask; }
    }

    /// <summary>The test host as a script; <see cref="OnPull"/> runs while the image is pulled (a newer build arriving then).</summary>
    private sealed class Host(Exception? failHealth = null) : ITestHost
    {
        public List<string> Steps { get; } = [];
        public Func<Task>? OnPull { get; set; }
        public string PublicHost => "test-host.example.com";
        public async Task PullAsync(string image, CancellationToken ct) { Steps.Add($"pull {image}"); if (OnPull is { } a) await a(); }
        public Task RemoveAsync(TestContainer container, CancellationToken ct) { Steps.Add($"remove {container.Name} {DeployCandidate.Labels.EnvironmentOf(container.Labels)}"); return Task.CompletedTask; }
        public Task<string> StartAsync(TestContainer container, CancellationToken ct) { Steps.Add($"start {container.Image} :{container.PublishedPort}"); return Task.FromResult("c1"); }
        public Task WaitHealthyAsync(string containerId, TestContainer container, CancellationToken ct) =>
            failHealth is not null ? throw failHealth : Task.CompletedTask;
    }

    public async ValueTask InitializeAsync()
    {
        dbs = await TestDatabase.CreateAsync();
        await using var db = dbs.CreateDbContext();
        var app = Build.Application();
        app.Development = new TestEnvironmentSpec { ContainerName = "orders-api-dev", PublishedPort = 19080 };
        db.Applications.Add(app);
        db.Applications.Add(Build.Application("billing")); // no development environment
        db.Integrations.Add(new Integration { KeyId = KeyId, ProtectedSecret = "x", CreatedAt = time.GetUtcNow(), Applications = ["orders-api", "billing"] });
        db.Integrations.Add(new Integration { KeyId = BillingKeyId, ProtectedSecret = "y", CreatedAt = time.GetUtcNow(), Applications = ["billing"] });
        await db.SaveChangesAsync(Ct);
        (registry.Tags["57"], registry.Tags["58"], registry.Tags["56"]) = (DigestA, DigestB, DigestA);
    }

    public async ValueTask DisposeAsync() => await dbs.DisposeAsync();

    private Task<Outcome<DevelopmentRegistration>> SendAsync(int build, string app = "orders-api", string key = KeyId) =>
        new RegisterDevelopmentBuild(dbs, registry, queue, new RecordedChanges(), time).RunAsync(
            new DevelopmentBuild(app, $"127.0.0.1:5001/{app}", build.ToString(), null, "9fceb02d0ae598e95dc970b74767f19372d61af8", "develop", build,
                $"https://jenkins.example.com/job/{app}/{build}/"), key, Ct);

    private DeployDevelopment Deploy(ITestHost host) => new(dbs, host, new RecordedChanges(), time, new PortalLinks(new Uri("http://portal.example.com/")));

    private async Task<DevelopmentDeployment> CurrentAsync()
    {
        await using var db = dbs.CreateDbContext();
        return await db.DevelopmentDeployments.AsNoTracking().SingleAsync(Ct);
    }

    [Fact]
    public async Task The_newest_build_wins_and_an_older_one_arriving_late_changes_nothing()
    {
        var first = (await SendAsync(57)).Value!;
        var newer = (await SendAsync(58)).Value!;
        var late = (await SendAsync(56)).Value!;

        Assert.True(first.Taken);
        Assert.True(newer.Taken);
        Assert.False(late.Taken);
        var current = await CurrentAsync();
        Assert.Equal((58, DigestB, DevelopmentState.Queued), (current.BuildNumber, current.Digest, current.State));
        Assert.Equal([first.Deployment.Attempt, newer.Deployment.Attempt], queue.Queued); // the late one queued nothing
        Assert.False((await SendAsync(58)).Value!.Taken); // the same build again, while it has not failed
    }

    [Fact]
    public async Task A_key_for_other_applications_cannot_send_a_develop_build()
    {
        var refused = await SendAsync(57, key: BillingKeyId);

        Assert.Equal((RefusalCode.MissingRole, "application"), (refused.Refusal!.Code, refused.Refusal.Field));
        Assert.Empty(queue.Queued);
        await using var db = dbs.CreateDbContext();
        Assert.Equal(0, await db.DevelopmentDeployments.CountAsync(Ct));
    }

    [Fact]
    public async Task A_develop_build_makes_no_candidate_and_is_refused_where_no_development_environment_is_declared()
    {
        await SendAsync(57);
        var refused = await SendAsync(57, "billing");

        Assert.Equal((RefusalCode.NoDevelopmentEnvironment, "application"), (refused.Refusal!.Code, refused.Refusal.Field));
        await using var db = dbs.CreateDbContext();
        Assert.Equal(0, await db.Candidates.CountAsync(Ct));
        Assert.Equal(1, await db.DevelopmentDeployments.CountAsync(Ct));
    }

    [Fact]
    public async Task A_deployment_goes_Queued_Deploying_Running_in_its_own_container_and_port()
    {
        var attempt = (await SendAsync(57)).Value!.Deployment.Attempt;
        var host = new Host();

        Assert.True(await Deploy(host).RunAsync("orders-api", attempt, Ct));

        var current = await CurrentAsync();
        Assert.Equal(DevelopmentState.Running, current.State);
        Assert.Equal("http://test-host.example.com:19080/", current.Url);
        Assert.Equal(time.GetUtcNow(), current.DeployedAt);
        Assert.Equal([$"pull 127.0.0.1:5001/orders-api@{DigestA}", "remove orders-api-dev development", $"start 127.0.0.1:5001/orders-api@{DigestA} :19080"], host.Steps);
        await using var db = dbs.CreateDbContext();
        Assert.Contains(await db.AuditEvents.Select(a => a.Action).ToListAsync(Ct), a => a == "development.deployed");
        Assert.Empty(await db.Outbox.ToListAsync(Ct));
    }

    [Fact]
    public async Task A_newer_build_arriving_during_the_deployment_stops_the_older_one()
    {
        var older = (await SendAsync(57)).Value!.Deployment.Attempt;
        var host = new Host { OnPull = () => SendAsync(58) };

        await Deploy(host).RunAsync("orders-api", older, Ct);

        Assert.Single(host.Steps); // pulled, then saw build 58 had taken over: no container of 57 started
        var current = await CurrentAsync();
        Assert.Equal((58, DevelopmentState.Queued), (current.BuildNumber, current.State));
        Assert.False(await Deploy(new Host()).RunAsync("orders-api", older, Ct)); // 57's trigger, run late, does nothing
    }

    [Fact]
    public async Task A_failed_deployment_mails_the_team_and_the_same_build_may_be_sent_again()
    {
        var attempt = (await SendAsync(57)).Value!.Deployment.Attempt;

        await Deploy(new Host(new TestDeploymentException("The container did not become healthy within 60 s.", "boom"))).RunAsync("orders-api", attempt, Ct);

        var current = await CurrentAsync();
        Assert.Equal((DevelopmentState.Failed, "boom"), (current.State, current.LogTail));
        await using var db = dbs.CreateDbContext();
        var mail = await db.Outbox.SingleAsync(Ct);
        Assert.Equal(["team@example.com"], mail.To);
        Assert.Contains("development deployment failed", mail.Subject);
        Assert.True((await SendAsync(57)).Value!.Taken); // a retried develop build deploys again after a failure
    }

    public static TheoryData<DevelopmentState, DevelopmentState> Moves()
    {
        var data = new TheoryData<DevelopmentState, DevelopmentState>();
        foreach (var from in Enum.GetValues<DevelopmentState>())
            foreach (var to in Enum.GetValues<DevelopmentState>()) data.Add(from, to);
        return data;
    }

    // The table, written out once more: Queued → Deploying → Running | Failed; a newer build queues from anywhere.
    private static readonly HashSet<(DevelopmentState, DevelopmentState)> Allowed =
    [
        (DevelopmentState.Queued, DevelopmentState.Queued), (DevelopmentState.Queued, DevelopmentState.Deploying),
        (DevelopmentState.Deploying, DevelopmentState.Queued), (DevelopmentState.Deploying, DevelopmentState.Running), (DevelopmentState.Deploying, DevelopmentState.Failed),
        (DevelopmentState.Running, DevelopmentState.Queued), (DevelopmentState.Failed, DevelopmentState.Queued),
    ];

    [Theory]
    [MemberData(nameof(Moves))]
    public void Only_the_tables_moves_are_allowed_and_a_wrong_one_throws(DevelopmentState from, DevelopmentState to)
    {
        var d = new DevelopmentDeployment { ApplicationId = 1, Application = Build.Application() };
        d.Take(new DevelopmentBuild("orders-api", "r", "57", null, "c", "develop", 57, "u"), DigestA, time.GetUtcNow());
        if (from != DevelopmentState.Queued) d.MoveTo(DevelopmentState.Deploying, time.GetUtcNow());
        if (from is DevelopmentState.Running or DevelopmentState.Failed) d.MoveTo(from, time.GetUtcNow());

        Assert.Equal(Allowed.Contains((from, to)), DevelopmentStates.Allows(from, to));
        if (Allowed.Contains((from, to))) d.MoveTo(to, time.GetUtcNow());
        else Assert.Throws<DevelopmentTransitionException>(() => d.MoveTo(to, time.GetUtcNow()));
    }
}
