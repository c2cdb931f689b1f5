using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>
/// Two replicas on one PostgreSQL: the portal in this process (A, with Chromium on its pages) and the portal as a
/// process of its own (B). They share only the database, so a page on A can learn of a change saved by B only
/// through PostgreSQL's NOTIFY, which A's listener hands to its open circuits.
/// </summary>
public class ReplicasInBrowserTests : IAsyncLifetime
{
    private readonly string database = PostgresServer.CreateDatabase();
    private ReplicaPortal a = null!;
    private PortalProcess b = null!;

    private sealed class ReplicaPortal(string connectionString) : LivePortal
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ReleaseGate:Database:Provider", "Postgres");
            builder.UseSetting("ReleaseGate:Database:ConnectionString", connectionString);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var connectionString = PostgresServer.ConnectionString(database);
        a = new ReplicaPortal(connectionString);
        await a.InitializeAsync();
        b = PortalProcess.Start(new Dictionary<string, string>
        {
            ["ReleaseGate__Database__Provider"] = "Postgres",
            ["ReleaseGate__Database__ConnectionString"] = connectionString,
        });
        await b.ReadyAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_sign_off_through_one_replica_shows_on_a_page_open_on_the_other_within_a_second()
    {
        var candidate = await SeedAwaitingSignOffAsync();
        var token = await QaTokenAsync("qa-replica@example.com");
        var page = await a.SignedInPageAsync();
        await page.GotoAsync($"/candidates/{candidate.Id}");
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
        var chip = page.Locator("#candidate-phase .phase-chip");
        await Assertions.Expect(chip).ToHaveAttributeAsync("data-phase", "AwaitingSignOff");

        using var http = new HttpClient { BaseAddress = b.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.PostAsync($"/api/v1/candidates/{candidate.Id}/approvals",
            new StringContent($$"""{"digest":"{{candidate.Digest}}"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var saved = Stopwatch.StartNew();
        Assert.Equal(201, (int)response.StatusCode);

        // A never reloads and B never talks to A: the approval arrives over A's circuit because B's NOTIFY reached A.
        await Assertions.Expect(chip).ToHaveAttributeAsync("data-phase", "Approved", new() { Timeout = 1000 });
        TestContext.Current.SendDiagnosticMessage($"Approved through B, shown on A after {saved.ElapsedMilliseconds} ms");
        await Assertions.Expect(page.Locator("#votes")).ToContainTextAsync("qa-replica@example.com");
        await page.Context.CloseAsync();
    }

    private async Task<string> QaTokenAsync(string email)
    {
        using var scope = a.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, "Qa-pass-1234")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.QA)).Succeeded);
        var outcome = await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync(email, email, "replicas", null, ReleaseGate.Core.Access.TokenScopes.Legacy);
        return outcome.Value!.Token;
    }

    private async Task<Candidate> SeedAwaitingSignOffAsync()
    {
        var slug = $"replica-{Guid.NewGuid():N}"[..16];
        await using var db = a.CreateDb();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var candidate = new Candidate
        {
            Application = new Application
            {
                Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
                SwarmService = slug, TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = PortalProcess.FreePort() },
            },
            Version = "1.0.0", Digest = "sha256:" + new string('d', 64), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            SubmittedBy = "dev@example.com", RegisteredAt = at,
        };
        candidate.MoveTo(CandidatePhase.Deploying, at, "system", "Deployment to the test host started.");
        candidate.MoveTo(CandidatePhase.AwaitingSignOff, at, "system", "Running in test; waiting for QA.");
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return candidate;
    }

    public async ValueTask DisposeAsync()
    {
        if (b is not null) await b.DisposeAsync();
        if (a is not null) await a.DisposeAsync();
        PostgresServer.DropDatabase(database);
        GC.SuppressFinalize(this);
    }
}
