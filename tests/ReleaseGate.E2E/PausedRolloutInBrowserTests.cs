using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>
/// A rollout Swarm really paused (an image that runs on the test host but exits in production, failure action pause),
/// resumed or rolled back by a release manager from the candidate page's rollout panel.
/// </summary>
[Collection(GateCollection.Name)]
public class PausedRolloutInBrowserTests(GatePortal portal)
{
    /// <summary>1.0.0 released, then 1.1.0 approved and released now until Swarm pauses it; answers 1.1.0's id.</summary>
    private async Task<string> PausedAsync(string slug)
    {
        Assert.Equal("Released", (await portal.ReleaseAsync(slug, "1.0.0", 1)).Phase);
        var (id, phase) = await portal.ReleaseAsync(slug, "1.1.0", 2);
        Assert.Equal("RolloutPaused", phase);
        return id;
    }

    private async Task<IPage> RolloutPanelAsync(string id)
    {
        var page = await portal.SignedInPageAsync(GatePortal.Rm, GatePortal.Password);
        await page.SetViewportSizeAsync(1440, 1100);
        await LivePortal.OpenAsync(page, Guid.Parse(id));
        await Assertions.Expect(page.Locator("#rollout-message")).ToContainTextAsync("Swarm paused the update");
        return page;
    }

    [Fact]
    public async Task Resume_from_the_rollout_panel_watches_again_and_a_task_that_still_exits_is_never_taken_for_released()
    {
        var id = await PausedAsync(portal.Pausing[0]);
        var page = await RolloutPanelAsync(id);
        await LivePortal.ShotAsync(page, "rollout-paused-en-US");

        await page.Locator("#rollout-resume").ClickAsync();

        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync($"Rollout resumed by {GatePortal.Rm}.");
        // Swarm ends a paused update when the unchanged spec comes again and restarts the task now and then; it exits at
        // once, so nothing outlives the monitor period and the rollout ends at its timeout (30 s), never Released.
        var ended = await portal.WaitAsync(id, GatePortal.Final, seconds: 90);
        Assert.True(ended.GetProperty("phase").GetString() == "Errored", ended.ToString());
        Assert.DoesNotContain(ended.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "Released");
        await Assertions.Expect(page.Locator("#candidate-phase .phase-chip")).ToHaveAttributeAsync("data-phase", "Errored");
        await Assertions.Expect(page.Locator("#rollout-message")).ToContainTextAsync("did not finish within its timeout");
        await Assertions.Expect(page.Locator("#rollout-retry")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Roll_back_from_the_rollout_panel_ends_rolled_back_and_swarm_runs_the_previous_release_again()
    {
        var slug = portal.Pausing[1];
        var id = await PausedAsync(slug);
        var page = await RolloutPanelAsync(id);

        await page.Locator("#rollout-rollback").ClickAsync();

        await Assertions.Expect(page.Locator("#candidate-phase .phase-chip")).ToHaveAttributeAsync("data-phase", "RolledBack");
        await Assertions.Expect(page.Locator("#rollout-message")).ToContainTextAsync($"Rolled back by {GatePortal.Rm}");
        await GatePortal.RunsAsync(slug, GatePortal.Env("RG_IMAGE_WEB_V1_DIGEST"));
        await LivePortal.ShotAsync(page, "rollout-rolled-back-en-US");
        await page.Context.CloseAsync();
        var (_, releases) = await portal.CallAsync(HttpMethod.Get, $"/api/v1/applications/{slug}/releases");
        Assert.Equal(["RolledBack", "Succeeded"], releases.EnumerateArray().Select(r => r.GetProperty("outcome").GetString()));
    }
}
