using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Data;
using ReleaseGate.Web.Integrations;
using ReleaseGate.Web.Live;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Tests;

/// <summary>bUnit with MudBlazor, the real use cases on a real SQLite file, and a signed-in user of the test's choosing.</summary>
public abstract class PageContext : BunitContext
{
    protected TempDatabase Database { get; } = new();

    protected PageContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = o.SnackbarConfiguration.HideTransitionDuration = 0);
        Services.AddSingleton<UiText>();
        Services.AddSingleton<IDbContextFactory<ReleaseGateDb>>(Database);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<SaveApplication>();
        Services.AddScoped<DeleteApplication>();
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddSingleton<IntegrationSecrets>();
        Services.AddSingleton<CandidateChanges>();
        Services.AddLogging();
    }

    protected void SignInAs(string user, params string[] roles) => AddAuthorization().SetAuthorized(user).SetRoles(roles);

    /// <summary>Dialogs and popovers render into these providers, as MainLayout has them.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Render<MudPopoverProvider>();
        return Render<MudDialogProvider>();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Database.Dispose();
    }
}
