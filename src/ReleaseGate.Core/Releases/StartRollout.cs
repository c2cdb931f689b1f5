using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Promotions;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// Sends a promoted candidate's digest to its Swarm service (creating the service on the first release) and leaves the
/// watching to a durable job. Fills <see cref="IRollout"/> for <see cref="PromoteCandidate"/>, which made the Release row.
/// </summary>
public sealed class StartRollout(IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, IRolloutWatch watch, TimeProvider time) : IRollout
{
    public async Task<RolloutStart> StartAsync(RolloutRequest request, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var candidate = await db.Candidates.Include(c => c.Application).SingleAsync(c => c.Id == request.CandidateId, ct);
        var release = await db.Releases.Where(r => r.CandidateId == request.CandidateId && r.Outcome == ReleaseOutcome.Running)
            .OrderByDescending(r => r.Id).FirstAsync(ct);
        return await BeginAsync(db, swarm, watch, time, release, candidate.Application, request.Image, ct);
    }

    /// <summary>The image reference a rollout sends: the production tag, pinned by digest.</summary>
    public static string ImageOf(Application app, string version, string digest) => $"{app.ProductionRepository}:{version}@{digest}";

    /// <summary>Starts the update and records what it started from; shared with a restore.</summary>
    internal static async Task<RolloutStart> BeginAsync(ReleaseGateDb db, ISwarm swarm, IRolloutWatch watch, TimeProvider time,
        Release release, Application app, string image, CancellationToken ct)
    {
        using var span = Telemetry.Start("rollout", release.CandidateId);
        span?.SetTag("releasegate.release.id", release.Id).SetTag("releasegate.service", app.SwarmService).SetTag("releasegate.image", image);
        SwarmStart started;
        try
        {
            // A service the portal made for another application is never taken over by this one's declaration.
            if (await swarm.InspectAsync(app.SwarmService, ct) is { } existing && ServiceOwnership.OwnerOf(existing) is { } owner && owner != app.Slug)
                return RolloutStart.NotStarted($"The service '{app.SwarmService}' belongs to the application '{owner}' (its label {SwarmLabels.Application}); '{app.Slug}' may not roll it out.");
            started = await swarm.StartAsync(new ServiceDeployment(app.SwarmService, image, app.Rollout, app.Swarm) { Application = app.Slug }, ct);
        }
        catch (SwarmConflictException e)
        {
            return RolloutStart.NotStarted($"The service '{app.SwarmService}' changed while the update was sent (someone else updated it); nothing was overwritten. {e.Message}");
        }
        catch (SwarmException e)
        {
            return RolloutStart.NotStarted($"Swarm refused the update of '{app.SwarmService}': {e.Message}");
        }
        var now = time.GetUtcNow();
        db.Rollouts.Add(new Rollout
        {
            ReleaseId = release.Id, CandidateId = release.CandidateId, Service = app.SwarmService, Image = image, Digest = release.Digest,
            PreviousImage = started.PreviousImage, Created = started.Created, StartedAt = now,
            Deadline = now + TimeSpan.FromSeconds(Math.Max(1, app.Rollout.TimeoutSeconds)),
            PreviousUpdateStartedAt = started.PreviousUpdateStartedAt,
            State = started.Created ? "creating" : "starting",
            Message = started.Created ? $"First release: service '{app.SwarmService}' created." : $"Rolling update of '{app.SwarmService}' sent.",
            Total = app.Swarm.Replicas,
        });
        await db.SaveChangesAsync(ct);
        await watch.LookAgainAsync(release.Id, WatchRollout.LookEvery, ct);
        return RolloutStart.Began(started.Created ? "service created" : "update sent");
    }
}
