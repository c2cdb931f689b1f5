using ReleaseGate.Web;
using ReleaseGate.Web.Adapters;
using ReleaseGate.Web.SignIn;
using ReleaseGate.Web.Api;
using ReleaseGate.Web.Components;
using ReleaseGate.Web.Health;
using ReleaseGate.Web.Observability;
using ReleaseGate.Web.Security;

// 0. A bad setting or applications file ends the start with one line naming it, and exit code 2.
ReleaseGate.Web.Settings.StartRefusal.ExitOnBadConfiguration();

// `releasegate admin …` runs one command on the configured database and exits (Users/AdminCommands.cs).
var admin = args is ["admin", ..];
var builder = WebApplication.CreateBuilder(admin ? [] : args);
if (admin)
{
    // Only the command's answer on stdout (a token, a password): logs go to stderr, and only warnings.
    builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
}

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
// 8. The API: Jenkins' signed callbacks and the people's API (personal access tokens); described at /openapi/v1.json.
builder.AddCallbackApi();
// 9. Trust: sessions follow the account, rate limits, security headers, keys encrypted at rest.
builder.AddPortalSecurity();
// 10. Observability: OpenTelemetry metrics (Prometheus at /metrics when switched on) and, given OTEL_EXPORTER_OTLP_ENDPOINT, traces.
builder.AddPortalTelemetry();
builder.Services.AddHealthChecks().AddReleaseGateReadiness();

var app = builder.Build();

// Migrations, roles, the first admin and the applications file, before anything is served.
try
{
    await app.PrepareDatabaseAsync();
}
catch (ReleaseGate.Web.Adapters.Secrets.StartRefusedException e)
{
    // One clear line (a secret variable's name, never a value) and 2, as a bad setting stops the start.
    await Console.Error.WriteLineAsync(e.Message);
    Environment.ExitCode = 2;
    return;
}

if (admin)
{
    // The host is built but not started: no Kestrel, no jobs; the same DI container and use cases.
    Environment.ExitCode = await ReleaseGate.Web.Users.AdminCommands.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
    return;
}

// Forwarded headers from known proxies, HSTS, CSP and friends, logout only by POST with antiforgery.
app.UsePortalSecurity();
app.UseExceptionHandler("/error", createScopeForErrors: true);
// Callers of the API get application/problem+json, never the error page, even for a bug of ours.
app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"), api => api.UseExceptionHandler().UseApiProblemStatusPages());
// 429 with Retry-After on /api/ (per key, per address) and on sign-in (per address).
app.UseRateLimiter();
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapSignInEndpoints();
app.MapCallbackApi();
app.MapCalendarFeed();
// The circuit's own frame-ancestors policy agrees with ours (Security/SecurityHeaders.cs): never framed.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");

app.Run();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
