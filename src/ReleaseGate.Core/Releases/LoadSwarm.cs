using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>How an image a service runs stands with the gate: released, approved (signed off, not yet released) or unknown.</summary>
public enum DigestStanding { Unknown, Approved, Released }

/// <summary>A service as the Swarm page shows it; one the portal does not manage is read-only there.</summary>
public sealed record SwarmServiceView(SwarmServiceInfo Service, DigestStanding Standing, bool Managed = false);

public sealed record SwarmView(IReadOnlyList<SwarmNode> Nodes, IReadOnlyList<SwarmServiceView> Services);

/// <summary>The Swarm page's and API's view: nodes, and services with whether their digest passed the gate.</summary>
public sealed class LoadSwarm(IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm)
{
    public async Task<Outcome<SwarmView>> RunAsync(CancellationToken ct = default)
    {
        IReadOnlyList<SwarmNode> nodes;
        IReadOnlyList<SwarmServiceInfo> services;
        try
        {
            (nodes, services) = (await swarm.ListNodesAsync(ct), await swarm.ListServicesAsync(ct));
        }
        catch (SwarmException e)
        {
            return new Refusal(RefusalCode.Invalid, "", e.Message, $"无法读取 Swarm:{e.Message}");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var digests = services.Select(s => Digest(s.Image)).OfType<string>().Distinct().ToList();
        var released = await db.Releases.Where(r => digests.Contains(r.Digest) && r.Outcome == ReleaseOutcome.Succeeded).Select(r => r.Digest).Distinct().ToListAsync(ct);
        var approved = await db.Candidates.Where(c => digests.Contains(c.Digest) && c.Phase != CandidatePhase.Rejected)
            .Where(c => c.SignOffs.Any(s => s.Decision == SignOffs.SignOffDecision.Approve && s.WithdrawnAt == null))
            .Select(c => c.Digest).Distinct().ToListAsync(ct);
        var declared = await ServiceOwnership.DeclaredAsync(db, ct);
        return new SwarmView(nodes, services.Select(s => new SwarmServiceView(s, Digest(s.Image) is not { } d ? DigestStanding.Unknown
            : released.Contains(d) ? DigestStanding.Released : approved.Contains(d) ? DigestStanding.Approved : DigestStanding.Unknown,
            ServiceOwnership.IsLabelled(s) || declared.Contains(s.Name))).ToList());
    }

    private static string? Digest(string image) => image.IndexOf("@sha256:", StringComparison.Ordinal) is var at and >= 0 ? image[(at + 1)..] : null;
}
