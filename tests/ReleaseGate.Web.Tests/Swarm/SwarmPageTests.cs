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
    /// <summary>A service someone else runs on the same Swarm: no label of the portal's, no application declares it.</summary>
    private readonly string foreign = $"rg-other-{Guid.NewGuid():N}"[..19];
    private readonly DockerClient docker = new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();

    public SwarmPageTests()
    {
        Services.AddSingleton<ISwarm>(new SwarmEngine(Options.Create(new SwarmSettings { DockerHost = Infra.DockerHost }), Options.Create(new RegistriesSettings())));
    }

    public async ValueTask InitializeAsync()
    {
        // One as the portal labels what it creates, one from elsewhere.
        foreach (var (name, labels) in new[] { (service, new Dictionary<string, string> { [SwarmLabels.Managed] = "true" }), (foreign, new Dictionary<string, string>()) })
            await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters
            {
                Service = new ServiceSpec
                {
                    Name = name, Labels = labels,
                    TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}", Env = ["SECRET_TOKEN=hunter2"], StopGracePeriod = TimeSpan.FromSeconds(1) } },
                    Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
                },
            }, Ct);
    }

    public new async ValueTask DisposeAsync()
    {
        foreach (var name in new[] { service, foreign })
            try { await docker.Swarm.RemoveServiceAsync(name); } catch (DockerApiException) { /* the test removed it */ }
        docker.Dispose();
        await base.DisposeAsync();
    }

    private IRenderedComponent<SwarmPage> RenderPage(string? name = null)
    {
        name ??= service;
        RenderProviders();
        var page = Render<SwarmPage>();
        page.WaitForElement($"tr.rg-service[data-service='{name}']", TimeSpan.FromSeconds(10)).Click();
        page.WaitForElement($"#service-detail[data-service='{name}']", TimeSpan.FromSeconds(10));
        return page;
    }

    [Fact]
    public async Task A_service_the_portal_does_not_manage_is_read_only_on_the_page_and_scaling_or_removing_it_is_refused()
    {
        SignInAs("admin@example.com", Roles.Admin);
        var page = RenderPage(foreign);

        Assert.NotNull(page.Find("#service-not-managed"));
        Assert.Empty(page.FindAll("#scale"));
        Assert.Empty(page.FindAll("#remove"));
        Assert.NotEmpty(page.FindAll($"tr.rg-service[data-service='{foreign}'] .rg-read-only"));
        Assert.Empty(page.FindAll($"tr.rg-service[data-service='{service}'] .rg-read-only"));

        // The hidden buttons are a courtesy: Core refuses, and nothing changes on the Swarm or in the audit trail.
        using var scope = Services.CreateScope();
        var scaled = await scope.ServiceProvider.GetRequiredService<ScaleService>().RunAsync(foreign, 2, "admin@example.com", Ct);
        var removed = await scope.ServiceProvider.GetRequiredService<RemoveService>().RunAsync(foreign, foreign, "admin@example.com", Ct);
        Assert.Equal(Core.RefusalCode.NotManaged, scaled.Refusal?.Code);
        Assert.Equal(Core.RefusalCode.NotManaged, removed.Refusal?.Code);
        Assert.Contains("not managed by ReleaseGate", scaled.Refusal!.Message);
        var after = await docker.Swarm.InspectServiceAsync(foreign, Ct);
        Assert.Equal(1UL, after.Spec!.Mode!.Replicated!.Replicas);
        await using var db = Database.CreateDbContext();
        Assert.False(await db.AuditEvents.AnyAsync(a => a.Subject == foreign, Ct));
    }

    [Fact]
    public async Task A_service_an_application_declares_is_managed_though_the_portal_did_not_create_it()
    {
        await using (var db = Database.CreateDbContext())
        {
            db.Applications.Add(new Core.Applications.Application { Slug = foreign, StagingRepository = "127.0.0.1:5001/demo/web", ProductionRepository = "127.0.0.1:5002/demo/web", SwarmService = foreign });
            await db.SaveChangesAsync(Ct);
        }
        SignInAs("rm@example.com", Roles.ReleaseManager);
        using var scope = Services.CreateScope();

        var scaled = await scope.ServiceProvider.GetRequiredService<ScaleService>().RunAsync(foreign, 0, "rm@example.com", Ct);

        Assert.False(scaled.IsRefused, scaled.Refusal?.Message);
        Assert.Equal(0UL, (await docker.Swarm.InspectServiceAsync(foreign, Ct)).Spec!.Mode!.Replicated!.Replicas);
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
