using Docker.DotNet;
using Docker.DotNet.Models;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Web.Tests;

/// <summary>The test engine's containers that a portal deployed (labelled by it), for assertions and clean-up.</summary>
public static class TestContainers
{
    public static DockerClient Engine() => new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();

    public static async Task<IList<ContainerListResponse>> OfAsync(string application)
    {
        using var docker = Engine();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DeployCandidate.Labels.Application}={application}"] = true } },
        });
    }

    public static async Task RemoveAsync(IEnumerable<string> applications)
    {
        using var docker = Engine();
        foreach (var application in applications)
            foreach (var c in await OfAsync(application))
            {
                try { await docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }); }
                catch (DockerContainerNotFoundException) { /* removed meanwhile by the portal's own replace */ }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict) { /* its removal is under way */ }
            }
    }
}
