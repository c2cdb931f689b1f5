namespace ReleaseGate.Faults;

/// <summary>The production engine restarted in the middle of a rolling update: the portal waits for it and the rollout ends released, unaided.</summary>
public class EngineRestartTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rollout_across_an_engine_restart_is_released_without_a_person()
    {
        await using var world = await ChainWorld.CreateAsync(1, replicas: 2, delaySeconds: 2);
        await world.Portal.StartAsync();
        var slug = world.Applications[0];
        var id = await world.SubmitAsync(slug, 1);
        Assert.True(await world.SignOffAsync(id));
        await world.ReleaseNowAsync(slug, id);
        var until = DateTime.UtcNow.AddSeconds(90);
        while (world.Count("SELECT COUNT(*) FROM Rollouts WHERE CandidateId = $id AND State = 'updating'", id) == 0)
        {
            Assert.True(DateTime.UtcNow < until, $"the rollout never got under way: {world.State(id)}");
            await Task.Delay(100, Ct);
        }

        // What the rollout says while the engine is away: its longest run of looks that found no engine.
        using var watching = new CancellationTokenSource();
        var worst = (FailedLooks: 0L, Message: "");
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                if (world.RolloutOf(id) is var seen && seen.FailedLooks > worst.FailedLooks) worst = seen;
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);
        TimeSpan down;
        try
        {
            down = await SharedEngine.RestartAsync();
        }
        finally
        {
            await SharedEngine.EnsureUpAsync();
        }
        var unreachable = world.Count("SELECT COUNT(*) FROM CandidateEvents WHERE CandidateId = $id AND Kind = 'Errored'", id);
        var phase = await world.WaitAsync(id, ChainWorld.Final, 180);
        await watching.CancelAsync();
        await watcher;

        Assert.Equal("Released", phase);
        Assert.Equal(0, unreachable);
        var service = await world.ServiceAsync(slug);
        Assert.Equal(world.ImageOf(slug), service.Image);
        Assert.Equal(2, service.Tasks.Count(t => t.Image == world.ImageOf(slug) && t.State == "running"));
        var figure = $"figure: engine restarted during a rollout (down {down.TotalSeconds:0} s): {phase} without a person, " +
            $"{service.Tasks.Count(t => t.Image == world.ImageOf(slug) && t.State == "running")}/2 tasks on the signed digest; meanwhile the rollout said \"{worst.Message}\"";
        output.WriteLine(figure);
    }
}
