using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Audit;

public sealed record AuditQuery(string? Actor = null, string? Action = null, string? Subject = null, int Page = 1, int PageSize = 50, DateTimeOffset? After = null);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, int Total, int Page, int PageSize, AuditChainHead? Head = null);

/// <summary>The newest row of the whole chain: its hash vouches for every row before it (write it down to compare later).</summary>
public sealed record AuditChainHead(long Sequence, string Hash);

/// <summary>The audit trail, newest first, filtered by who, what and on what.</summary>
public sealed class ListAuditEvents(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<AuditPage> RunAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = db.AuditEvents.AsNoTracking();
        // Case ignored alike on both databases: see TextFilter.
        if (TextFilter.Of(query.Actor) is { } actor) rows = rows.Where(a => a.Actor.ToLower().Contains(actor));
        if (TextFilter.Of(query.Action) is { } action) rows = rows.Where(a => a.Action.ToLower().StartsWith(action));
        if (TextFilter.Of(query.Subject) is { } subject) rows = rows.Where(a => a.Subject.ToLower().Contains(subject));
        if (query.After is { } after) rows = rows.Where(a => a.At > after);

        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderByDescending(a => a.Sequence).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new AuditChainHead(a.Sequence, a.Hash)).FirstOrDefaultAsync(ct);
        return new AuditPage(items, total, page, pageSize, head);
    }
}
