using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>
/// Two portal processes on one PostgreSQL behind the deployed HAProxy configuration, and a QA's page open on one of
/// them. That replica is SIGKILLed: the browser's circuit is gone with it, and nobody touches the page.
/// </summary>
public class ReplicaFailoverInBrowserTests : IAsyncLifetime
{
    private const string Qa = "qa-failover@example.com";
    private const string Password = "Qa-failover-1234";
    private readonly string database = PostgresServer.CreateDatabase();
    private readonly List<PortalProcess> replicas = [];
    private ReplicaProxy proxy = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string ConnectionString => PostgresServer.ConnectionString(database);

    public async ValueTask InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        // Started together, as Swarm starts a stack's replicas.
        for (var i = 0; i < 2; i++)
            replicas.Add(PortalProcess.Start(new Dictionary<string, string>
            {
                ["ReleaseGate__Database__Provider"] = "Postgres",
                ["ReleaseGate__Database__ConnectionString"] = ConnectionString,
            }));
        playwright = await Playwright.CreateAsync();
        browser = await LivePortal.LaunchChromiumAsync(playwright);
        await Task.WhenAll(replicas.Select(r => r.ReadyAsync(Ct)));
        proxy = await ReplicaProxy.StartAsync([.. replicas.Select(r => r.Port)]);
        TestContext.Current.SendDiagnosticMessage($"two replicas and the proxy ready after {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_page_whose_replica_is_killed_comes_back_by_itself_on_the_other_signed_in_and_live()
    {
        var candidate = await SeedAwaitingSignOffAsync();
        var token = await CreateQaWithTokenAsync();
        var page = await LivePortal.SignedInPageAsync(browser, proxy.Address, Qa, Password);
        await LivePortal.OpenAsync(page, candidate.Id);
        var chip = page.Locator("#candidate-phase .phase-chip");
        await Assertions.Expect(chip).ToHaveAttributeAsync("data-phase", "AwaitingSignOff");
        var serving = await proxy.ServerOfLastAsync("POST /_blazor/negotiate");
        Assert.NotNull(serving);
        var stickyBefore = await StickyCookieAsync(page);
        Assert.NotNull(stickyBefore);

        // A mark only this document carries: gone after a reload, kept by a mere reconnect.
        await page.EvaluateAsync("() => window.rgBeforeKill = true");
        var killed = Stopwatch.StartNew();
        await replicas[serving == "portal1" ? 0 : 1].KillAsync();

        // .NET 10's client tries to reconnect, reaches the survivor (HAProxy redispatches), which does not know the
        // circuit and has none persisted to resume; the client then reloads the page, which the survivor renders.
        await page.WaitForFunctionAsync("() => window.rgBeforeKill === undefined", null, new() { Timeout = 30_000, PollingInterval = 100 });
        // Still on the same page, not sent to the sign-in form: the survivor reads the cookie sealed by the dead replica
        // (the data-protection keys are in the database).
        Assert.EndsWith($"/candidates/{candidate.Id}", page.Url);
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        var recovered = killed.ElapsedMilliseconds;
        var survivor = serving == "portal1" ? "portal2" : "portal1";
        Assert.Equal(survivor, await proxy.ServerOfLastAsync("POST /_blazor/negotiate", s => s == survivor));
        Assert.NotEqual(stickyBefore, await StickyCookieAsync(page));
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync(Qa);
        await Assertions.Expect(chip).ToHaveAttributeAsync("data-phase", "AwaitingSignOff");
        await Assertions.Expect(page.Locator("#candidate-phase")).ToContainTextAsync("Awaiting sign-off");
        await LivePortal.ShotAsync(page, "replica-failover-recovered");

        // A sign-off made afterwards, through the proxy as a script would, shows live on the recovered page.
        using var http = new HttpClient { BaseAddress = proxy.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.PostAsync($"/api/v1/candidates/{candidate.Id}/approvals",
            new StringContent($$"""{"digest":"{{candidate.Digest}}"}""", Encoding.UTF8, "application/json"), Ct);
        var saved = Stopwatch.StartNew();
        Assert.Equal(201, (int)response.StatusCode);
        await Assertions.Expect(chip).ToHaveAttributeAsync("data-phase", "Approved", new() { Timeout = 3000 });
        await Assertions.Expect(page.Locator("#votes")).ToContainTextAsync(Qa);
        TestContext.Current.SendDiagnosticMessage(
            $"{serving} killed; the page was back on {survivor} after {recovered} ms; the sign-off showed after {saved.ElapsedMilliseconds} ms");
        await LivePortal.ShotAsync(page, "replica-failover-live");
        await page.Context.CloseAsync();
    }

    private static async Task<string?> StickyCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).SingleOrDefault(c => c.Name == "RG_REPLICA")?.Value;

    /// <summary>The QA and a personal access token, made by the same use cases as the Users page, on the shared database.</summary>
    private async Task<string> CreateQaWithTokenAsync()
    {
        var services = new ServiceCollection().AddLogging()
            .AddDbContextFactory<ReleaseGateDb>(o => o.UseNpgsql(ConnectionString, x => x.MigrationsAssembly("ReleaseGate.Migrations.Postgres")))
            .AddSingleton(TimeProvider.System).AddScoped<CreateUser>().AddScoped<CreateToken>();
        services.AddIdentityCore<PortalUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<ReleaseGateDb>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<CreateUser>().RunAsync(Qa, "QA", [Roles.QA], Acting.CommandLine, Password);
        Assert.False(created.IsRefused, created.Refusal?.ToString());
        return (await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync(Acting.CommandLine, Qa, "failover", null, ReleaseGate.Core.Access.TokenScopes.Legacy, Ct)).Value!.Token;
    }

    private async Task<Candidate> SeedAwaitingSignOffAsync()
    {
        var slug = $"failover-{Guid.NewGuid():N}"[..16];
        await using var db = new ReleaseGateDb(PostgresServer.Options(ConnectionString));
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var candidate = new Candidate
        {
            Application = new Application
            {
                Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
                SwarmService = "", TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = PortalProcess.FreePort() },
            },
            Version = "3.1.4", Digest = "sha256:" + new string('f', 64), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            SubmittedBy = "dev@example.com", RegisteredAt = at,
        };
        candidate.MoveTo(CandidatePhase.Deploying, at, "system", "Deployment to the test host started.");
        candidate.MoveTo(CandidatePhase.AwaitingSignOff, at, "system", "Running in test; waiting for QA.");
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync(Ct);
        return candidate;
    }

    public async ValueTask DisposeAsync()
    {
        if (proxy is not null) await proxy.DisposeAsync();
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        foreach (var replica in replicas) await replica.DisposeAsync();
        PostgresServer.DropDatabase(database);
        GC.SuppressFinalize(this);
    }
}
