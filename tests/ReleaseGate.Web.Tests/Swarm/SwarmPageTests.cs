using Bunit;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Adapters.Swarm;
using ReleaseGate.Web.Components.Swarm;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

/// <summary>The Swarm page over the real Swarm (the Swarm adapter on scripts/infra.sh's engine): scale and remove a service.</summary>
public class SwarmPageTests : ComponentTests, IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly string service = $"rg-page-{Guid.NewGuid():N}"[..18];
    private readonly DockerClient docker = new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();

    public SwarmPageTests()
    {
        Services.AddSingleton<ISwarm>(new SwarmEngine(Options.Create(new SwarmSettings { DockerHost = Infra.DockerHost }), Options.Create(new RegistriesSettings())));
    }

    public async ValueTask InitializeAsync() =>
        await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters
        {
            Service = new ServiceSpec
            {
                Name = service,
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}", Env = ["SECRET_TOKEN=hunter2"], StopGracePeriod = TimeSpan.FromSeconds(1) } },
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            },
        }, Ct);

    public new async ValueTask DisposeAsync()
    {
        try { await docker.Swarm.RemoveServiceAsync(service); } catch (DockerApiException) { /* the test removed it */ }
        docker.Dispose();
        await base.DisposeAsync();
    }

    private IRenderedComponent<SwarmPage> RenderPage()
    {
        RenderProviders();
        var page = Render<SwarmPage>();
        page.WaitForElement($"tr.rg-service[data-service='{service}']", TimeSpan.FromSeconds(10)).Click();
        page.WaitForElement($"#service-detail[data-service='{service}']", TimeSpan.FromSeconds(10));
        return page;
    }

    [Fact]
    public async Task A_release_manager_scales_a_service_from_the_swarm_page_and_it_is_audited()
    {
        SignInAs("rm@example.com", Roles.ReleaseManager);
        var page = RenderPage();
        Assert.Contains("SECRET_TOKEN", page.Find("#service-env").TextContent);
        Assert.DoesNotContain("hunter2", page.Markup); // names only
        Assert.NotEmpty(page.FindAll("#swarm-nodes tr.rg-node"));
        Assert.Empty(page.FindAll("#remove")); // only an admin removes

        await page.InvokeAsync(() => page.Find("#scale-replicas").Change("2"));
        await page.InvokeAsync(() => page.Find("#scale").Click());

        await RolloutFailureTests.Until(async () => (await docker.Swarm.InspectServiceAsync(service, Ct)).Spec!.Mode!.Replicated!.Replicas == 2, 15);
        await RolloutFailureTests.Until(async () =>
        {
            await using var db = Database.CreateDbContext(); // the audit row is saved right after Swarm answers
            return await db.AuditEvents.AnyAsync(a => a.Action == "swarm.scale" && a.Subject == service && a.Details == "1 → 2", Ct);
        }, 10);
    }

    [Fact]
    public async Task An_admin_removes_a_service_only_after_typing_its_name()
    {
        SignInAs("admin@example.com", Roles.Admin);
        var page = RenderPage();
        Assert.True(page.Find("#remove").HasAttribute("disabled"));

        await page.InvokeAsync(() => page.Find("#remove-confirm").Input(service));
        page.WaitForAssertion(() => Assert.False(page.Find("#remove").HasAttribute("disabled")));
        await page.InvokeAsync(() => page.Find("#remove").Click());

        await RolloutFailureTests.Until(async () => (await docker.Swarm.ListServicesAsync(cancellationToken: Ct)).All(s => s.Spec!.Name != service), 15);
        await RolloutFailureTests.Until(async () =>
        {
            await using var db = Database.CreateDbContext();
            return await db.AuditEvents.AnyAsync(a => a.Action == "swarm.remove" && a.Subject == service, Ct);
        }, 10);
    }
}
