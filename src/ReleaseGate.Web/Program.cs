using ReleaseGate.Web;
using ReleaseGate.Web.Adapters;
using ReleaseGate.Web.SignIn;
using ReleaseGate.Web.Api;
using ReleaseGate.Web.Components;
using ReleaseGate.Web.Health;

var builder = WebApplication.CreateBuilder(args);

// 1. Settings from ReleaseGate__* variables; a missing or wrong one stops the start and is named.
builder.AddReleaseGateSettings();
// 2. Core: the use cases and the clock they read.
builder.AddReleaseGateCore();
// 3. State: SQLite under ./data unless ReleaseGate__Database__ConnectionString says otherwise.
builder.AddReleaseGateDatabase();
// 4. Core's ports and their adapters: registry, Docker, SMTP, Quartz (listed in Adapters/Ports.cs).
builder.AddReleaseGateAdapters();
// 5. Users: local sign-in with the roles QA, ReleaseManager and Admin.
builder.AddPortalSignIn();
// 6. Durable jobs (test deployments, mail) in the same database, picked up again after a restart.
builder.AddReleaseGateJobs();
// 7. Pages: Blazor Server with MudBlazor, in English and Simplified Chinese.
builder.AddPortalPages();
// 8. The Jenkins callback API: signed, replay-safe, idempotent; described at /openapi/v1.json.
builder.AddCallbackApi();
builder.Services.AddHealthChecks().AddReleaseGateReadiness();

var app = builder.Build();

// Migrations, roles, the first admin and the applications file, before anything is served.
await app.PrepareDatabaseAsync();

app.UseExceptionHandler("/error", createScopeForErrors: true);
// Callers of the API get application/problem+json, never the error page, even for a bug of ours.
app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"), api => api.UseExceptionHandler());
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthEndpoints();
app.MapSignInEndpoints();
app.MapCallbackApi();
app.MapScheduleApi();
app.MapReleasesApi();
app.MapCalendarFeed();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
