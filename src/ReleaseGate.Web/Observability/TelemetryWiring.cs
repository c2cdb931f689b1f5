using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Observability;

/// <summary>
/// OpenTelemetry for the gate: its own meter and spans, ASP.NET Core's and Blazor's instruments; Prometheus text at
/// /metrics when ReleaseGate__Telemetry__Metrics is on, OTLP when the standard OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public static class TelemetryWiring
{
    public const string MetricsPath = "/metrics";

    // ASP.NET Core's own meters beyond what its instrumentation package adds: Blazor's circuits and components.
    private static readonly string[] BlazorMeters =
        ["Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle", "Microsoft.AspNetCore.Components.Server.Circuits"];

    public static void AddPortalTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GateCounts>();
        builder.Services.AddSingleton<PortalMetrics>();
        var settings = builder.Configuration.GetSection(TelemetrySettings.Section).Get<TelemetrySettings>() ?? new();
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // Nobody reads them: no listener, so the instruments above cost nothing.
        if (!settings.Metrics && !otlp) return;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "releasegate"))
            .WithMetrics(metrics =>
            {
                // System.Runtime: the runtime's own (GC heap, working set, thread pool), for memory alerts.
                metrics.AddMeter(PortalMetrics.MeterName, "System.Runtime").AddMeter(BlazorMeters).AddAspNetCoreInstrumentation();
                // Listening is by meter name, process-wide: keep only this host's meters (and unscoped ones), not another host's in the same process.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, b) =>
                {
                    var mine = services.GetRequiredService<IMeterFactory>();
                    // The gauges exist from the start, not only once a job or a refusal first asked for the instruments.
                    services.GetRequiredService<PortalMetrics>();
                    b.AddView(i => i.Meter.Scope is { } scope && !ReferenceEquals(scope, mine) ? MetricStreamConfiguration.Drop : null);
                });
                if (settings.Metrics) metrics.AddPrometheusExporter();
            });
        if (!otlp) return;
        // Spans only go somewhere over OTLP; without it they are not even created.
        telemetry.WithTracing(tracing => tracing.AddSource(Core.Telemetry.SourceName).AddAspNetCoreInstrumentation(o =>
            o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/_blazor")));
        telemetry.UseOtlpExporter();
    }

    /// <summary>/metrics, only when switched on; behind a bearer token when ReleaseGate__Telemetry__MetricsTokenFile names one.</summary>
    public static void MapMetricsEndpoint(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<TelemetrySettings>>().Value;
        if (!settings.Metrics) return;
        var token = SettingsCheck.ReadSecret(null, settings.MetricsTokenFile);
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, optionsName: null,
            configureBranchedPipeline: token is null ? null : branch => branch.Use(async (http, next) =>
            {
                if (Bearer(http) is { } sent && SameSecret(sent, token))
                {
                    await next(http);
                    return;
                }
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                http.Response.Headers.WWWAuthenticate = "Bearer";
            })).AllowAnonymous();
    }

    private static string? Bearer(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : null;

    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
