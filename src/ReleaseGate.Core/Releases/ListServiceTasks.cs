namespace ReleaseGate.Core.Releases;

/// <summary>A service's task history as `docker service ps` lists it: per slot, the current task first, the ones it replaced after.</summary>
public sealed class ListServiceTasks(ISwarm swarm)
{
    public async Task<Outcome<IReadOnlyList<RolloutTask>>> RunAsync(string service, CancellationToken ct = default)
    {
        try
        {
            var tasks = await swarm.ListTasksAsync(service, ct);
            return tasks.GroupBy(t => t.Slot).OrderBy(g => g.Key)
                .SelectMany(g => g.OrderByDescending(t => t.At).Select((t, i) =>
                    new RolloutTask(t.Slot, t.Node, t.Image, t.DesiredState, t.State, t.Error, i > 0, false)))
                .ToList();
        }
        catch (SwarmException e)
        {
            return new Refusal(RefusalCode.Invalid, "", e.Message, $"无法读取 Swarm:{e.Message}");
        }
    }
}
