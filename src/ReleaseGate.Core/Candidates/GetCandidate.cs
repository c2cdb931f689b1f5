using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Candidates;

public sealed record CandidateVote(string User, SignOffDecision Decision, string Comment, DateTimeOffset At, bool CountsForDigest);

public sealed record CandidateWindow(int Id, string Name, DateTimeOffset? CutoffAt);

public sealed record CandidateDetails(
    Guid Id, string Application, string Version, string Digest, string Commit, string Branch, int BuildNumber,
    string BuildUrl, string SubmittedBy, CandidatePhase Phase, string? Progress, int RequiredApprovals,
    IReadOnlyList<CandidateVote> Votes, CandidateWindow? TargetWindow, string? TestUrl, DateTimeOffset RegisteredAt,
    IReadOnlyList<CommitChange> Changes, IReadOnlyList<CandidateEvent> Events, Guid ConcurrencyToken,
    string? ProductionVersion = null, IReadOnlyList<CommitChange>? ChangesSinceProduction = null)
{
    public IEnumerable<CandidateVote> Approvals =>
        Votes.Where(v => v.Decision == SignOffDecision.Approve && v.CountsForDigest);
}

/// <summary>A candidate with its votes and timeline, for the API and the candidate page.</summary>
public sealed class GetCandidate(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<CandidateDetails?> RunAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.AsNoTracking().AsSplitQuery()
            .Include(x => x.Application).Include(x => x.Events).Include(x => x.SignOffs)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return null;

        var window = c.TargetWindowId is { } windowId
            ? await db.ReleaseWindows.AsNoTracking().Where(w => w.Id == windowId)
                .Select(w => new CandidateWindow(w.Id, w.Name, w.CutoffAt)).SingleOrDefaultAsync(ct)
            : null;
        var votes = c.SignOffs.Where(s => s.WithdrawnAt == null).OrderBy(s => s.At)
            .Select(s => new CandidateVote(s.User, s.Decision, s.Comment, s.At, s.Digest == c.Digest)).ToList();
        var (productionVersion, sinceProduction) = await ChangesSinceProduction.LoadAsync(db, c, ct);
        return new CandidateDetails(c.Id, c.Application.Slug, c.Version, c.Digest, c.Commit, c.Branch, c.BuildNumber,
            c.BuildUrl, c.SubmittedBy, c.Phase, c.Progress, c.Application.RequiredApprovals, votes, window, c.TestUrl,
            c.RegisteredAt, c.Changes, c.Events.OrderBy(e => e.At).ThenBy(e => e.Id).ToList(), c.ConcurrencyToken,
            productionVersion, sinceProduction);
    }
}
