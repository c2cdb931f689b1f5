using Docker.DotNet;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

namespace ReleaseGate.E2E;

/// <summary>
/// A real rollout paused by Swarm (the crashing image, pause policy) seen in Chromium on the candidate page and the Swarm
/// page, in both languages; screenshots go to /tmp/rg-shots for a person to look at.
/// </summary>
public class RolloutInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>, IAsyncLifetime
{
    private const string Manager = "rm-rollout@example.com";
    private const string Password = "Manager-pass-1";
    private const string Shots = "/tmp/rg-shots";
    private readonly string slug = $"rg-shot-{Guid.NewGuid():N}"[..14];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? File.ReadLines("/var/lib/releasegate-infra/infra.env").Select(l => l.Split('=', 2)).Single(p => p[0] == name)[1];

    private async Task<Guid> ApprovedAsync(int appId, string tag, string digest)
    {
        // The voter must still be a QA when release-now re-checks the approval.
        await portal.CreateUserAsync("qa@example.com", Roles.QA, "Qa-pass-12345");
        await using var db = portal.CreateDb();
        var now = DateTimeOffset.UtcNow;
        var c = new Candidate { ApplicationId = appId, Version = tag, Digest = digest, Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8", SubmittedBy = "dev@example.com", RegisteredAt = now };
        c.MoveTo(CandidatePhase.Deploying, now, "system", "deployed");
        c.MoveTo(CandidatePhase.AwaitingSignOff, now, "system", "deployed");
        c.SignOffs.Add(new SignOff { CandidateId = c.Id, Digest = digest, User = "qa@example.com", Decision = SignOffDecision.Approve, At = now });
        c.MoveTo(CandidatePhase.Approved, now, "qa@example.com", "approved");
        db.Candidates.Add(c);
        await db.SaveChangesAsync(Ct);
        return c.Id;
    }

    private async Task<CandidatePhase> ReleaseNowAsync(Guid id)
    {
        using (var scope = portal.Services.CreateScope())
            Assert.False((await scope.ServiceProvider.GetRequiredService<ReleaseNow>().RunAsync(slug, "screenshots", Manager, ct: Ct)).IsRefused);
        var until = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await using var db = portal.CreateDb();
            var phase = (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase;
            if (phase is not (CandidatePhase.Approved or CandidatePhase.Promoting or CandidatePhase.RollingOut) || DateTime.UtcNow > until) return phase;
            await Task.Delay(300, Ct);
        }
    }

    [Fact]
    public async Task A_paused_rollout_and_the_swarm_page_in_english_and_chinese()
    {
        using var http = new HttpClient();
        var staging = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
        var (v1, bad) = (Env("RG_IMAGE_WEB_V1_DIGEST"), Env("RG_IMAGE_CRASHING_V1_DIGEST"));
        await ImageCopy.CopyAsync(staging, "demo/web", staging, $"shots/{slug}", v1, "1.4.1", ct: Ct);
        await ImageCopy.CopyAsync(staging, "demo/crashing", staging, $"shots/{slug}", bad, "1.4.2", ct: Ct);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var rm = new PortalUser { UserName = Manager, Email = Manager, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(rm, Password)).Succeeded);
            Assert.True((await users.AddToRolesAsync(rm, [Roles.ReleaseManager, Roles.Admin])).Succeeded);
        }
        var app = new Application
        {
            Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/shots/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug,
            TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = 18080 },
            Rollout = new RolloutPolicy { Parallelism = 1, DelaySeconds = 1, MonitorSeconds = 3, FailureAction = RolloutFailureAction.Pause },
            Swarm = new SwarmServiceSpec { Replicas = 3, StopGracePeriodSeconds = 1, EnvironmentVariables = new() { ["DATABASE_URL"] = "postgres://db/orders", ["LOG_LEVEL"] = "info" } },
        };
        await using (var db = portal.CreateDb()) { db.Applications.Add(app); await db.SaveChangesAsync(Ct); }
        Assert.Equal(CandidatePhase.Released, await ReleaseNowAsync(await ApprovedAsync(app.Id, "1.4.1", v1)));
        var paused = await ApprovedAsync(app.Id, "1.4.2", bad);
        Assert.Equal(CandidatePhase.RolloutPaused, await ReleaseNowAsync(paused));
        await Task.Delay(2000, Ct); // a few more failed tasks in the history

        Directory.CreateDirectory(Shots);
        foreach (var (locale, heading) in new[] { ("en-US", "Rollout to Swarm"), ("zh-CN", "滚动更新到 Swarm") })
        {
            var page = await portal.SignedInPageAsync(Manager, Password, locale);
            await page.SetViewportSizeAsync(1440, 1100);
            await page.GotoAsync($"/candidates/{paused}");
            await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            await Assertions.Expect(page.Locator("#rollout")).ToContainTextAsync(heading);
            await Assertions.Expect(page.Locator("#rollout-resume")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#rollout-tasks")).ToContainTextAsync("non-zero exit");
            await page.Locator("#rollout").ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"{Shots}/rollout-panel-{locale}.png", FullPage = true });

            await page.GotoAsync($"/swarm?service={slug}");
            await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            await Assertions.Expect(page.Locator("#service-detail")).ToContainTextAsync("DATABASE_URL");
            await Assertions.Expect(page.Locator("#service-detail")).Not.ToContainTextAsync("postgres://");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"{Shots}/swarm-page-{locale}.png", FullPage = true });
            await page.Context.CloseAsync();
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        using var docker = new DockerClientBuilder().WithEndpoint(new Uri(Env("DOCKER_HOST"))).Build();
        try { await docker.Swarm.RemoveServiceAsync(slug); } catch (DockerApiException) { }
    }
}
