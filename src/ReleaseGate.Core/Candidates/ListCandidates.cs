using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Candidates;

public sealed record CandidateQuery(CandidatePhase? Phase = null, string? Application = null, string? Search = null, int Page = 1, int PageSize = 25);

public sealed record CandidateListItem(Guid Id, string Application, string Version, string Digest, string Commit,
    CandidatePhase Phase, string SubmittedBy, DateTimeOffset RegisteredAt);

public sealed record CandidateListPage(IReadOnlyList<CandidateListItem> Items, int Total, int Page, int PageSize);

/// <summary>Recent candidates, newest first, filtered by phase and application and searched by version or commit.</summary>
public sealed class ListCandidates(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<CandidateListPage> RunAsync(CandidateQuery query, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var candidates = db.Candidates.AsNoTracking();
        if (query.Phase is { } phase) candidates = candidates.Where(c => c.Phase == phase);
        if (query.Application is { Length: > 0 } slug) candidates = candidates.Where(c => c.Application.Slug == slug);
        // Case ignored alike on SQLite and PostgreSQL: see TextFilter.
        if (TextFilter.Of(query.Search) is { } s)
            candidates = candidates.Where(c => c.Version.ToLower().Contains(s) || c.Commit.ToLower().StartsWith(s));

        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await candidates.CountAsync(ct);
        var items = await candidates.OrderByDescending(c => c.RegisteredAt).ThenBy(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new CandidateListItem(c.Id, c.Application.Slug, c.Version, c.Digest, c.Commit, c.Phase, c.SubmittedBy, c.RegisteredAt))
            .ToListAsync(ct);
        return new CandidateListPage(items, total, page, pageSize);
    }
}
