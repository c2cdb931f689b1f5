using Bunit;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Adapters.Swarm;
using ReleaseGate.Web.Components.Swarm;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The part of the permission matrix that only a page does (no API): the page's own control, shown as if the page had
/// forgotten to hide it, clicked by each role and by an account with no role. Core (or IntegrationSecrets, through the
/// table) must refuse what docs/security.md's table refuses, and then nothing changed.
/// </summary>
public class PagePermissionMatrixTests : ComponentTests, IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly PortalAction[] Actions = [PortalAction.RemoveService, PortalAction.ManageApplications, PortalAction.ManageIntegrations];
    private readonly string service = $"rg-matrix-{Guid.NewGuid():N}"[..20];
    private readonly DockerClient docker = new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();

    public static bool Covers(PortalAction action) => Actions.Contains(action);

    public static TheoryData<PortalAction, string> Cases()
    {
        var data = new TheoryData<PortalAction, string>();
        foreach (var action in Actions)
            foreach (var caller in Roles.All.Append(MatrixPortal.NoRole)) data.Add(action, caller);
        return data;
    }

    public PagePermissionMatrixTests() =>
        Services.AddSingleton<ISwarm>(new SwarmEngine(Options.Create(new SwarmSettings { DockerHost = Infra.DockerHost }), Options.Create(new RegistriesSettings())));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public new async ValueTask DisposeAsync()
    {
        try { await docker.Swarm.RemoveServiceAsync(service); } catch (DockerApiException) { /* never made, or removed by the test */ }
        docker.Dispose();
        await base.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_pages_own_control_does_only_what_the_table_allows(PortalAction action, string caller)
    {
        var user = MatrixPortal.Email(caller);
        SignInAs(user, caller == MatrixPortal.NoRole ? [] : [caller]);
        var allowed = PermissionGrid.Allows(action, caller == MatrixPortal.NoRole ? null : caller);
        RenderProviders();
        switch (action)
        {
            case PortalAction.RemoveService:
                await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = new ServiceSpec
                {
                    // One the portal manages: any other is read-only for everyone, whatever the table says.
                    Name = service, Labels = new Dictionary<string, string> { [ReleaseGate.Core.Releases.SwarmLabels.Managed] = "true" },
                    Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 0 } },
                    TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}" } },
                } }, Ct);
                var info = (await Services.GetRequiredService<LoadSwarm>().RunAsync(Ct)).Value!.Services.Single(s => s.Service.Name == service).Service;
                var detail = Render<ServiceDetail>(p => p.Add(x => x.Service, info).Add(x => x.UserName, user).Add(x => x.MayRemove, true));
                await detail.InvokeAsync(() => detail.Find("#remove-confirm").Input(service));
                detail.WaitForAssertion(() => Assert.False(detail.Find("#remove").HasAttribute("disabled")));
                // Found and clicked in one turn of the renderer; once the handler's task ends, Core has answered and Swarm has been told (or not).
                await detail.InvokeAsync(() => detail.Find("#remove").ClickAsync(new()));
                var exists = (await docker.Swarm.ListServicesAsync(cancellationToken: Ct)).Any(s => s.Spec!.Name == service);
                Assert.True(exists != allowed, $"{caller}: the service {(exists ? "is still there" : "was removed")}");
                break;
            case PortalAction.ManageApplications:
                var edit = Render<ReleaseGate.Web.Components.Applications.ApplicationEditPage>();
                ApplicationsPageTests.FillValid(edit, "matrix-app");
                await edit.InvokeAsync(() => edit.Find("#save-application").ClickAsync(new()));
                await using (var db = Database.CreateDbContext()) Assert.Equal(allowed, await db.Applications.AnyAsync(Ct));
                break;
            case PortalAction.ManageIntegrations:
                var page = Render<ReleaseGate.Web.Components.Integrations.IntegrationsPage>();
                page.Find("#integration-name").Change("matrix");
                page.Find("#integration-applications").Change("matrix-app");
                await page.InvokeAsync(() => page.Find("#create-integration").ClickAsync(new()));
                await using (var db = Database.CreateDbContext()) Assert.Equal(allowed, await db.Integrations.AnyAsync(Ct));
                break;
        }
        if (!allowed) Assert.False(await AuditedAsync(""), $"{caller} left an audit row");
    }

    private async Task<bool> AuditedAsync(string actionPrefix)
    {
        await using var db = Database.CreateDbContext();
        return await db.AuditEvents.AnyAsync(a => a.Action.StartsWith(actionPrefix), Ct);
    }
}
