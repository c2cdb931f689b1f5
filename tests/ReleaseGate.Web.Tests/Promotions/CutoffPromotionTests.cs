using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// Quartz for real: a release window due in a few seconds fires, and the approved candidate's signed digest is copied
/// to the real production registry and released, exactly once; also across a portal stopped over the cutoff.
/// </summary>
public class CutoffPromotionTests
{
    private static readonly TimeSpan Deploy = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An application whose approved candidate waits for a cutoff; registry-only unless it names a service.</summary>
    private static async Task<Guid> ApprovedCandidateAsync(ApiPortal portal, string slug, string swarmService = "")
    {
        await portal.SeedDemoAsync(slug);
        await using (var db = portal.CreateDb())
        {
            var app = await db.Applications.SingleAsync(a => a.Slug == slug, Ct);
            app.SwarmService = swarmService;
            await db.SaveChangesAsync(Ct);
        }
        await portal.CreateUserAsync($"qa-{slug}@example.com", Roles.QA);
        await portal.CreateUserAsync($"rm-{slug}@example.com", Roles.ReleaseManager);
        var id = await portal.RegisterAsync(slug, "127.0.0.1:5001/demo/web:v1", 1);
        var c = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff);
        using var scope = portal.Services.CreateScope();
        var signed = await scope.ServiceProvider.GetRequiredService<SignOffCandidate>()
            .RunAsync(new SignOffRequest(id, $"qa-{slug}@example.com", SignOffDecision.Approve, "fine", c.Digest, c.ConcurrencyToken), Ct);
        Assert.Equal(CandidatePhase.Approved, signed.Value?.Phase);
        return id;
    }

    private static async Task<int> WindowAtAsync(ApiPortal portal, string slug, DateTimeOffset cutoffAt)
    {
        using var scope = portal.Services.CreateScope();
        var saved = await scope.ServiceProvider.GetRequiredService<SaveReleaseWindow>()
            .RunAsync(new ReleaseWindowForm(null, $"{slug} window", cutoffAt, null, "Asia/Shanghai", [slug]), $"rm-{slug}@example.com", Ct);
        Assert.False(saved.IsRefused, saved.Refusal?.Message);
        return saved.Value!.Id;
    }

    private static async Task<string?> ProductionDigestAsync(string slug)
    {
        using var http = new HttpClient();
        var production = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5002"), null, null));
        return (await production.ResolveAsync(slug, "v1", Ct))?.Digest;
    }

    [Fact]
    public async Task A_window_due_in_seconds_fires_and_releases_the_signed_digest_exactly_once()
    {
        await using var portal = new ApiPortal();
        var slug = $"cutoff-{Guid.NewGuid():N}"[..20];
        var id = await ApprovedCandidateAsync(portal, slug);

        var windowId = await WindowAtAsync(portal, slug, DateTimeOffset.UtcNow.AddSeconds(6));

        var released = await portal.WaitForPhaseAsync(id, TimeSpan.FromSeconds(60), CandidatePhase.Released, CandidatePhase.Errored);
        Assert.Equal(CandidatePhase.Released, released.Phase);
        Assert.Equal(released.Digest, await ProductionDigestAsync(slug));
        await Task.Delay(TimeSpan.FromSeconds(6), Ct); // two more trigger syncs: nothing may fire again
        await using var db = portal.CreateDb();
        Assert.Equal(1, await db.CutoffRuns.CountAsync(r => r.WindowId == windowId && r.Kind == CutoffRun.Cutoff, Ct));
        var release = await db.Releases.SingleAsync(r => r.CandidateId == id, Ct);
        Assert.Equal(released.Digest, release.Digest);
        Assert.Equal(1, await db.Promotions.CountAsync(p => p.CandidateId == id, Ct));
        var json = System.Text.Json.JsonDocument.Parse(await (await portal.Api().GetAsync($"/api/v1/candidates/{id}")).Content.ReadAsStringAsync(Ct));
        var promotion = json.RootElement.GetProperty("promotion");
        Assert.Equal(promotion.GetProperty("bytesTotal").GetInt64(), promotion.GetProperty("bytesCopied").GetInt64());
        Assert.Equal(released.Digest, promotion.GetProperty("productionDigest").GetString());
    }

    [Fact]
    public async Task A_swarm_application_whose_swarm_cannot_be_reached_ends_errored_never_released()
    {
        await using var portal = new ApiPortal();
        portal.Settings["ReleaseGate:Swarm:DockerHost"] = "unix:///nonexistent/docker.sock";
        var slug = $"swarm-{Guid.NewGuid():N}"[..20];
        var id = await ApprovedCandidateAsync(portal, slug, swarmService: slug);

        await WindowAtAsync(portal, slug, DateTimeOffset.UtcNow.AddSeconds(4));

        var errored = await portal.WaitForPhaseAsync(id, TimeSpan.FromSeconds(60), CandidatePhase.Errored, CandidatePhase.Released);
        Assert.Equal(CandidatePhase.Errored, errored.Phase);
        Assert.Contains(errored.Events, e => e.Kind == nameof(CandidatePhase.Errored) && e.Message.Contains("could not be reached"));
        Assert.Equal(errored.Digest, await ProductionDigestAsync(slug)); // copied, but not reported as released
        await using var db = portal.CreateDb();
        Assert.False(await db.Releases.AnyAsync(r => r.CandidateId == id && r.Outcome == Core.Releases.ReleaseOutcome.Succeeded, Ct));
    }

    [Fact]
    public async Task A_portal_stopped_across_a_cutoff_handles_it_once_when_started_again()
    {
        var slug = $"down-{Guid.NewGuid():N}"[..20];
        string database;
        Guid id;
        int windowId;
        await using (var first = new ApiPortal { KeepDatabase = true })
        {
            database = first.DatabasePath;
            id = await ApprovedCandidateAsync(first, slug);
            windowId = await WindowAtAsync(first, slug, DateTimeOffset.UtcNow.AddSeconds(8));
            await Task.Delay(TimeSpan.FromSeconds(5.5), Ct); // the trigger is stored; then the portal goes down
        }
        await Task.Delay(TimeSpan.FromSeconds(5), Ct); // the cutoff passes while nothing runs

        await using var second = new ApiPortal { KeepDatabase = false };
        second.Settings["ReleaseGate:Database:ConnectionString"] = $"Data Source={database}";
        await using (var db = second.CreateDb())
            Assert.Equal(CandidatePhase.Approved, (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase);

        var released = await second.WaitForPhaseAsync(id, TimeSpan.FromSeconds(60), CandidatePhase.Released, CandidatePhase.Errored);
        Assert.Equal(CandidatePhase.Released, released.Phase);
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        await using var read = second.CreateDb();
        Assert.Equal(1, await read.CutoffRuns.CountAsync(r => r.WindowId == windowId && r.Kind == CutoffRun.Cutoff, Ct));
        Assert.Single(await read.Releases.Where(r => r.CandidateId == id).ToListAsync(Ct));
    }
}
