using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The Jenkinsfile's optional "Wait for release" stage, its recorded `sh` commands run as listed against a portal that
/// rolls out to the real Swarm: green when the candidate is Released, red (the client's exit 3) when it is RolledBack.
/// </summary>
public class JenkinsReleaseWaitTests
{
    private const string Stage = "Wait for release";

    [Fact]
    public async Task The_wait_for_release_stage_passes_on_released_and_fails_the_build_on_rolled_back()
    {
        var workspace = Directory.CreateTempSubdirectory("rg-jenkins-wait-").FullName;
        var (lines, commands) = await Shell.JenkinsfileStageAsync(Stage, workspace);
        Assert.Contains($"WHEN\t{Stage}\tallOf(branch release, environment [name:WAIT_FOR_RELEASE, value:true])", lines);
        Assert.Contains(lines, l => l.StartsWith($"CRED\t{Stage}\tstring releasegate-secret -> RELEASEGATE_SECRET"));
        Assert.Single(commands);

        await using var world = await SwarmWorld.StartAsync(replicas: 1, onSocket: true);
        Assert.Equal(Core.Candidates.CandidatePhase.Released, (await world.ReleaseAsync(await world.ApprovedAsync("v1"))).Phase);
        Directory.CreateSymbolicLink(Path.Combine(workspace, "scripts"), Path.Combine(ReadmeTests.RepoRoot(), "scripts"));
        Directory.CreateDirectory(Path.Combine(workspace, ".releasegate"));
        var address = world.Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var env = new Dictionary<string, string>
        {
            ["RELEASEGATE_URL"] = address.TrimEnd('/'), ["RELEASEGATE_KEY_ID"] = ApiPortal.KeyId, ["RELEASEGATE_SECRET"] = ApiPortal.Secret,
            ["RELEASE_WAIT_MINUTES"] = "2", ["RELEASEGATE_WAIT_INTERVAL"] = "1",
        };

        // What the Release gate stage leaves in the workspace: the id of the candidate it submitted.
        async Task<(int Exit, string Out, string Err)> WaitForReleaseOfAsync(string tag)
        {
            var id = await world.ApprovedAsync(tag);
            await File.WriteAllTextAsync(Path.Combine(workspace, ".releasegate", "candidate.id"), id.ToString(), TestContext.Current.CancellationToken);
            await world.ReleaseNowAsync();
            return await Shell.RunAsync(commands[0], workspace, env);
        }

        var rolledBack = await WaitForReleaseOfAsync("bad"); // the crashing image: Swarm rolls it back
        Assert.True(rolledBack.Exit == 3, $"exit {rolledBack.Exit}\n{rolledBack.Out}\n{rolledBack.Err}");
        Assert.Equal("RolledBack", rolledBack.Out.Trim());
        Assert.Contains("ended in RolledBack", rolledBack.Err);

        var released = await WaitForReleaseOfAsync("v2");
        Assert.True(released.Exit == 0, $"exit {released.Exit}\n{released.Out}\n{released.Err}");
        Assert.Contains("\"phase\":\"Released\"", released.Out.Replace(" ", ""));
        Directory.Delete(workspace, recursive: true);
    }
}
