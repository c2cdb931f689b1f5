using Docker.DotNet.Models;

namespace ReleaseGate.Web.Tests;

/// <summary>The parts scripts/infra.sh starts are there and answer, as every other test assumes.</summary>
public class RealPartsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_engine_runs_in_swarm_mode()
    {
        using var docker = TestContainers.Engine();
        var info = await docker.System.GetSystemInfoAsync(Ct);
        Assert.Equal("active", info.Swarm.LocalNodeState.ToString(), ignoreCase: true);
        Assert.True(info.Swarm.ControlAvailable, "this node is a Swarm manager");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5001/v2/")]
    [InlineData("http://127.0.0.1:5002/v2/")]
    public async Task Both_registries_answer_the_v2_api(string url)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(url, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}");
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
    }

    [Theory]
    [InlineData("web", "V1")]
    [InlineData("web", "V2")]
    [InlineData("crashing", "V1")]
    [InlineData("unhealthy", "V1")]
    [InlineData("slow", "V1")]
    public async Task Each_test_image_is_pullable_from_staging_by_digest(string name, string tag)
    {
        var digest = Infra.Get($"RG_IMAGE_{name.ToUpperInvariant()}_{tag}_DIGEST");
        using var docker = TestContainers.Engine();
        string? error = null;
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = $"127.0.0.1:5001/demo/{name}", Tag = digest },
            null, new Progress<JSONMessage>(m => error ??= m.Error?.Message), Ct);
        Assert.Null(error);
        var image = await docker.Images.InspectImageAsync($"127.0.0.1:5001/demo/{name}@{digest}", Ct);
        Assert.Contains($"127.0.0.1:5001/demo/{name}@{digest}", image.RepoDigests);
    }
}
