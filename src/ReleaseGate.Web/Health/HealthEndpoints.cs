using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Health;

public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IHealthChecksBuilder AddReleaseGateReadiness(this IHealthChecksBuilder checks) => checks
        .AddCheck<DatabaseReachable>("database", tags: [Ready])
        .AddCheck<SchedulerStarted>("scheduler", tags: [Ready]);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Live: the process answers. Ready: it can do its work (database and scheduler).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJson }).AllowAnonymous();
    }

    private static Task WriteJson(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        }));
    }

    private sealed class DatabaseReachable(IDbContextFactory<ReleaseGateDb> dbs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct)
                ? HealthCheckResult.Healthy("reachable")
                : HealthCheckResult.Unhealthy("the database cannot be reached");
        }
    }

    private sealed class SchedulerStarted(ISchedulerFactory schedulers) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var scheduler = await schedulers.GetScheduler(ct);
            return scheduler.Status == SchedulerStatus.Running
                ? HealthCheckResult.Healthy("started")
                : HealthCheckResult.Unhealthy("the job scheduler is not running");
        }
    }
}
