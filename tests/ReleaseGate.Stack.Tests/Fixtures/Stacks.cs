namespace ReleaseGate.Stack.Tests;

/// <summary>A stack a test deployed: what it looks like when a wait fails, and its removal with everything it left.</summary>
public static class Stacks
{
    /// <summary>Every task of the stack and the last log lines of <paramref name="service"/>: for a failed wait's message.</summary>
    public static async Task<string> StateAsync(string stack, string service)
    {
        var tasks = await Docker.RunAsync(["stack", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}", stack]);
        var logs = await Docker.RunAsync(["service", "logs", "--tail", "30", service]);
        return $"\n{tasks.Out}{tasks.Err}\n{service} logs:\n{logs.Out}{logs.Err}";
    }

    /// <summary>
    /// `docker stack rm`, then the containers at once (nothing restarts them once the services are gone, so there is no
    /// need to wait out their stop grace periods), then the stack's volumes and networks, which go only once those are gone.
    /// </summary>
    public static async Task RemoveAsync(string stack)
    {
        await Docker.QuietlyAsync("stack", "rm", stack);
        var label = $"label=com.docker.stack.namespace={stack}";
        var until = DateTime.UtcNow.AddSeconds(60);
        string left;
        while ((left = (await Docker.RunAsync(["ps", "-aq", "--filter", label])).Text) != "" && DateTime.UtcNow < until)
        {
            foreach (var container in left.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await Docker.QuietlyAsync("rm", "-f", "-v", container);
            await Task.Delay(1000);
        }
        foreach (var kind in new[] { "volume", "network" })
        {
            var names = (await Docker.RunAsync([kind, "ls", "-q", "--filter", label])).Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (names.Length > 0) await Docker.QuietlyAsync([kind, "rm", .. names]);
        }
    }
}
