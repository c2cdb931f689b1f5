using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>A service on the Swarm the portal did not create and no application declares: read-only on the Swarm page, in both languages.</summary>
public class SwarmReadOnlyInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    [Theory]
    [InlineData("en-US", "read-only", "ReleaseGate did not create this service")]
    [InlineData("zh-CN", "只读", "此服务不是 ReleaseGate 创建的")]
    public async Task A_service_the_portal_does_not_manage_shows_no_scale_or_remove_even_to_an_admin(string locale, string chip, string note)
    {
        var name = $"rg-foreign-{Guid.NewGuid():N}"[..20];
        using var docker = new DockerClientBuilder()
            .WithEndpoint(new Uri(Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/lib/releasegate-infra/docker.sock")).Build();
        await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters
        {
            Service = new ServiceSpec
            {
                Name = name,
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "127.0.0.1:5001/demo/web:v1", StopGracePeriod = TimeSpan.FromSeconds(1) } },
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 0 } },
            },
        }, TestContext.Current.CancellationToken);
        try
        {
            var page = await portal.SignedInPageAsync(locale: locale);
            await page.GotoAsync($"/swarm?service={name}");
            await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

            await Assertions.Expect(page.Locator("#service-not-managed")).ToContainTextAsync(note);
            await Assertions.Expect(page.Locator($"tr.rg-service[data-service='{name}'] .rg-read-only")).ToContainTextAsync(chip);
            await Assertions.Expect(page.Locator("#scale")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#remove")).ToHaveCountAsync(0);
            await LivePortal.ShotAsync(page, $"swarm-read-only-{locale}");
            await page.Context.CloseAsync();
        }
        finally
        {
            await docker.Swarm.RemoveServiceAsync(name, CancellationToken.None);
        }
    }
}
