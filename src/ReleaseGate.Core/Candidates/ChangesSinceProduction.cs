using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Core.Candidates;

/// <summary>What QA tests on top of production: for the candidate page and the "ready to test" mail.</summary>
internal static class ChangesSinceProduction
{
    /// <summary>
    /// Each build sends only its own commits, so the changes since production are this candidate's plus those of
    /// the candidates registered between the released one and this one, newest first, each commit once.
    /// </summary>
    public static async Task<(string? ProductionVersion, IReadOnlyList<CommitChange> Changes)> LoadAsync(ReleaseGateDb db, Candidate c, CancellationToken ct)
    {
        var release = await db.Releases.AsNoTracking()
            .Where(r => r.ApplicationId == c.ApplicationId && r.Outcome == ReleaseOutcome.Succeeded)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Select(r => new { r.Version, r.CandidateId }).FirstOrDefaultAsync(ct);
        var releasedAt = release?.CandidateId is { } releasedId
            ? await db.Candidates.Where(x => x.Id == releasedId).Select(x => (DateTimeOffset?)x.RegisteredAt).SingleOrDefaultAsync(ct)
            : null;
        var between = releasedAt is { } from && from < c.RegisteredAt
            ? await db.Candidates.AsNoTracking()
                .Where(x => x.ApplicationId == c.ApplicationId && x.RegisteredAt > from && x.RegisteredAt < c.RegisteredAt)
                .OrderByDescending(x => x.RegisteredAt).Select(x => x.Changes).ToListAsync(ct)
            : [];
        var all = between.Prepend(c.Changes).SelectMany(x => x).DistinctBy(x => x.Commit).ToList();
        return (release?.Version, all);
    }
}
