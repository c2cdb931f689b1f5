using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using ReleaseGate.Core;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Adapters.Schedule;
using ReleaseGate.Web.Integrations;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The one bUnit base: MudBlazor without transitions, the real use cases over a migrated SQLite file, a fake clock,
/// and a signed-in user of the test's choosing.
/// </summary>
public abstract class ComponentTests : BunitContext
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T09:00:00Z");

    protected TestDatabase Database { get; } = new();
    protected FakeTimeProvider Time { get; } = new(Now);

    protected ComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddLogging();
        Services.AddSingleton<UiText>();
        Services.AddSingleton<IDbContextFactory<ReleaseGateDb>>(Database);
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddReleaseGateUseCases();
        Services.AddSingleton<ICutoffCalendar, QuartzCutoffCalendar>();
        Services.AddSingleton<CandidateChanges>();
        Services.AddSingleton<ICandidateChanges>(sp => sp.GetRequiredService<CandidateChanges>());
        Services.AddScoped<BrowserTime>();
        Services.AddSingleton(new PortalLinks(new Uri("http://portal.example.com/")));
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddSingleton<IntegrationSecrets>();
        Services.AddSingleton<ISecretValues, ReleaseGate.Web.Adapters.Secrets.EnvironmentSecrets>();
        Services.AddScoped<ReleaseGate.Web.Security.AccountNotice>();
    }

    /// <summary>Signed in as <paramref name="user"/>, who exists in the database with these roles (Core checks them there).</summary>
    protected void SignInAs(string user, params string[] roles)
    {
        Database.WithUser(user, roles);
        // Pages name rows of the table as policies: the ones these roles hold, as the portal's PermissionHandler would decide.
        AddAuthorization().SetAuthorized(user).SetRoles(roles).SetPolicies(Enum.GetValues<ReleaseGate.Core.Access.PortalAction>()
            .Where(a => ReleaseGate.Core.Access.Permissions.Allows(a, roles)).Select(a => a.ToString()).ToArray());
    }

    /// <summary>Dialogs and popovers render into these providers, as MainLayout has them.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Render<MudPopoverProvider>();
        return Render<MudDialogProvider>();
    }

    protected static Application App(string slug, int requiredApprovals = 1) => new()
    {
        Slug = slug, DisplayName = slug.ToUpperInvariant(), StagingRepository = $"127.0.0.1:5001/{slug}",
        ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug, RequiredApprovals = requiredApprovals,
        TestEnvironment = new TestEnvironmentSpec { ContainerName = slug, PublishedPort = 18080 },
    };

    /// <summary>A candidate taken to <paramref name="phase"/> through the phase table, as the portal would.</summary>
    protected static Candidate CandidateIn(Application app, CandidatePhase phase, string version = "1.0.0")
    {
        var c = new Candidate
        {
            Application = app, Version = version, Digest = "sha256:" + new string('c', 64), Commit = "0123456789abcdef",
            SubmittedBy = "dev@example.com", RegisteredAt = Now.AddHours(-1), TestUrl = "http://127.0.0.1:18080/",
        };
        foreach (var step in PathTo(phase)) c.MoveTo(step, Now.AddHours(-1), "system", step.ToString());
        return c;
    }

    private static CandidatePhase[] PathTo(CandidatePhase phase) => phase switch
    {
        CandidatePhase.Registered => [],
        CandidatePhase.Deploying => [CandidatePhase.Deploying],
        CandidatePhase.DeployFailed => [CandidatePhase.Deploying, CandidatePhase.DeployFailed],
        CandidatePhase.AwaitingSignOff => [CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff],
        CandidatePhase.Superseded => [CandidatePhase.Superseded],
        CandidatePhase.Approved or CandidatePhase.Rejected => [.. PathTo(CandidatePhase.AwaitingSignOff), phase],
        CandidatePhase.Promoting => [.. PathTo(CandidatePhase.Approved), phase],
        CandidatePhase.RollingOut or CandidatePhase.Errored => [.. PathTo(CandidatePhase.Promoting), phase],
        _ => [.. PathTo(CandidatePhase.RollingOut), phase],
    };

    protected void AddUser(string userName, params string[] roles) => Database.WithUser(userName, roles);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Database.Dispose();
    }
}
