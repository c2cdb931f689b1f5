using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Development;

/// <summary>What Jenkins sends for a develop build: an image of the application in the staging registry, already parsed.</summary>
public sealed record DevelopmentBuild(
    string Application, string Repository, string Tag, string? Digest, string Commit, string Branch, int BuildNumber, string BuildUrl);

/// <summary>The development deployment after the call; <c>Taken</c> is false when a newer (or the same) build holds it.</summary>
public sealed record DevelopmentRegistration(DevelopmentDeployment Deployment, bool Taken);

/// <summary>
/// A develop build for the application's development environment: its digest is resolved from the staging registry, and
/// it takes the environment over unless a newer build already did. No candidate is made: nothing here reaches the gate.
/// </summary>
public sealed class RegisterDevelopmentBuild(
    IDbContextFactory<ReleaseGateDb> dbs, IImageRegistry registry, IDevelopmentQueue queue, ICandidateChanges changes, TimeProvider time)
{
    public async Task<Outcome<DevelopmentRegistration>> RunAsync(DevelopmentBuild build, string integrationKeyId, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RegisterAsync(build, integrationKeyId, ct);
            }
            catch (DbUpdateException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                // Two builds arrived at once (the row made twice, or changed by the job meanwhile): decided afresh.
            }
        }
    }

    private async Task<Outcome<DevelopmentRegistration>> RegisterAsync(DevelopmentBuild build, string integrationKeyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await Actor.CheckIntegrationAsync(db, integrationKeyId, PortalAction.DeployDevelopment, build.Application, ct) is { } refused) return refused;
        var app = await db.Applications.SingleOrDefaultAsync(a => a.Slug == build.Application, ct);
        if (app is null)
            return new Refusal(RefusalCode.UnknownApplication, "application", $"There is no application '{build.Application}'.", $"没有名为 '{build.Application}' 的应用。");
        if (app.Development is null)
            return new Refusal(RefusalCode.NoDevelopmentEnvironment, "application",
                $"'{app.Slug}' declares no development environment (a development block beside its testEnvironment).",
                $"'{app.Slug}' 未声明开发环境(在 testEnvironment 旁添加 development 配置)。");
        var resolved = await StagingImage.ResolveAsync(registry, app, build.Repository, build.Tag, build.Digest, ct);
        if (resolved.Refusal is { } wrongImage) return wrongImage;
        var served = resolved.Value!;

        var now = time.GetUtcNow();
        var current = await db.DevelopmentDeployments.Include(d => d.Application).SingleOrDefaultAsync(d => d.ApplicationId == app.Id, ct);
        if (current is not null && !current.IsTakenOverBy(build.BuildNumber, served))
        {
            db.AuditEvents.Add(AuditEvent.ByIntegration(now, integrationKeyId, "development.kept", $"{app.Slug} #{build.BuildNumber}",
                $"build {current.BuildNumber} ({current.State}) stays"));
            await db.SaveChangesAsync(ct);
            return new DevelopmentRegistration(current, Taken: false);
        }
        if (current is null)
        {
            current = new DevelopmentDeployment { ApplicationId = app.Id, Application = app };
            db.DevelopmentDeployments.Add(current);
        }
        current.Take(build, served, now);
        db.AuditEvents.Add(AuditEvent.ByIntegration(now, integrationKeyId, "development.registered", $"{app.Slug} {build.Tag}",
            JsonSerializer.Serialize(new { Digest = served, build.BuildNumber, build.Commit })));
        await db.SaveChangesAsync(ct);
        changes.Published(current.Attempt);
        // After the save: a lost enqueue is caught up later (deployments left Queued).
        await queue.EnqueueAsync(app.Slug, current.Attempt, ct);
        return new DevelopmentRegistration(current, Taken: true);
    }
}
