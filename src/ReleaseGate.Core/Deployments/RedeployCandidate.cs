using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Deployments;

/// <summary>QA or a release manager asks for another try after a failed test deployment.</summary>
/// <remarks>Throws <see cref="MissingRoleException"/> for anyone else, <see cref="PhaseTransitionException"/> unless it failed.</remarks>
public sealed class RedeployCandidate(IDbContextFactory<ReleaseGateDb> dbs, IDeploymentQueue queue, ICandidateChanges changes, TimeProvider time)
{
    private static readonly string[] AllowedRoles = [Roles.QA, Roles.ReleaseManager];

    public async Task RunAsync(Guid candidateId, string user, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await UserRoles.HasAnyAsync(db, user, AllowedRoles, ct)) throw new MissingRoleException(user, AllowedRoles);
        var c = await db.Candidates.Include(x => x.Application).SingleOrDefaultAsync(x => x.Id == candidateId, ct)
            ?? throw new KeyNotFoundException($"No candidate {candidateId}.");
        if (c.Phase != CandidatePhase.DeployFailed)
            throw new PhaseTransitionException(c.Id, c.Phase, CandidatePhase.Deploying);
        var now = time.GetUtcNow();
        c.Record(now, "RedeployRequested", user, "Redeploy requested.");
        db.AuditEvents.Add(AuditEvent.ByUser(now, user, "candidate.redeploy", $"{c.Application.Slug} {c.Version}"));
        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(c.Id, c.Application.Slug, ct);
        changes.Published(c.Id);
    }
}
